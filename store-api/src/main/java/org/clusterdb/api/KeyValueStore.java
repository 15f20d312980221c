package org.clusterdb.api;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The operations of a clusterdb store, implemented alike by the embedded library and the client.
 *
 * <p>Every method is thread-safe and returns at once; failures complete the future exceptionally
 * with a {@link ClusterDbException} (never a raw transport exception). A write fails with a
 * definite error only when it surely was not applied. Operations on cluster tables are
 * linearizable; operations on peer tables are serialized per peer. Table names match {@code
 * [A-Za-z][A-Za-z0-9_.-]{0,63}}; keys are 1 byte to the configured maximum (4 KiB by default),
 * values up to the configured maximum (1 MiB by default).
 */
public interface KeyValueStore {

  /**
   * Creates a table that is not sensitive. Cluster tables are created on every peer through the
   * log; peer tables only here. Fails with {@link ErrorCode#TABLE_EXISTS} if the name is taken in
   * either scope.
   */
  default CompletableFuture<Table> createTable(String name, TableScope scope) {
    return createTable(name, TableOptions.of(scope));
  }

  /**
   * Creates a table with {@code options}, as {@link #createTable(String, TableScope)}. A member
   * without the cluster's system key refuses to read or write a sensitive table's values with
   * {@link ErrorCode#UNAVAILABLE}: another member can serve them.
   */
  CompletableFuture<Table> createTable(String name, TableOptions options);

  /** Drops a table and all its rows; watchers see a delete event per row. */
  CompletableFuture<Void> dropTable(String name);

  /** Every table this member knows, cluster tables first, then peer tables, each by name. */
  CompletableFuture<List<Table>> listTables(Consistency consistency);

  /**
   * Sets {@code key} to {@code value}, creating the key if needed, attached to no lease (detaching
   * it from any it had).
   */
  default CompletableFuture<PutResult> put(String table, Bytes key, Bytes value) {
    return put(table, key, value, 0);
  }

  /**
   * Sets {@code key} to {@code value}, attached to {@code lease} (see {@link Leases}); 0 attaches
   * it to none. Fails LEASE_NOT_FOUND when the lease is gone, and INVALID_ARGUMENT for a lease on a
   * peer table.
   */
  CompletableFuture<PutResult> put(String table, Bytes key, Bytes value, long lease);

  /** Reads one key, linearizably. */
  default CompletableFuture<Optional<KeyValue>> get(String table, Bytes key) {
    return get(table, key, Consistency.LINEARIZABLE);
  }

  /** Reads one key with the given consistency. */
  default CompletableFuture<Optional<KeyValue>> get(
      String table, Bytes key, Consistency consistency) {
    return range(table, KeyRange.key(key), ReadOptions.DEFAULT.withConsistency(consistency))
        .thenApply(RangeResult::first);
  }

  /** Reads the keys of {@code range} in key order. */
  CompletableFuture<RangeResult> range(String table, KeyRange range, ReadOptions options);

  /** Deletes one key; {@code deleted} is 0 if it did not exist. */
  default CompletableFuture<DeleteResult> delete(String table, Bytes key) {
    return deleteRange(table, KeyRange.key(key));
  }

  /** Deletes every key of {@code range} as one revision. */
  CompletableFuture<DeleteResult> deleteRange(String table, KeyRange range);

  /** Runs a transaction atomically. */
  CompletableFuture<TxnResult> txn(Txn txn);

  /**
   * Watches a table or key prefix. Events before this call are replayed from the retained history
   * when {@code request.startRevision()} is given; the listener then receives every later change
   * with none missing or repeated. Fails through the listener with {@link ErrorCode#COMPACTED} when
   * the start revision is no longer retained.
   */
  Watch watch(WatchRequest request, WatchListener listener);
}
