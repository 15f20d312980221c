package org.clusterdb.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A blocking view of a {@link KeyValueStore}: each method waits for the asynchronous one and throws
 * its {@link ClusterDbException} directly. Interrupting the waiting thread gives {@link
 * ErrorCode#UNAVAILABLE} with {@code definite() == false} for writes: the write may still apply.
 */
public final class BlockingKeyValueStore {
  private final KeyValueStore store;

  public BlockingKeyValueStore(KeyValueStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  public Table createTable(String name, TableScope scope) {
    return await(store.createTable(name, scope));
  }

  public Table createTable(String name, TableOptions options) {
    return await(store.createTable(name, options));
  }

  public void dropTable(String name) {
    await(store.dropTable(name));
  }

  public List<Table> listTables(Consistency consistency) {
    return await(store.listTables(consistency));
  }

  public PutResult put(String table, Bytes key, Bytes value) {
    return await(store.put(table, key, value));
  }

  public PutResult put(String table, Bytes key, Bytes value, long lease) {
    return await(store.put(table, key, value, lease));
  }

  public PutResult put(String table, String key, String value) {
    return put(table, Bytes.of(key), Bytes.of(value));
  }

  public Optional<KeyValue> get(String table, Bytes key) {
    return await(store.get(table, key));
  }

  public Optional<KeyValue> get(String table, String key) {
    return get(table, Bytes.of(key));
  }

  public Optional<KeyValue> get(String table, Bytes key, Consistency consistency) {
    return await(store.get(table, key, consistency));
  }

  public RangeResult range(String table, KeyRange range, ReadOptions options) {
    return await(store.range(table, range, options));
  }

  public DeleteResult delete(String table, Bytes key) {
    return await(store.delete(table, key));
  }

  public DeleteResult deleteRange(String table, KeyRange range) {
    return await(store.deleteRange(table, range));
  }

  public TxnResult txn(Txn txn) {
    return await(store.txn(txn));
  }

  /** Waits for {@code future}, unwrapping its {@link ClusterDbException}. */
  public static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterDbException(
          ErrorCode.UNAVAILABLE, "interrupted while waiting", null, false, e);
    } catch (ExecutionException | CompletionException | CancellationException e) {
      throw unwrap(e);
    }
  }

  /** The {@link ClusterDbException} behind {@code t}, or an INTERNAL one wrapping it. */
  public static ClusterDbException unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ClusterDbException e) {
      return e;
    }
    return new ClusterDbException(ErrorCode.INTERNAL, String.valueOf(cause), null, false, cause);
  }
}
