package org.clusterdb.core.storage;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.clusterdb.core.fsm.StateReader;
import org.clusterdb.proto.log.v1.DedupRecord;
import org.clusterdb.proto.log.v1.HistoryRecord;
import org.clusterdb.proto.log.v1.StoredValue;
import org.clusterdb.proto.log.v1.TableMeta;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/** The read logic shared by snapshot views and write batches over a {@link StateStore}. */
abstract class RocksView implements StateReader {
  /** Field 1 as a varint: (field number << 3) | wire type 0. */
  private static final int REVISION_TAG = DedupRecord.REVISION_FIELD_NUMBER << 3;

  final StateStore store;

  RocksView(StateStore store) {
    this.store = store;
  }

  abstract byte[] raw(ColumnFamilyHandle cf, byte[] key) throws RocksDBException;

  abstract RocksIterator iterator(ColumnFamilyHandle cf);

  @Override
  public long revision() {
    return metaLong(StateStore.META_REVISION, 0);
  }

  @Override
  public long historyOldest() {
    return metaLong(StateStore.META_HISTORY_OLDEST, 1);
  }

  @Override
  public long historyBytes() {
    return metaLong(StateStore.META_HISTORY_BYTES, 0);
  }

  long metaLong(byte[] key, long absent) {
    byte[] v = get(store.meta(), key);
    return v == null ? absent : Keys.revision(v);
  }

  byte[] get(ColumnFamilyHandle cf, byte[] key) {
    try {
      return raw(cf, key);
    } catch (RocksDBException e) {
      throw new StorageException("read failed", e);
    }
  }

  @Override
  public Optional<StoredValue> get(String table, byte[] key) {
    byte[] v = get(store.kv(), Keys.row(Keys.tablePrefix(table), key));
    return v == null ? Optional.empty() : Optional.of(parse(v, StoredValue.parser()));
  }

  @Override
  public void scan(String table, byte[] start, byte[] end, RowVisitor visitor) {
    byte[] prefix = Keys.tablePrefix(table);
    byte[] upper = end == null ? Keys.tableEnd(prefix) : Keys.row(prefix, end);
    try (RocksIterator it = iterator(store.kv())) {
      for (it.seek(Keys.row(prefix, start)); it.isValid(); it.next()) {
        byte[] row = it.key();
        if (Arrays.compareUnsigned(row, upper) >= 0) {
          break;
        }
        if (!visitor.visit(Keys.userKey(prefix, row), parse(it.value(), StoredValue.parser()))) {
          break;
        }
      }
      check(it);
    }
  }

  @Override
  public Optional<TableMeta> table(String name) {
    byte[] v = get(store.tables(), Keys.tablePrefix(name));
    return v == null ? Optional.empty() : Optional.of(parse(v, TableMeta.parser()));
  }

  @Override
  public List<TableMeta> tables() {
    List<TableMeta> tables = new ArrayList<>();
    try (RocksIterator it = iterator(store.tables())) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        tables.add(parse(it.value(), TableMeta.parser()));
      }
      check(it);
    }
    tables.sort((a, b) -> a.getName().compareTo(b.getName()));
    return tables;
  }

  @Override
  public Optional<HistoryEntry> historyAtOrAfter(long revision) {
    try (RocksIterator it = iterator(store.history())) {
      it.seek(Keys.revision(Math.max(0, revision)));
      if (!it.isValid()) {
        check(it);
        return Optional.empty();
      }
      byte[] value = it.value();
      return Optional.of(
          new HistoryEntry(
              Keys.revision(it.key()), parse(value, HistoryRecord.parser()), value.length));
    }
  }

  @Override
  public Optional<DedupRecord> dedup(byte[] clientId, long seq) {
    byte[] v = get(store.dedup(), Keys.dedup(clientId, seq));
    return v == null ? Optional.empty() : Optional.of(parse(v, DedupRecord.parser()));
  }

  @Override
  public long dedupCount() {
    return metaLong(StateStore.META_DEDUP_COUNT, 0);
  }

  @Override
  public long auditNext() {
    return metaLong(StateStore.META_AUDIT_NEXT, 0);
  }

  @Override
  public List<Long> dedupSeqs(byte[] clientId, long from, long below) {
    List<Long> seqs = new ArrayList<>();
    byte[] upper = Keys.dedup(clientId, below);
    try (RocksIterator it = iterator(store.dedup())) {
      // Removed seqs leave tombstones a seek must step over: start past those already removed.
      for (it.seek(Keys.dedup(clientId, Math.max(0, from))); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (Arrays.compareUnsigned(key, upper) >= 0) {
          break;
        }
        seqs.add(Keys.dedupSeq(key));
      }
      check(it);
    }
    return seqs;
  }

  @Override
  public Optional<DedupRecord> latestDedup(byte[] clientId) {
    byte[] prefix = Keys.dedupPrefix(clientId);
    try (RocksIterator it = iterator(store.dedup())) {
      // The live records sit after the tombstones of removed ones: approach from the end.
      it.seekForPrev(Keys.dedup(clientId, Long.MAX_VALUE));
      if (!it.isValid()) {
        check(it);
        return Optional.empty();
      }
      byte[] key = it.key();
      if (key.length != prefix.length + 8
          || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
        return Optional.empty();
      }
      return Optional.of(parse(it.value(), DedupRecord.parser()));
    }
  }

  @Override
  public Optional<DedupKey> oldestDedup() {
    try (RocksIterator it = iterator(store.dedupOrder())) {
      // Forgotten requests leave tombstones at the front: start past them.
      it.seek(Keys.revision(metaLong(StateStore.META_DEDUP_ORDER_FROM, 0)));
      if (!it.isValid()) {
        check(it);
        return Optional.empty();
      }
      byte[] key = it.key();
      byte[] dedupKey = Arrays.copyOfRange(key, 8, key.length);
      return Optional.of(
          new DedupKey(Keys.dedupClient(dedupKey), Keys.dedupSeq(dedupKey), Keys.revision(key)));
    }
  }

  @Override
  public OptionalLong dedupFloor(byte[] clientId) {
    byte[] v = get(store.meta(), Keys.dedupFloor(clientId));
    return v == null ? OptionalLong.empty() : OptionalLong.of(Keys.revision(v));
  }

  @Override
  public OptionalLong dedupRevision(byte[] clientId, long seq) {
    byte[] v = get(store.dedup(), Keys.dedup(clientId, seq));
    if (v == null) {
      return OptionalLong.empty();
    }
    // Only the revision is wanted: skip the remembered result instead of parsing it.
    try {
      CodedInputStream in = CodedInputStream.newInstance(v);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == REVISION_TAG) {
          return OptionalLong.of(in.readInt64());
        }
        in.skipField(tag);
      }
      return OptionalLong.of(0);
    } catch (IOException e) {
      throw new StorageException("corrupt record", e);
    }
  }

  @Override
  public int historySize(long revision) {
    byte[] v = get(store.history(), Keys.revision(revision));
    return v == null ? -1 : v.length;
  }

  private static void check(RocksIterator it) {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw new StorageException("iteration failed", e);
    }
  }

  static <T> T parse(byte[] bytes, com.google.protobuf.Parser<T> parser) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new StorageException("corrupt record", e);
    }
  }
}
