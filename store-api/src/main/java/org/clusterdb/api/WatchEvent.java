package org.clusterdb.api;

import java.util.Objects;

/**
 * One change to one key.
 *
 * @param type put or delete
 * @param table the table of the key
 * @param kv the row after a put; for a delete the key with an empty value, version 0 and {@code
 *     modRevision} the deleting revision
 */
public record WatchEvent(Type type, String table, KeyValue kv) {
  /** The kind of change. */
  public enum Type {
    PUT,
    DELETE
  }

  public WatchEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(kv, "kv");
  }

  /** The revision of the change. */
  public long revision() {
    return kv.modRevision();
  }
}
