package org.clusterdb.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The one exception type of clusterdb operations, carried as the cause of a failed future.
 *
 * <p>{@link #code()} is stable and says what to do; {@link #definite()} is true when the operation
 * surely had no effect, false when a write may have been applied (a timeout, a connection lost
 * after sending). Nothing needs to parse the message. Subclasses carry data: {@link
 * NotLeaderException} the leader hint, {@link CompactedException} the oldest retained revision.
 */
public class ClusterDbException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final boolean definite;
  private final String field;

  public ClusterDbException(ErrorCode code, String message) {
    this(code, message, null, code.definiteByDefault(), null);
  }

  public ClusterDbException(ErrorCode code, String message, Throwable cause) {
    this(code, message, null, code.definiteByDefault(), cause);
  }

  /**
   * @param field the request field at fault, e.g. {@code txn.success[1].put.key}; null if none
   */
  public ClusterDbException(
      ErrorCode code, String message, String field, boolean definite, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.code = Objects.requireNonNull(code, "code");
    this.field = field;
    this.definite = definite;
  }

  /** An {@link ErrorCode#INVALID_ARGUMENT} naming {@code field}. */
  public static ClusterDbException invalid(String field, String message) {
    return new ClusterDbException(
        ErrorCode.INVALID_ARGUMENT, field + ": " + message, field, true, null);
  }

  public ErrorCode code() {
    return code;
  }

  /** True when the operation surely had no effect. */
  public boolean definite() {
    return definite;
  }

  /** True when retrying the same request may succeed. */
  public boolean retryable() {
    return code.retryable();
  }

  /** The request field at fault, if the error is about one. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "{code="
        + code
        + ", definite="
        + definite
        + ", message="
        + getMessage()
        + "}";
  }
}
