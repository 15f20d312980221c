package org.clusterdb.bench.jmh;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.fsm.Applier;
import org.clusterdb.core.fsm.ApplyOutcome;
import org.clusterdb.core.fsm.CommandValidator;
import org.clusterdb.core.fsm.Reader;
import org.clusterdb.core.storage.FileOps;
import org.clusterdb.core.storage.ReadView;
import org.clusterdb.core.storage.StateStore;
import org.clusterdb.core.storage.WriteView;
import org.clusterdb.core.watch.WatchHub;
import org.clusterdb.proto.log.v1.AppliedIndex;
import org.clusterdb.proto.log.v1.CreateTable;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Query;
import org.clusterdb.proto.log.v1.QueryResult;
import org.clusterdb.proto.log.v1.Range;
import org.clusterdb.proto.log.v1.StoredValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The state machine's per-entry work on real RocksDB: a 1 KB put over 10,000 keys applied by the
 * real {@link Applier} into a real {@link StateStore}, and the replica-side work of a read.
 *
 * <p>ReplicatedStateMachine is package-private, so {@link #apply} repeats the steps of its
 * applyTransaction (and {@link Readers#query} those of its query); keep them in step when it
 * changes. Ratis hands it one committed entry at a time and it commits each in its own RocksDB
 * batch: there is no batching to measure, only {@link #applyPutGrouped}, which shows what grouping
 * would gain.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ApplyBench {
  /** Entries per RocksDB batch in {@link #applyPutGrouped}. */
  static final int GROUP = 16;

  private static final long TERM = 3;

  /**
   * One store and its applier, driven by one thread as Ratis drives them. Filled with every key
   * first, so puts overwrite (and carry the previous row), and the watch history is already at its
   * bound, so each put also trims it, as in a long-running cluster.
   */
  @State(Scope.Thread)
  public static class Writer {
    /**
     * Remote clients (store-client, via KvService) always send a request id, so the server applies
     * with deduplication; writes through the embedded API do not. The client's records are
     * rewritten on every write, so a cost that grows with its writes (a scan over the tombstones of
     * removed records) shows as falling scores across iterations: compare them, not just the mean.
     */
    @Param({"false", "true"})
    public boolean requestId;

    /**
     * Writes through a server or ClusterDb's API carry an audit context, and each writes an audit
     * row (its old and new value, cut to 1 KiB) and prunes the oldest once the table is full;
     * clusterdb's own records and entries from before the audit carry none.
     */
    @Param({"false", "true"})
    public boolean audited;

    Path dir;
    StateStore store;
    Applier applier;
    WatchHub hub;
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private byte[][] entries;
    private ByteString clientId;
    private long index;
    private long seq;

    @Setup(Level.Trial)
    public void open() throws IOException {
      dir = Files.createTempDirectory("clusterdb-jmh-apply-");
      // As ReplicatedStateMachine opens it: the Raft log makes writes durable, not RocksDB.
      store = StateStore.open(dir.resolve("state"), false);
      applier = BenchData.applier();
      // No watchers: publishing then costs what it costs a cluster nobody watches.
      hub = new WatchHub("jmh", Runnable::run, ClusterDbConfig.DEFAULT_WATCH_MAX_PENDING_BYTES);
      clientId = ByteString.copyFrom(BenchData.clientId());
      entries = new byte[BenchData.KEYS][];
      for (int i = 0; i < BenchData.KEYS; i++) {
        entries[i] =
            BenchData.putEntry(
                    ByteString.copyFrom(BenchData.key(i)), ByteString.copyFrom(BenchData.value(i)))
                .toByteArray();
      }
      apply(
          this,
          UnsafeByteOperations.unsafeWrap(
              LogEntry.newBuilder()
                  .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
                  .setCreateTable(CreateTable.newBuilder().setName(BenchData.TABLE))
                  .build()
                  .toByteArray()));
      // Without request ids: the client whose writes are measured starts fresh at seq 1.
      for (byte[] entry : entries) {
        apply(this, UnsafeByteOperations.unsafeWrap(entry));
      }
    }

    /** The next committed entry as Ratis holds it; keys cycle so every put is an overwrite. */
    org.apache.ratis.thirdparty.com.google.protobuf.ByteString next() {
      byte[] entry = entries[(int) (seq++ % BenchData.KEYS)];
      if (requestId) {
        entry = BenchData.withRequestId(entry, clientId, seq);
      }
      return UnsafeByteOperations.unsafeWrap(audited ? BenchData.withAudit(entry) : entry);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      hub.close();
      store.close();
      FileOps.deleteRecursively(dir);
    }
  }

  /**
   * ReplicatedStateMachine.applyTransaction for one committed entry: decode, a fresh batch, apply,
   * commit with the applied index, publish to watchers, encode the reply.
   */
  @Benchmark
  public byte[] applyPut(Writer w) throws InvalidProtocolBufferException {
    return apply(w, w.next());
  }

  /**
   * Not what the server does: {@value #GROUP} consecutive entries applied into one batch and one
   * commit, the applied index of the last one. The gap to {@link #applyPut} is what group commit of
   * the entries Ratis has already committed would save per entry.
   */
  @Benchmark
  @OperationsPerInvocation(GROUP)
  public void applyPutGrouped(Writer w, Blackhole bh) throws InvalidProtocolBufferException {
    List<LogEntry> commands = new ArrayList<>(GROUP);
    for (int i = 0; i < GROUP; i++) {
      commands.add(LogEntry.parseFrom(w.next().asReadOnlyByteBuffer()));
    }
    ApplyOutcome[] outcomes = new ApplyOutcome[GROUP];
    w.lock.readLock().lock();
    try (WriteView batch = w.store.write()) {
      for (int i = 0; i < GROUP; i++) {
        outcomes[i] = w.applier.apply(commands.get(i), batch);
      }
      w.index += GROUP;
      w.store.commit(batch, AppliedIndex.newBuilder().setTerm(TERM).setIndex(w.index).build());
    } finally {
      w.lock.readLock().unlock();
    }
    for (ApplyOutcome outcome : outcomes) {
      w.hub.publish(outcome.revision(), outcome.events());
      bh.consume(outcome.result().toByteArray());
    }
  }

  private static byte[] apply(
      Writer w, org.apache.ratis.thirdparty.com.google.protobuf.ByteString logData)
      throws InvalidProtocolBufferException {
    long index = ++w.index;
    LogEntry command = LogEntry.parseFrom(logData.asReadOnlyByteBuffer());
    ApplyOutcome outcome;
    w.lock.readLock().lock();
    try (WriteView batch = w.store.write()) {
      outcome = w.applier.apply(command, batch);
      w.store.commit(batch, AppliedIndex.newBuilder().setTerm(TERM).setIndex(index).build());
    } finally {
      w.lock.readLock().unlock();
    }
    if (outcome.result().hasError()) {
      throw new IllegalStateException("apply failed: " + outcome.result().getError());
    }
    w.hub.publish(outcome.revision(), outcome.events());
    return outcome.result().toByteArray();
  }

  /**
   * A replica's state for reads: every key written through the applier, then reopened, which
   * flushes the rows to a table file, as they are after a restart. Shared by all reader threads, as
   * ReplicatedStateMachine's store is.
   */
  @State(Scope.Benchmark)
  public static class Readers {
    Path dir;
    StateStore store;
    CommandValidator validator;
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    byte[][] keys;
    org.apache.ratis.thirdparty.com.google.protobuf.ByteString[] queries;

    @Setup(Level.Trial)
    public void open() throws IOException {
      dir = Files.createTempDirectory("clusterdb-jmh-read-");
      Path stateDir = dir.resolve("state");
      Applier applier = BenchData.applier();
      try (StateStore filling = StateStore.open(stateDir, false)) {
        applyDirect(
            applier,
            filling,
            LogEntry.newBuilder()
                .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
                .setCreateTable(CreateTable.newBuilder().setName(BenchData.TABLE))
                .build());
        for (int i = 0; i < BenchData.KEYS; i++) {
          applyDirect(
              applier,
              filling,
              BenchData.putEntry(
                  ByteString.copyFrom(BenchData.key(i)), ByteString.copyFrom(BenchData.value(i))));
        }
      }
      store = StateStore.open(stateDir, false);
      validator = BenchData.validator();
      keys = new byte[BenchData.KEYS][];
      queries = new org.apache.ratis.thirdparty.com.google.protobuf.ByteString[BenchData.KEYS];
      for (int i = 0; i < BenchData.KEYS; i++) {
        keys[i] = BenchData.key(i);
        // As RaftNode.query sends a linearizable single-key range.
        queries[i] =
            UnsafeByteOperations.unsafeWrap(
                Query.newBuilder()
                    .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
                    .setRange(
                        Range.newBuilder()
                            .setTable(BenchData.TABLE)
                            .setKey(ByteString.copyFrom(keys[i])))
                    .build()
                    .toByteArray());
      }
    }

    private static void applyDirect(Applier applier, StateStore store, LogEntry entry) {
      try (WriteView batch = store.write()) {
        if (applier.apply(entry, batch).result().hasError()) {
          throw new IllegalStateException("fill failed");
        }
        store.commit(batch, null);
      }
    }

    /**
     * ReplicatedStateMachine.query, run on the replica once Ratis's read index is reached: decode,
     * validate, a snapshot view under the read lock, Reader.query, encode the reply.
     */
    byte[] query(org.apache.ratis.thirdparty.com.google.protobuf.ByteString request)
        throws InvalidProtocolBufferException {
      Query query = Query.parseFrom(request.asReadOnlyByteBuffer());
      if (validator.validate(query).isPresent()) {
        throw new IllegalStateException("invalid query");
      }
      QueryResult result;
      lock.readLock().lock();
      try (ReadView view = store.read()) {
        result = Reader.query(query, view);
      } finally {
        lock.readLock().unlock();
      }
      return result.toByteArray();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      store.close();
      FileOps.deleteRecursively(dir);
    }
  }

  /** Each reader thread walks the keys on its own. */
  @State(Scope.Thread)
  public static class Cursor {
    private int next;

    int next() {
      int i = next;
      next = i + 1 == BenchData.KEYS ? 0 : i + 1;
      return i;
    }
  }

  /** The bare StateReader path: a snapshot view, one get (RocksDB read and parse), close. */
  @Benchmark
  public Optional<StoredValue> readGet(Readers r, Cursor c) {
    try (ReadView view = r.store.read()) {
      return view.get(BenchData.TABLE, r.keys[c.next()]);
    }
  }

  /** The replica's side of a linearizable single-key read, query bytes in, reply bytes out. */
  @Benchmark
  public byte[] readQuery(Readers r, Cursor c) throws InvalidProtocolBufferException {
    return r.query(r.queries[c.next()]);
  }

  /**
   * ClusterDb.scopeOf, which every put and range runs before anything else: is the table a cluster
   * table? A snapshot view under the read lock and a catalog read (RaftNode.readLocal).
   */
  @Benchmark
  public boolean scopeLookup(Readers r) {
    r.lock.readLock().lock();
    try (ReadView view = r.store.read()) {
      return view.table(BenchData.TABLE).isPresent();
    } finally {
      r.lock.readLock().unlock();
    }
  }
}
