package org.clusterdb.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rows of a range read, in key order.
 *
 * @param header the revision the rows reflect
 * @param kvs the rows, at most the requested limit; empty for a count-only read
 * @param more true when the limit cut the result short
 * @param count the number of keys in the range, regardless of the limit
 */
public record RangeResult(Header header, List<KeyValue> kvs, boolean more, long count)
    implements OpResult {
  public RangeResult {
    Objects.requireNonNull(header, "header");
    kvs = List.copyOf(kvs);
  }

  /** The first row, for single-key reads. */
  public Optional<KeyValue> first() {
    return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
  }
}
