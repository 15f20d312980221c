package org.clusterdb.api;

import java.util.Objects;

/** One operation of a transaction branch. Immutable. */
public sealed interface Op permits Op.Put, Op.Delete, Op.Range {

  /** The table the operation addresses. */
  String table();

  /**
   * Sets {@code key} to {@code value}, attached to {@code lease} (0: to none, detaching it from the
   * lease it had). A key attached to a lease is deleted when the lease expires or is revoked.
   */
  record Put(String table, Bytes key, Bytes value, long lease) implements Op {
    public Put {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    /** A put attached to no lease. */
    public Put(String table, Bytes key, Bytes value) {
      this(table, key, value, 0);
    }
  }

  /** Deletes every key in {@code range}. */
  record Delete(String table, KeyRange range) implements Op {
    public Delete {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(range, "range");
    }
  }

  /** Reads the keys in {@code range}, at most {@code limit} of them (0 = no limit). */
  record Range(String table, KeyRange range, long limit) implements Op {
    public Range {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(range, "range");
    }
  }

  static Op put(String table, Bytes key, Bytes value) {
    return new Put(table, key, value);
  }

  /** A put of {@code key} attached to {@code lease}. */
  static Op put(String table, Bytes key, Bytes value, long lease) {
    return new Put(table, key, value, lease);
  }

  static Op delete(String table, KeyRange range) {
    return new Delete(table, range);
  }

  static Op range(String table, KeyRange range) {
    return new Range(table, range, 0);
  }
}
