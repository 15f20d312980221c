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
  public void setRevision(long revision) {
    write(store.meta(), StateStore.META_REVISION, Keys.revision(revision));
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
    write(store.meta(), StateStore.META_HISTORY_OLDEST, Keys.revision(revision));
  }

  @Override
  public void setHistoryBytes(long bytes) {
    write(store.meta(), StateStore.META_HISTORY_BYTES, Keys.revision(bytes));
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
    write(store.meta(), StateStore.META_DEDUP_COUNT, Keys.revision(count));
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
