package org.clusterdb.core.storage;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/** A point-in-time view of a {@link StateStore}; every read sees the same state. Close it. */
public final class ReadView extends RocksView implements AutoCloseable {
  private final Snapshot snapshot;
  private final ReadOptions options;

  ReadView(StateStore store) {
    super(store);
    this.snapshot = store.db().getSnapshot();
    this.options = new ReadOptions().setSnapshot(snapshot);
  }

  @Override
  byte[] raw(ColumnFamilyHandle cf, byte[] key) throws RocksDBException {
    return store.db().get(cf, options, key);
  }

  @Override
  RocksIterator iterator(ColumnFamilyHandle cf) {
    return store.db().newIterator(cf, options);
  }

  @Override
  public void close() {
    options.close();
    store.db().releaseSnapshot(snapshot);
  }
}
