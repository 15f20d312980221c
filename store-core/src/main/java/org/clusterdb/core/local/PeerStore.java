package org.clusterdb.core.local;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.core.audit.AuditLog;
import org.clusterdb.core.fsm.Applier;
import org.clusterdb.core.fsm.ApplyOutcome;
import org.clusterdb.core.fsm.StateReader;
import org.clusterdb.core.storage.ReadView;
import org.clusterdb.core.storage.StateStore;
import org.clusterdb.core.storage.WriteView;
import org.clusterdb.core.util.DaemonThreads;
import org.clusterdb.core.watch.WatchHub;
import org.clusterdb.proto.log.v1.ApplyResult;
import org.clusterdb.proto.log.v1.AuditContext;
import org.clusterdb.proto.log.v1.CreateTable;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.Put;
import org.clusterdb.proto.log.v1.StoredValue;
import org.clusterdb.proto.log.v1.Txn;

/**
 * The peer-specific tables of this member: the same apply logic as the replicated state, over a
 * RocksDB of its own that is never replicated or shipped in a snapshot. Writes are applied one at a
 * time by a single writer thread and fsynced before they are acknowledged. Thread-safe.
 */
public final class PeerStore implements AutoCloseable {
  private final StateStore store;
  private final Applier applier;
  private final WatchHub hub;
  private final ExecutorService writer;
  private final String memberId;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean closed;

  private PeerStore(StateStore store, Applier applier, WatchHub hub, String memberId) {
    this.store = store;
    this.applier = applier;
    this.hub = hub;
    this.memberId = memberId;
    this.writer =
        Executors.newSingleThreadExecutor(DaemonThreads.named("clusterdb-peer-writer-" + memberId));
  }

  /** Opens (creating if needed) the peer store in {@code dir}. */
  public static PeerStore open(Path dir, Applier applier, WatchHub hub, String memberId)
      throws IOException {
    StateStore store = StateStore.open(dir, true);
    try {
      store.verifyChecksums();
    } catch (IOException e) {
      store.close();
      throw e;
    }
    return new PeerStore(store, applier, hub, memberId);
  }

  /** Applies {@code entry} durably; the result says what it did. */
  public CompletableFuture<ApplyResult> apply(LogEntry entry) {
    try {
      return CompletableFuture.supplyAsync(() -> applyNow(entry), writer);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(closedError());
    }
  }

  private ApplyResult applyNow(LogEntry entry) {
    ApplyOutcome outcome;
    lock.readLock().lock();
    try {
      if (closed) {
        throw closedError();
      }
      try (WriteView batch = store.write()) {
        // Committed even for a business failure: the batch then holds only its dedup record.
        outcome = applier.apply(entry, batch);
        store.commit(batch, null);
      }
    } finally {
      lock.readLock().unlock();
    }
    AuditLog.log(memberId, outcome.audit());
    hub.publish(outcome.revision(), outcome.events());
    return outcome.result();
  }

  /** Creates {@code table} unless it exists; for clusterdb's own reserved tables. */
  public void ensureTable(String table) {
    if (read(r -> r.table(table).isEmpty())) {
      apply(
              LogEntry.newBuilder()
                  .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
                  .setCreateTable(CreateTable.newBuilder().setName(table))
                  .build())
          .join();
    }
  }

  /** Durably sets {@code key} of {@code table} to {@code value}; for clusterdb's own tables. */
  public void put(String table, String key, ByteString value) {
    put(table, key, value, null);
  }

  /** As {@link #put(String, String, ByteString)}, audited with {@code audit} unless null. */
  public void put(String table, String key, ByteString value, AuditContext audit) {
    LogEntry.Builder entry = LogEntry.newBuilder().setFormatVersion(FormatVersion.FORMAT_VERSION_1);
    if (audit != null) {
      entry.setAudit(audit);
    }
    ApplyResult r =
        apply(
                entry
                    .setTxn(
                        Txn.newBuilder()
                            .addSuccess(
                                Op.newBuilder()
                                    .setPut(
                                        Put.newBuilder()
                                            .setTable(table)
                                            .setKey(ByteString.copyFromUtf8(key))
                                            .setValue(value))))
                    .build())
            .join();
    if (r.hasError()) {
      throw new ClusterDbException(
          ErrorCode.INTERNAL,
          "cannot write " + table + "/" + key + ": " + r.getError().getMessage());
    }
  }

  /** The value of {@code key} in {@code table}, if set. */
  public Optional<ByteString> get(String table, String key) {
    return read(
        r ->
            r.table(table).isEmpty()
                ? Optional.<ByteString>empty()
                : r.get(table, key.getBytes(StandardCharsets.UTF_8)).map(StoredValue::getValue));
  }

  /** Runs {@code reader} on a consistent view. */
  public <T> T read(Function<StateReader, T> reader) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw closedError();
      }
      try (ReadView view = store.read()) {
        return reader.apply(view);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  public Watch watch(WatchRequest request, WatchListener listener) {
    return read(view -> hub.register(request, listener, view));
  }

  /** Writes a consistent copy of this peer's tables into {@code target}, which must not exist. */
  public void checkpoint(Path target) throws IOException {
    lock.readLock().lock();
    try {
      if (closed) {
        throw closedError();
      }
      store.checkpoint(target);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Finishes queued writes, then closes the database; later calls fail UNAVAILABLE. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        store.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private static ClusterDbException closedError() {
    return new ClusterDbException(ErrorCode.UNAVAILABLE, "the store is closed", null, true, null);
  }
}
