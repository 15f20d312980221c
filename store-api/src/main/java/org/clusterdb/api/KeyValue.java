package org.clusterdb.api;

import java.util.Objects;

/**
 * One row of a table with its MVCC metadata.
 *
 * @param key the key, never empty
 * @param value the value, possibly empty
 * @param createRevision the revision that created the key (since its last deletion)
 * @param modRevision the revision of the last write to the key
 * @param version writes since creation: 1 after the creating put; 0 for a deletion event
 * @param lease the lease the key is attached to, 0 for none: the key goes when the lease does
 */
public record KeyValue(
    Bytes key, Bytes value, long createRevision, long modRevision, long version, long lease) {
  public KeyValue {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  /** A row attached to no lease. */
  public KeyValue(Bytes key, Bytes value, long createRevision, long modRevision, long version) {
    this(key, value, createRevision, modRevision, version, 0);
  }
}
