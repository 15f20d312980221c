package org.clusterdb.chaos.history;

import java.util.Locale;
import java.util.Objects;

/**
 * One event of a Jepsen-style history: a client process invoking an operation on a register, or
 * that invocation's completion.
 *
 * <p>Values are strings; {@code null} stands for an absent key. What {@link #value} and {@link
 * #expected} hold depends on {@link #f}:
 *
 * <ul>
 *   <li>{@link Fn#READ}: {@code value} is null on the invoke; on an {@link Type#OK} completion it
 *       is the value read, null when the key was absent; null on {@link Type#FAIL} and {@link
 *       Type#INFO}. {@code expected} is always null.
 *   <li>{@link Fn#WRITE}: {@code value} is the value written, never null, the same on the invoke
 *       and its completion. {@code expected} is always null.
 *   <li>{@link Fn#CAS}: compare-and-set from {@code expected} (null: the key must be absent) to
 *       {@code value} (never null), the same on the invoke and its completion. {@code OK} means it
 *       applied, {@code FAIL} that it did not.
 * </ul>
 *
 * <p>Immutable and thread-safe. The rules that relate an op to the rest of its history (index
 * order, matching completions) are checked by {@link History}.
 *
 * @param type invoke or one of the three completions
 * @param process the client process, {@code >= 0}; a process has at most one operation outstanding
 *     and, after an {@link Type#INFO} completion, never issues again
 * @param f the operation
 * @param key the register the operation addresses, never null
 * @param expected for {@link Fn#CAS} only: the value compared against, null for absent
 * @param value the operand or result, as described above
 * @param index this event's position in its history, {@code >= 0}
 * @param timeNanos when the event was recorded, in nanoseconds from an arbitrary origin;
 *     informational only (checkers order events by {@code index})
 */
public record Op(
    Type type,
    int process,
    Fn f,
    String key,
    String expected,
    String value,
    long index,
    long timeNanos) {

  /** Whether the event starts an operation or how the operation ended. */
  public enum Type {
    /** The client sent the request. */
    INVOKE,
    /** The operation surely took effect (for a read: it read {@link Op#value}). */
    OK,
    /** The operation surely did not take effect. */
    FAIL,
    /**
     * Indeterminate: the operation may or may not have taken effect, at any time after its invoke.
     * The process never issues again.
     */
    INFO;

    /** True for the three completion types. */
    public boolean isCompletion() {
      return this != INVOKE;
    }
  }

  /** The register operations. */
  public enum Fn {
    READ,
    WRITE,
    CAS
  }

  public Op {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(key, "key");
    if (process < 0) {
      throw new IllegalArgumentException("process: must be >= 0, was " + process);
    }
    if (index < 0) {
      throw new IllegalArgumentException("index: must be >= 0, was " + index);
    }
    if (f != Fn.CAS && expected != null) {
      throw new IllegalArgumentException("expected: only a cas has one, this is a " + f);
    }
    if (f == Fn.READ && type != Type.OK && value != null) {
      throw new IllegalArgumentException("value: a read's " + type + " carries none");
    }
    if (f != Fn.READ && value == null) {
      throw new IllegalArgumentException("value: a " + f + " needs the value it writes");
    }
  }

  /** An invoke of a read. */
  public static Op invokeRead(int process, String key, long index, long timeNanos) {
    return new Op(Type.INVOKE, process, Fn.READ, key, null, null, index, timeNanos);
  }

  /** An invoke of a write. */
  public static Op invokeWrite(int process, String key, String value, long index, long timeNanos) {
    return new Op(Type.INVOKE, process, Fn.WRITE, key, null, value, index, timeNanos);
  }

  /** An invoke of a compare-and-set from {@code expected} (null: absent) to {@code value}. */
  public static Op invokeCas(
      int process, String key, String expected, String value, long index, long timeNanos) {
    return new Op(Type.INVOKE, process, Fn.CAS, key, expected, value, index, timeNanos);
  }

  /**
   * The completion of this invoke: the same process, function, key and operands, at {@code index}.
   * For a read completed {@link Type#OK}, use {@link #completeRead} instead.
   *
   * @throws IllegalStateException if this is not an invoke
   * @throws IllegalArgumentException if {@code type} is {@link Type#INVOKE}, or an {@code OK} read
   */
  public Op complete(Type type, long index, long timeNanos) {
    if (f == Fn.READ && type == Type.OK) {
      throw new IllegalArgumentException("an OK read needs its value: use completeRead");
    }
    return completion(type, value, index, timeNanos);
  }

  /**
   * The {@link Type#OK} completion of this read invoke, having read {@code readValue} (null:
   * absent).
   *
   * @throws IllegalStateException if this is not the invoke of a read
   */
  public Op completeRead(String readValue, long index, long timeNanos) {
    if (f != Fn.READ) {
      throw new IllegalStateException("not a read: " + this);
    }
    return completion(Type.OK, readValue, index, timeNanos);
  }

  private Op completion(Type completion, String v, long at, long nanos) {
    if (type != Type.INVOKE) {
      throw new IllegalStateException("only an invoke can be completed: " + this);
    }
    if (!completion.isCompletion()) {
      throw new IllegalArgumentException("type: must be a completion, was " + completion);
    }
    return new Op(completion, process, f, key, expected, v, at, nanos);
  }

  /** A short human-readable form, e.g. {@code 12 p3 ok cas k "1"->"2"}. */
  public String describe() {
    StringBuilder s =
        new StringBuilder()
            .append(index)
            .append(" p")
            .append(process)
            .append(' ')
            .append(type.name().toLowerCase(Locale.ROOT))
            .append(' ')
            .append(f.name().toLowerCase(Locale.ROOT))
            .append(' ')
            .append(key);
    if (f == Fn.CAS) {
      s.append(' ').append(quote(expected)).append("->").append(quote(value));
    } else if (f == Fn.WRITE || type == Type.OK) {
      s.append(' ').append(quote(value));
    }
    return s.toString();
  }

  static String quote(String v) {
    return v == null ? "absent" : '"' + v + '"';
  }
}
