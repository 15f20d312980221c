package org.clusterdb.api;

import java.util.Objects;

/**
 * Options of a range read.
 *
 * @param consistency how fresh the read must be
 * @param limit at most this many rows; 0 means no limit
 * @param countOnly return only the count, no rows
 */
public record ReadOptions(Consistency consistency, long limit, boolean countOnly) {
  /** Linearizable, no limit, rows included. */
  public static final ReadOptions DEFAULT = new ReadOptions(Consistency.LINEARIZABLE, 0, false);

  public ReadOptions {
    Objects.requireNonNull(consistency, "consistency");
    if (limit < 0) {
      throw new IllegalArgumentException("limit: must be >= 0, was " + limit);
    }
  }

  /** This member's replica, no round trip. */
  public static ReadOptions local() {
    return DEFAULT.withConsistency(Consistency.LOCAL);
  }

  public ReadOptions withConsistency(Consistency c) {
    return new ReadOptions(c, limit, countOnly);
  }

  public ReadOptions withLimit(long n) {
    return new ReadOptions(consistency, n, countOnly);
  }

  public ReadOptions withCountOnly(boolean b) {
    return new ReadOptions(consistency, limit, b);
  }
}
