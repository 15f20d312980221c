package org.clusterdb.api;

import java.util.Objects;

/** One operation of a transaction branch. Immutable. */
public sealed interface Op permits Op.Put, Op.Delete, Op.Range {

  /** The table the operation addresses. */
  String table();

  /** Sets {@code key} to {@code value}. */
  record Put(String table, Bytes key, Bytes value) implements Op {
    public Put {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
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

  static Op delete(String table, KeyRange range) {
    return new Delete(table, range);
  }

  static Op range(String table, KeyRange range) {
    return new Range(table, range, 0);
  }
}
