package org.clusterdb.core.ratis;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.core.audit.AuditLog;
import org.clusterdb.core.codec.ApiCodec;
import org.clusterdb.core.config.WritePolicy;
import org.clusterdb.core.fsm.Applier;
import org.clusterdb.core.fsm.ApplyOutcome;
import org.clusterdb.core.fsm.CommandValidator;
import org.clusterdb.core.fsm.PeerOwnedRows;
import org.clusterdb.core.fsm.Reader;
import org.clusterdb.core.fsm.StateDigest;
import org.clusterdb.core.fsm.StateReader;
import org.clusterdb.core.lease.Lessor;
import org.clusterdb.core.storage.FileOps;
import org.clusterdb.core.storage.ReadView;
import org.clusterdb.core.storage.StateStore;
import org.clusterdb.core.storage.UnknownFormatException;
import org.clusterdb.core.storage.WriteView;
import org.clusterdb.core.util.DaemonThreads;
import org.clusterdb.core.watch.WatchHub;
import org.clusterdb.proto.log.v1.AppliedIndex;
import org.clusterdb.proto.log.v1.ApplyResult;
import org.clusterdb.proto.log.v1.BackupManifest;
import org.clusterdb.proto.log.v1.Failure;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Query;
import org.clusterdb.proto.log.v1.QueryResult;
import org.clusterdb.proto.log.v1.SyncReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin Ratis adapter around the pure {@link Applier}: feeds it committed log entries, keeps its
 * RocksDB state, takes and installs checkpoint snapshots, and publishes changes to watchers.
 *
 * <p>Ratis drives apply, snapshot and reload from one thread. Reads from other threads (queries,
 * local reads, watch registration) take the read lock; swapping the state store after a snapshot
 * install takes the write lock.
 */
final class ReplicatedStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicatedStateMachine.class);

  /** A report follows its check within seconds; a few spare cover a slow primary. */
  private static final int KEPT_DIGESTS = 16;

  private final String memberId;

  /** The primary the group was created with; the Raft configuration's ranking overrides it. */
  private final String bootstrapPrimaryId;

  private final WritePolicy writePolicy;
  private final Path stateDir;
  private final Applier applier;
  private final CommandValidator validator;
  private final WatchHub hub;
  private final CheckpointSnapshots snapshots;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final AtomicLong snapshotsInstalled = new AtomicLong();

  /** Digests of the latest synchronisation checks, by check index; apply thread only. */
  private final LinkedHashMap<Long, CompletableFuture<byte[]>> digests =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, CompletableFuture<byte[]>> eldest) {
          return size() > KEPT_DIGESTS;
        }
      };

  /** Digests scan a snapshot view here, so that applying does not wait on a full scan. */
  private final ExecutorService digester;

  /** Views handed to the digester and not yet closed; guarded by itself. */
  private final int[] openViews = {0};

  /** Set while the store is being closed or replaced: running digests give up. */
  private volatile boolean stopDigests;

  private final Lessor lessor = new Lessor(System::nanoTime);
  private volatile SyncListener syncListener = SyncListener.NONE;

  private volatile RaftMetrics metrics = RaftMetrics.NONE;

  /** Decides join requests on the leader; none admitted until one is set. */
  private volatile JoinGate joinGate = JoinGate.CLOSED;

  /** Told after each change of the Raft configuration this replica sees. */
  private volatile Runnable confListener = () -> {};

  /** Asks this member's Raft server for a snapshot; see {@link #setSnapshotAsker}. */
  private volatile Runnable snapshotAsker = () -> {};

  private volatile long snapshotEveryBytes = Long.MAX_VALUE;

  /** Log bytes applied since the last snapshot. Written on Ratis's state machine updater only. */
  private volatile long bytesSinceSnapshot;

  private final AtomicBoolean snapshotAsked = new AtomicBoolean();

  /** Guarded by {@link #lock}; null once closed. */
  private StateStore store;

  /** Log entries at or below this index are already in the state: replay must skip them. */
  private volatile long persistedApplied;

  /**
   * Why this replica stopped applying: it met a committed entry it cannot apply. Set once; every
   * later entry is refused too, so the state stays at the last entry it could apply.
   */
  private volatile String halted;

  /** A restored backup's cluster tables to start a new cluster from; see {@link #seedFrom}. */
  private volatile Path seed;

  ReplicatedStateMachine(
      String memberId,
      String primaryId,
      WritePolicy writePolicy,
      Path stateDir,
      Applier applier,
      CommandValidator validator,
      WatchHub hub,
      int snapshotsRetained) {
    this.memberId = memberId;
    this.bootstrapPrimaryId = primaryId;
    this.writePolicy = writePolicy;
    this.stateDir = stateDir;
    this.applier = applier;
    this.validator = validator;
    this.hub = hub;
    this.snapshots = new CheckpointSnapshots(snapshotsRetained);
    this.digester =
        Executors.newSingleThreadExecutor(DaemonThreads.named("clusterdb-digest-" + memberId));
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    snapshots.init(raftStorage);
    if (seed != null) {
      publishSeed(seed);
    }
    getLifeCycle().startAndTransition(this::loadState, IOException.class);
  }

  /**
   * Starts this replica, at its first start in a new cluster, from a restored backup's cluster
   * tables (a RocksDB checkpoint in {@code staged/state}, described by {@code staged/restore.meta})
   * rather than empty. Call before the server starts.
   */
  void seedFrom(Path staged) {
    this.seed = staged;
  }

  /**
   * Makes the staged checkpoint this replica's first snapshot, at term 0 and the backup's applied
   * index: the new cluster's log then starts after it, and every member that joins receives it by
   * snapshot install, as no log entry before it exists.
   */
  private void publishSeed(Path staged) throws IOException {
    if (snapshots.latest().isPresent()) {
      LOG.warn("restored backup not used: this member has snapshots already member={}", memberId);
      FileOps.deleteRecursively(staged);
      return;
    }
    BackupManifest m =
        BackupManifest.parseFrom(Files.readAllBytes(staged.resolve(RaftNode.STAGED_MANIFEST)));
    TermIndex ti = TermIndex.valueOf(0, m.getAppliedIndex());
    Path tmp = snapshots.tempDir(ti);
    Files.move(staged.resolve("state"), tmp);
    snapshots.publish(tmp, ti, m.getAppliedIndex(), m.getRevision());
    FileOps.deleteRecursively(staged);
    LOG.warn(
        "Detail=\"New cluster started from a restored backup\" Member=\"{}\" Index=\"{}\""
            + " Revision=\"{}\" BackupCreated=\"{}\"",
        memberId,
        m.getAppliedIndex(),
        m.getRevision(),
        java.time.Instant.ofEpochMilli(m.getCreatedUnixMillis()));
  }

  /**
   * Opens the state store; restores it from the latest snapshot when the snapshot holds more (a
   * wiped or lost state directory, or a crash during an install).
   */
  private void loadState() throws IOException {
    Optional<CheckpointSnapshots.Snapshot> snapshot = snapshots.latest();
    StateStore opened = StateStore.open(stateDir, false);
    long applied = opened.applied().getIndex();
    if (snapshot.isPresent() && snapshot.get().meta().getAppliedIndex() > applied) {
      opened.close();
      CheckpointSnapshots.Snapshot s = snapshot.get();
      LOG.info(
          "restoring state from snapshot member={} snapshot={} stateApplied={} snapshotApplied={}",
          memberId,
          s.termIndex(),
          applied,
          s.meta().getAppliedIndex());
      StateStore.restore(s.dir(), s.meta().getFilesList(), stateDir);
      opened = StateStore.open(stateDir, false);
    }
    try {
      opened.verifyChecksums();
    } catch (IOException e) {
      opened.close();
      throw e;
    }
    lock.writeLock().lock();
    try {
      store = opened;
      persistedApplied = opened.applied().getIndex();
    } finally {
      lock.writeLock().unlock();
    }
    snapshot.ifPresent(s -> setLastAppliedTermIndex(s.termIndex()));
    LOG.info(
        "state loaded member={} appliedIndex={} revision={} snapshot={}",
        memberId,
        persistedApplied,
        opened.revision(),
        snapshot.map(s -> s.termIndex().toString()).orElse("none"));
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return snapshots;
  }

  /**
   * Runs on the leader only, before the entry is appended: the one place where writes are gated on
   * who leads, so an entry in the log was always accepted by a leader the policy allows. A refusal
   * reaches the proposer as a {@link RejectedCommand}.
   */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext trx = super.startTransaction(request);
    // Ratis hands the leader's own context back to applyTransaction: the commit latency's start.
    trx.setStateMachineContext(System.nanoTime());
    Optional<Failure> refused;
    Optional<LogEntry> entry = parse(request);
    String primaryId = currentPrimary();
    if (writePolicy == WritePolicy.PRIMARY_ONLY
        && !memberId.equals(primaryId)
        && !entry.map(this::exemptFromPrimary).orElse(false)) {
      refused =
          Optional.of(
              Failure.newBuilder()
                  .setCode(ErrorCode.PRIMARY_UNAVAILABLE.number())
                  .setPrimaryId(primaryId)
                  .setMessage(
                      "cluster tables are read-only: the configuration primary "
                          + primaryId
                          + " is not leading (leader is "
                          + memberId
                          + ")")
                  .build());
    } else {
      refused = validate(entry);
    }
    refused.ifPresent(f -> trx.setException(RejectedCommand.of(f)));
    return trx;
  }

  /**
   * Leases and rows of tables with peer-owned rows are not configuration: every peer keeps its own
   * lease alive and publishes its own runtime state, so they are exempt from {@link
   * WritePolicy#PRIMARY_ONLY} and work while the primary is down. Which rows a member may write is
   * checked where the entry applies.
   */
  private boolean exemptFromPrimary(LogEntry entry) {
    if (!entry.hasBatch()) {
      return exemptCommand(entry);
    }
    for (LogEntry inner : entry.getBatch().getEntriesList()) {
      if (!exemptCommand(inner)) {
        return false;
      }
    }
    return entry.getBatch().getEntriesCount() > 0;
  }

  private boolean exemptCommand(LogEntry entry) {
    if (entry.hasLeaseGrant() || entry.hasLeaseKeepAlive() || entry.hasLeaseRevoke()) {
      return true;
    }
    return entry.hasTxn()
        && read(state -> PeerOwnedRows.writesOnlyOwnedRows(entry.getTxn(), state));
  }

  /** This replica's clock of leases. */
  Lessor lessor() {
    return lessor;
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeaderId) {
    if (newLeaderId != null) {
      metrics.leaderChanged();
    }
  }

  @Override
  public void notifyConfigurationChanged(
      long term, long index, org.apache.ratis.proto.RaftProtos.RaftConfigurationProto conf) {
    confListener.run();
  }

  void setJoinGate(JoinGate gate) {
    joinGate = gate;
  }

  void setConfListener(Runnable listener) {
    confListener = listener;
  }

  /**
   * Sets who is asked for a snapshot once {@code everyBytes} of log have been applied since the
   * last one: Ratis triggers snapshots by entry count only, and entries range from a few bytes to a
   * whole batch, so with large values a wiped or lagging peer would otherwise replay a long log
   * instead of installing the state. The asker calls {@link #snapshotAskSettled} when its request
   * has completed, taken or not.
   */
  void setSnapshotAsker(long everyBytes, Runnable asker) {
    snapshotEveryBytes = everyBytes;
    snapshotAsker = asker;
  }

  void snapshotAskSettled() {
    snapshotAsked.set(false);
  }

  /**
   * The configuration primary: the peer the current Raft configuration ranks highest. Replicated
   * with the configuration, so every peer agrees, and changed by {@link RaftNode#setPrimary}.
   */
  private String currentPrimary() {
    try {
      RaftServer server = getServer().getNow(null);
      if (server != null) {
        return RaftNode.primaryOf(server.getDivision(getGroupId()).getRaftConf().getCurrentPeers())
            .orElse(bootstrapPrimaryId);
      }
    } catch (IOException e) {
      // Not yet part of the group: the bootstrap primary stands.
    }
    return bootstrapPrimaryId;
  }

  /** The request's log entry; empty if it is not one. */
  private static Optional<LogEntry> parse(RaftClientRequest request) {
    try {
      return Optional.of(
          LogEntry.parseFrom(request.getMessage().getContent().asReadOnlyByteBuffer()));
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }

  private Optional<Failure> validate(Optional<LogEntry> parsed) {
    if (parsed.isEmpty()) {
      return Optional.of(
          Failure.newBuilder()
              .setCode(ErrorCode.INVALID_ARGUMENT.number())
              .setField("request")
              .setMessage("request: not a clusterdb log entry")
              .build());
    }
    LogEntry entry = parsed.get();
    Optional<Failure> invalid = validator.validate(entry);
    if (invalid.isPresent() || !entry.hasJoinRequest()) {
      return invalid;
    }
    return joinGate.check(entry.getJoinRequest());
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    long term = entry.getTerm();
    if (halted != null) {
      return CompletableFuture.failedFuture(new IllegalStateException(halted));
    }
    if (index <= persistedApplied) {
      // Ratis replays from the last snapshot, but the state already holds this entry.
      updateLastAppliedTermIndex(term, index);
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
    long started = System.nanoTime();
    if (trx.getStateMachineContext() instanceof Long proposed) {
      metrics.committed(started - proposed);
    }
    LogEntry command;
    try {
      command =
          LogEntry.parseFrom(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
    } catch (InvalidProtocolBufferException e) {
      // A committed entry this build cannot read: stopping beats diverging from the peers.
      return halt(index, term, e);
    }
    if (command.getFormatVersion() != FormatVersion.FORMAT_VERSION_1) {
      return halt(
          index,
          term,
          new UnknownFormatException(
              "committed log entry index=" + index + " term=" + term,
              command.getFormatVersionValue()));
    }
    List<ApplyOutcome> outcomes;
    ApplyResult reply;
    ReadView checkView = null;
    lock.readLock().lock();
    try {
      try (WriteView batch = store.write()) {
        if (command.hasBatch()) {
          outcomes = applier.applyBatch(command.getBatch(), batch, term);
          reply = Applier.batchResult(outcomes, batch.revision());
        } else {
          ApplyOutcome outcome = applier.apply(command, batch, term);
          outcomes = List.of(outcome);
          reply = outcome.result();
        }
        store.commit(batch, AppliedIndex.newBuilder().setTerm(term).setIndex(index).build());
      }
      persistedApplied = index;
      updateLastAppliedTermIndex(term, index);
      bytesSinceSnapshot += entry.getStateMachineLogEntry().getLogData().size();
      if (command.hasSyncCheck()) {
        // Taken before the next entry applies, the view is exactly the check's state.
        checkView = store.read();
        synchronized (openViews) {
          openViews[0]++;
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    if (checkView != null) {
      digest(index, checkView);
    } else if (command.hasSyncReport()) {
      SyncReport r = command.getSyncReport();
      syncListener.onReport(
          r.getCheckIndex(),
          r.getPrimaryId(),
          r.getDigest().toByteArray(),
          Optional.ofNullable(digests.get(r.getCheckIndex())).map(d -> d));
    }
    for (ApplyOutcome o : outcomes) {
      AuditLog.log(memberId, o.audit());
      hub.publish(o.revision(), o.events());
    }
    if (!command.hasBatch()) {
      tellLessor(command, reply);
    }
    if (bytesSinceSnapshot >= snapshotEveryBytes && snapshotAsked.compareAndSet(false, true)) {
      snapshotAsker.run();
    }
    metrics.applied(System.nanoTime() - started);
    return CompletableFuture.completedFuture(Message.valueOf(shaded(reply.toByteArray())));
  }

  /** Every replica's lessor follows the leases it applies; only a leader's acts on them. */
  private void tellLessor(LogEntry command, ApplyResult reply) {
    long id =
        switch (command.getCommandCase()) {
          case LEASE_GRANT -> command.getLeaseGrant().getId();
          case LEASE_KEEP_ALIVE -> command.getLeaseKeepAlive().getId();
          case LEASE_REVOKE -> command.getLeaseRevoke().getId();
          default -> 0;
        };
    if (id == 0) {
      return;
    }
    if (reply.hasLease() && !command.hasLeaseRevoke()) {
      lessor.refreshed(id, reply.getLease().getTtlMillis(), reply.getLease().getRenewals());
    } else if (reply.hasLease()
        || reply.getError().getCode() == ErrorCode.LEASE_NOT_FOUND.number()) {
      lessor.revoked(id);
    }
  }

  /** Ratis's own entries (configuration, metadata) advance the applied index, until halted. */
  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    if (halted == null) {
      super.notifyTermIndexUpdated(term, index);
    }
  }

  /**
   * Stops applying for good at a committed entry this build cannot read (undecodable, or of a newer
   * format): applying it as something else, or skipping it, would diverge from the peers. Ratis
   * only logs a failed apply and goes on, so this replica refuses every later entry itself, and
   * closes its copy of the group: the database shows Stopped and raises "Database failure".
   */
  private CompletableFuture<Message> halt(long index, long term, Exception why) {
    halted = "stopped applying at index " + index + ": " + why.getMessage();
    LOG.error(
        "Detail=\"Database failure: a committed log entry cannot be applied; this peer stops"
            + " applying and leaves the group\" Member=\"{}\" Index=\"{}\" Term=\"{}\""
            + " Error=\"{}\"",
        memberId,
        index,
        term,
        why.getMessage());
    // Closing the division waits for this apply thread: close it from another.
    getServer()
        .thenAccept(
            server -> {
              Thread t =
                  new Thread(
                      () -> {
                        try {
                          server.getDivision(getGroupId()).close();
                        } catch (IOException | RuntimeException e) {
                          LOG.warn(
                              "closing the group failed member={} error={}",
                              memberId,
                              e.toString());
                        }
                      },
                      "clusterdb-halt-" + memberId);
              t.setDaemon(true);
              t.start();
            });
    return CompletableFuture.failedFuture(why);
  }

  private void digest(long index, ReadView view) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    digests.put(index, result);
    Runnable task =
        () -> {
          Optional<byte[]> digest;
          try {
            digest = StateDigest.of(view, () -> stopDigests);
          } catch (RuntimeException e) {
            LOG.warn("digest failed member={} index={} error={}", memberId, index, e.toString());
            digest = Optional.empty();
          } finally {
            closeView(view);
          }
          if (digest.isEmpty()) {
            result.completeExceptionally(
                new ClusterDbException(ErrorCode.UNAVAILABLE, "digest abandoned"));
            return;
          }
          result.complete(digest.get());
          syncListener.onDigest(index, digest.get());
        };
    try {
      digester.execute(task);
    } catch (RejectedExecutionException e) {
      closeView(view);
      result.completeExceptionally(e);
    }
  }

  private void closeView(ReadView view) {
    view.close();
    synchronized (openViews) {
      openViews[0]--;
      openViews.notifyAll();
    }
  }

  /**
   * Stops running digests and waits until every view they hold is closed: a view must not outlive
   * its store. Called with the write lock held, before the store is closed.
   */
  private void releaseViews() {
    stopDigests = true;
    boolean interrupted = false;
    synchronized (openViews) {
      while (openViews[0] > 0) {
        try {
          openViews.wait();
        } catch (InterruptedException e) {
          // Still wait: closing the store under an open view would crash the process.
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  void setSyncListener(SyncListener listener) {
    syncListener = listener;
  }

  void setMetrics(RaftMetrics m) {
    metrics = m;
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    Query query;
    try {
      query = Query.parseFrom(request.getContent().asReadOnlyByteBuffer());
    } catch (InvalidProtocolBufferException e) {
      return CompletableFuture.failedFuture(
          ClusterDbException.invalid("request", "not a clusterdb query"));
    }
    try {
      return CompletableFuture.completedFuture(
          Message.valueOf(shaded(queryLocal(query).toByteArray())));
    } catch (ClusterDbException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Answers {@code query} from this replica as it is now; invalid queries fail. */
  QueryResult queryLocal(Query query) {
    Optional<Failure> invalid = validator.validate(query);
    if (invalid.isPresent()) {
      throw ApiCodec.exception(invalid.get());
    }
    return read(view -> Reader.query(query, view));
  }

  /** Runs {@code reader} on a consistent view of this member's replica. */
  <T> T read(Function<StateReader, T> reader) {
    lock.readLock().lock();
    try {
      if (store == null) {
        throw new ClusterDbException(ErrorCode.UNAVAILABLE, "the store is closed");
      }
      try (ReadView view = store.read()) {
        return reader.apply(view);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long takeSnapshot() throws IOException {
    TermIndex ti = getLastAppliedTermIndex();
    Optional<CheckpointSnapshots.Snapshot> latest = snapshots.latest();
    if (ti.getIndex() < 0
        || latest.isPresent() && latest.get().termIndex().getIndex() >= ti.getIndex()) {
      // Everything applied so far is in the latest snapshot already.
      bytesSinceSnapshot = 0;
      return latest.map(s -> s.termIndex().getIndex()).orElse(ti.getIndex());
    }
    long started = System.nanoTime();
    lock.readLock().lock();
    try {
      Path tmp = snapshots.tempDir(ti);
      store.checkpoint(tmp);
      CheckpointSnapshots.Snapshot s =
          snapshots.publish(tmp, ti, store.applied().getIndex(), store.revision());
      bytesSinceSnapshot = 0;
      metrics.snapshotTaken(System.nanoTime() - started, s.bytes());
      LOG.info(
          "snapshot taken member={} snapshot={} appliedIndex={} revision={}",
          memberId,
          ti,
          s.meta().getAppliedIndex(),
          s.meta().getRevision());
      return ti.getIndex();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Ratis pauses before every chunk of a snapshot install, so this must be idempotent. */
  @Override
  public void pause() {
    LifeCycle lifeCycle = getLifeCycle();
    if (lifeCycle.getCurrentState() == LifeCycle.State.RUNNING) {
      lifeCycle.transition(LifeCycle.State.PAUSING);
      lifeCycle.transition(LifeCycle.State.PAUSED);
    }
  }

  /** Swaps in the snapshot Ratis just installed from the leader. */
  @Override
  public void reinitialize() throws IOException {
    CheckpointSnapshots.Snapshot s =
        snapshots.reload().orElseThrow(() -> new IOException("no snapshot to reinitialize from"));
    lock.writeLock().lock();
    try {
      if (store != null) {
        releaseViews();
        store.close();
        store = null;
      }
      stopDigests = false;
      StateStore.restore(s.dir(), s.meta().getFilesList(), stateDir);
      store = StateStore.open(stateDir, false);
      persistedApplied = store.applied().getIndex();
      setLastAppliedTermIndex(s.termIndex());
      bytesSinceSnapshot = 0;
      // Counted before readers see the new state: whoever sees its revision sees the install.
      snapshotsInstalled.incrementAndGet();
    } finally {
      lock.writeLock().unlock();
    }
    metrics.snapshotInstalled();
    LOG.info(
        "snapshot installed member={} snapshot={} appliedIndex={} revision={}",
        memberId,
        s.termIndex(),
        persistedApplied,
        s.meta().getRevision());
    read(
        view -> {
          hub.resync(view);
          return null;
        });
    getLifeCycle().transition(LifeCycle.State.STARTING);
    getLifeCycle().transition(LifeCycle.State.RUNNING);
  }

  /** A consistent copy of this replica's state, for a backup; {@code target} must not exist. */
  void checkpointState(Path target) throws IOException {
    lock.readLock().lock();
    try {
      if (store == null) {
        throw new ClusterDbException(ErrorCode.UNAVAILABLE, "the store is closed");
      }
      store.checkpoint(target);
    } finally {
      lock.readLock().unlock();
    }
  }

  long snapshotsInstalled() {
    return snapshotsInstalled.get();
  }

  long latestSnapshotIndex() {
    return snapshots.latest().map(s -> s.termIndex().getIndex()).orElse(-1L);
  }

  long persistedApplied() {
    return persistedApplied;
  }

  @Override
  public void close() {
    getLifeCycle()
        .checkStateAndClose(
            () -> {
              lock.writeLock().lock();
              try {
                if (store != null) {
                  releaseViews();
                  store.close();
                  store = null;
                }
              } finally {
                lock.writeLock().unlock();
              }
              digester.shutdownNow();
            });
  }

  static ByteString shaded(byte[] bytes) {
    return UnsafeByteOperations.unsafeWrap(bytes);
  }
}
