package org.clusterdb.core.storage;

import org.clusterdb.core.fsm.StateWriter;
import org.clusterdb.proto.log.v1.DedupRecord;
import org.clusterdb.proto.log.v1.HistoryRecord;
import org.clusterdb.proto.log.v1.StoredValue;
import org.clusterdb.proto.log.v1.TableMeta;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;

/**
 * A batch of writes that reads its own writes, committed atomically by {@link StateStore#commit}.
 * One writer at a time per store. Close it after commit or to abandon it.
 */
public final class WriteView extends RocksView implements StateWriter, AutoCloseable {
  private final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
  private final ReadOptions options = new ReadOptions();

  // The counters every command reads and sets, kept here and written once at commit: the batch's
  // index makes each read of them a lookup in the batch and then the store.
  private final Counter revision = new Counter(StateStore.META_REVISION, 0);
  private final Counter historyOldest = new Counter(StateStore.META_HISTORY_OLDEST, 1);
  private final Counter historyBytes = new Counter(StateStore.META_HISTORY_BYTES, 0);
  private final Counter dedupCount = new Counter(StateStore.META_DEDUP_COUNT, 0);
  private final Counter auditNext = new Counter(StateStore.META_AUDIT_NEXT, 0);

  /** One meta counter: read from the store at first use, written at commit if it was set. */
  private final class Counter {
    private final byte[] key;
    private final long absent;
    private boolean loaded;
    private boolean dirty;
    private long value;

    Counter(byte[] key, long absent) {
      this.key = key;
      this.absent = absent;
    }

    long get() {
      if (!loaded) {
        value = metaLong(key, absent);
        loaded = true;
      }
      return value;
    }

    void set(long v) {
      value = v;
      loaded = true;
      dirty = true;
    }

    void flush() {
      if (dirty) {
        write(store.meta(), key, Keys.revision(value));
        dirty = false;
      }
    }
  }

  WriteView(StateStore store) {
    super(store);
  }

  WriteBatchWithIndex batch() {
    return batch;
  }

  @Override
  byte[] raw(ColumnFamilyHandle cf, byte[] key) throws RocksDBException {
    return batch.getFromBatchAndDB(store.db(), cf, options, key);
  }

  @Override
  RocksIterator iterator(ColumnFamilyHandle cf) {
    return batch.newIteratorWithBase(cf, store.db().newIterator(cf, options));
  }

  @Override
  public void put(String table, byte[] key, StoredValue value) {
    write(store.kv(), Keys.row(Keys.tablePrefix(table), key), value.toByteArray());
  }

  @Override
  public void delete(String table, byte[] key) {
    remove(store.kv(), Keys.row(Keys.tablePrefix(table), key));
  }

  @Override
  public void putTable(TableMeta table) {
    write(store.tables(), Keys.tablePrefix(table.getName()), table.toByteArray());
  }

  @Override
  public void deleteTable(String name) {
    remove(store.tables(), Keys.tablePrefix(name));
  }

  @Override
  public long revision() {
    return revision.get();
  }

  @Override
  public long historyOldest() {
    return historyOldest.get();
  }

  @Override
  public long historyBytes() {
    return historyBytes.get();
  }

  @Override
  public long dedupCount() {
    return dedupCount.get();
  }

  @Override
  public void setRevision(long revision) {
    this.revision.set(revision);
  }

  @Override
  public void putHistory(long revision, HistoryRecord record) {
    write(store.history(), Keys.revision(revision), record.toByteArray());
  }

  @Override
  public void deleteHistory(long revision) {
    remove(store.history(), Keys.revision(revision));
  }

  @Override
  public void setHistoryOldest(long revision) {
    historyOldest.set(revision);
  }

  @Override
  public void setHistoryBytes(long bytes) {
    historyBytes.set(bytes);
  }

  @Override
  public void putDedup(byte[] clientId, long seq, DedupRecord record) {
    write(store.dedup(), Keys.dedup(clientId, seq), record.toByteArray());
    write(store.dedupOrder(), Keys.dedupOrder(record.getRevision(), clientId, seq), new byte[0]);
  }

  @Override
  public void deleteDedup(byte[] clientId, long seq, long revision) {
    remove(store.dedup(), Keys.dedup(clientId, seq));
    remove(store.dedupOrder(), Keys.dedupOrder(revision, clientId, seq));
  }

  @Override
  public void setDedupCount(long count) {
    dedupCount.set(count);
  }

  @Override
  public long auditNext() {
    return auditNext.get();
  }

  @Override
  public void setAuditNext(long next) {
    auditNext.set(next);
  }

  @Override
  public void setDedupFloor(byte[] clientId, long ackedBelow) {
    write(store.meta(), Keys.dedupFloor(clientId), Keys.revision(ackedBelow));
  }

  @Override
  public void setDedupOrderFrom(long revision) {
    write(store.meta(), StateStore.META_DEDUP_ORDER_FROM, Keys.revision(revision));
  }

  /** Puts the counters set since the last flush into the batch; the store calls it at commit. */
  void flushMeta() {
    revision.flush();
    historyOldest.flush();
    historyBytes.flush();
    dedupCount.flush();
    auditNext.flush();
  }

  void write(ColumnFamilyHandle cf, byte[] key, byte[] value) {
    try {
      batch.put(cf, key, value);
    } catch (RocksDBException e) {
      throw new StorageException("batch write failed", e);
    }
  }

  private void remove(ColumnFamilyHandle cf, byte[] key) {
    try {
      batch.delete(cf, key);
    } catch (RocksDBException e) {
      throw new StorageException("batch delete failed", e);
    }
  }

  @Override
  public void close() {
    options.close();
    batch.close();
  }
}
