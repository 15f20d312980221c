package org.clusterdb.api;

/** {@link ErrorCode#COMPACTED}: the requested revision is older than the retained history. */
public final class CompactedException extends ClusterDbException {
  private static final long serialVersionUID = 1L;

  private final long oldestRevision;

  public CompactedException(long requested, long oldestRevision) {
    this(
        "revision "
            + requested
            + " is compacted; the oldest retained revision is "
            + oldestRevision,
        oldestRevision);
  }

  /** With the message as the server gave it; for clients rebuilding a remote error. */
  public CompactedException(String message, long oldestRevision) {
    super(ErrorCode.COMPACTED, message, "startRevision", true, null);
    this.oldestRevision = oldestRevision;
  }

  /** The oldest revision that can still be watched from. */
  public long oldestRevision() {
    return oldestRevision;
  }
}
