package org.clusterdb.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of a put.
 *
 * @param header the revision is the one the put created
 * @param previous the row before the put; empty if the key did not exist
 */
public record PutResult(Header header, Optional<KeyValue> previous) implements OpResult {
  public PutResult {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(previous, "previous");
  }
}
