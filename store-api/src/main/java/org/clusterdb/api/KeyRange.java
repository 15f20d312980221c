package org.clusterdb.api;

import java.util.Objects;

/**
 * A set of keys of one table: a single key, a prefix, or an interval.
 *
 * <p>Encoded as etcd encodes ranges: {@code end} empty names the single key {@code start}; {@code
 * end} equal to one zero byte means every key {@code >= start}; otherwise the half-open interval
 * {@code [start, end)}. Immutable.
 *
 * @param start first key; empty only together with an unbounded end (the whole table)
 * @param end see above
 */
public record KeyRange(Bytes start, Bytes end) {
  private static final Bytes UNBOUNDED = Bytes.wrap(new byte[] {0});

  public KeyRange {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
  }

  /** Exactly {@code key}. */
  public static KeyRange key(Bytes key) {
    return new KeyRange(key, Bytes.EMPTY);
  }

  /** Exactly the UTF-8 key {@code key}. */
  public static KeyRange key(String key) {
    return key(Bytes.of(key));
  }

  /** Every key starting with {@code prefix}; the whole table when the prefix is empty. */
  public static KeyRange prefix(Bytes prefix) {
    return prefix.isEmpty() ? all() : new KeyRange(prefix, prefixEnd(prefix));
  }

  /** Every key starting with the UTF-8 {@code prefix}. */
  public static KeyRange prefix(String prefix) {
    return prefix(Bytes.of(prefix));
  }

  /** Every key of the table. */
  public static KeyRange all() {
    return new KeyRange(Bytes.EMPTY, UNBOUNDED);
  }

  /** Every key {@code >= start}. */
  public static KeyRange from(Bytes start) {
    return new KeyRange(start, UNBOUNDED);
  }

  /** The keys in {@code [start, end)}. */
  public static KeyRange between(Bytes start, Bytes end) {
    return new KeyRange(start, end);
  }

  /** True when this range names exactly one key. */
  public boolean isSingleKey() {
    return end.isEmpty();
  }

  /** True when this range has no upper bound. */
  public boolean isUnbounded() {
    return end.equals(UNBOUNDED);
  }

  /** True when {@code key} is in this range. */
  public boolean contains(Bytes key) {
    if (isSingleKey()) {
      return start.equals(key);
    }
    return key.compareTo(start) >= 0 && (isUnbounded() || key.compareTo(end) < 0);
  }

  /**
   * The smallest key greater than every key with {@code prefix}, or the unbounded marker when the
   * prefix is all {@code 0xff}.
   */
  static Bytes prefixEnd(Bytes prefix) {
    byte[] end = prefix.toByteArray();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return Bytes.wrap(java.util.Arrays.copyOf(end, i + 1));
      }
    }
    return UNBOUNDED;
  }

  @Override
  public String toString() {
    if (isSingleKey()) {
      return "key(" + start + ")";
    }
    return "[" + start + ", " + (isUnbounded() ? "+inf" : end.toString()) + ")";
  }
}
