package org.clusterdb.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.clusterdb.api.Admission;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.Lease;
import org.clusterdb.api.LeaseKeeper;
import org.clusterdb.api.PeerUsage;
import org.clusterdb.api.RangeResult;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.SharedUsage;
import org.clusterdb.api.UsageReport;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.fsm.TableNames;
import org.clusterdb.core.usage.Capacity;
import org.clusterdb.core.usage.Licenses;
import org.clusterdb.core.usage.Pools;
import org.clusterdb.core.util.DaemonThreads;
import org.clusterdb.proto.log.v1.ApplyResult;
import org.clusterdb.proto.log.v1.Compare;
import org.clusterdb.proto.log.v1.CreateTable;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.Put;
import org.clusterdb.proto.log.v1.Txn;
import org.clusterdb.proto.log.v1.UsageRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's row of shared runtime state, in the cluster table {@link TableNames#USAGE} whose
 * rows are owned by their members, on a lease of its own kept alive in the background. Every call
 * runs on one thread, so this member's writes of its row never race each other; members race only
 * through transactions on the rows.
 */
final class ClusterUsage implements SharedUsage, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterUsage.class);
  private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9-]{0,63}");
  private static final int MAX_ATTEMPTS = 200;

  /** The usage table's whole range: every key is at least one byte. */
  private static final ByteString FIRST_KEY = ByteString.copyFrom(new byte[] {0});

  private static final ByteString UNBOUNDED = ByteString.copyFrom(new byte[] {0});

  /**
   * Proposes a command as this member's, unaudited: rows of runtime state are not configuration.
   */
  interface Proposer {
    CompletableFuture<ApplyResult> propose(LogEntry entry);
  }

  private final ClusterDb db;
  private final ClusterDbConfig config;
  private final Proposer proposer;
  private final Duration ttl;
  private final Map<String, Long> licenses;
  private final Optional<Capacity.Model> model;
  private final ExecutorService executor;

  // Only on the executor's thread.
  private Map<String, Long> counters = new TreeMap<>();
  private Lease lease;
  private LeaseKeeper keeper;
  private volatile boolean leaseLost;
  private volatile boolean closed;

  ClusterUsage(ClusterDb db, ClusterDbConfig config, Proposer proposer) {
    this.db = db;
    this.config = config;
    this.proposer = proposer;
    this.ttl = ttl(config);
    this.licenses = Licenses.pooled(config.optionKeys());
    this.model = Capacity.Model.of(config.platform());
    this.executor =
        Executors.newSingleThreadExecutor(
            DaemonThreads.named("clusterdb-usage-" + config.memberId()));
  }

  /**
   * Long enough to ride out a failover many times over; short enough that a dead peer's usage soon
   * goes.
   */
  static Duration ttl(ClusterDbConfig config) {
    return Duration.ofMillis(Math.max(5000, 8 * config.electionTimeoutMax().toMillis()));
  }

  @Override
  public CompletableFuture<PeerUsage> publish(Map<String, Long> values) {
    Map<String, Long> next = new TreeMap<>();
    for (Map.Entry<String, Long> e : values.entrySet()) {
      if (!isKind(e.getKey())) {
        return badKind("counters", e.getKey());
      }
      if (e.getValue() == null || e.getValue() < 0) {
        return CompletableFuture.failedFuture(
            ClusterDbException.invalid(
                "counters." + e.getKey(), "must be a count >= 0, got " + e.getValue()));
      }
      if (e.getValue() > 0) {
        next.put(e.getKey(), e.getValue());
      }
    }
    return run(
        () -> {
          writeOwn(next);
          return own();
        });
  }

  @Override
  public CompletableFuture<Admission> admit(String kind, long n) {
    if (!isKind(kind)) {
      return badKind("kind", kind);
    }
    if (n < 1) {
      return badCount(n);
    }
    return run(() -> admitNow(kind, n));
  }

  @Override
  public CompletableFuture<PeerUsage> release(String kind, long n) {
    if (!isKind(kind)) {
      return badKind("kind", kind);
    }
    if (n < 1) {
      return badCount(n);
    }
    return run(
        () -> {
          Map<String, Long> next = new TreeMap<>(counters);
          long left = Math.max(0, next.getOrDefault(kind, 0L) - n);
          if (left == 0) {
            next.remove(kind);
          } else {
            next.put(kind, left);
          }
          writeOwn(next);
          return own();
        });
  }

  @Override
  public CompletableFuture<UsageReport> report() {
    return run(this::reportNow);
  }

  private Admission admitNow(String kind, long n) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      ensureReady();
      RangeResult rows = readRows();
      Map<String, UsageRecord> view = records(rows);
      view.put(config.memberId(), record(counters));
      Pools.Verdict verdict = Pools.check(kind, n, view.values(), model);
      if (!verdict.admitted()) {
        return new Admission(false, kind, n, verdict.used(), verdict.limit());
      }
      Map<String, Long> next = new TreeMap<>(counters);
      next.merge(kind, n, Long::sum);
      Txn.Builder txn =
          Txn.newBuilder()
              // No row changed or appeared since the read...
              .addCompares(
                  Compare.newBuilder()
                      .setTable(TableNames.USAGE)
                      .setKey(FIRST_KEY)
                      .setRangeEnd(UNBOUNDED)
                      .setTarget(Compare.Target.MOD_REVISION)
                      .setResult(Compare.Result.LESS)
                      .setNumber(rows.header().revision() + 1));
      // ...and none went (a lease expired): its usage and share would leave the sums.
      for (KeyValue kv : rows.kvs()) {
        txn.addCompares(
            Compare.newBuilder()
                .setTable(TableNames.USAGE)
                .setKey(ByteString.copyFrom(kv.key().toByteArray()))
                .setTarget(Compare.Target.MOD_REVISION)
                .setResult(Compare.Result.EQUAL)
                .setNumber(kv.modRevision()));
      }
      txn.addSuccess(putOwn(next));
      ApplyResult r = propose(entry().setTxn(txn).build());
      if (r.getTxn().getSucceeded()) {
        counters = next;
        return new Admission(true, kind, n, verdict.used(), verdict.limit());
      }
      backOff(attempt);
    }
    throw new ClusterDbException(
        ErrorCode.UNAVAILABLE,
        "admission of "
            + n
            + " "
            + kind
            + ": the usage rows kept changing for "
            + MAX_ATTEMPTS
            + " attempts; nothing was admitted");
  }

  private UsageReport reportNow() {
    RangeResult rows = readRowsIfAny();
    Map<String, UsageRecord> records = records(rows);
    List<PeerUsage> peers = new ArrayList<>();
    for (KeyValue kv : rows.kvs()) {
      UsageRecord u = records.get(kv.key().toStringUtf8());
      if (u != null) {
        peers.add(peerUsage(u, kv.lease(), kv.modRevision()));
      }
    }
    int configured =
        db.clusterClusteringSettings()
            .map(s -> s.peers().size())
            .filter(size -> size > 0)
            .orElse(config.peers().size());
    Map<String, Long> capacity = new LinkedHashMap<>();
    Map<String, Long> live = new LinkedHashMap<>();
    Map<String, Long> remaining = new LinkedHashMap<>();
    model.ifPresent(
        m -> {
          capacity.putAll(Capacity.of(m, Math.max(1, configured)).byKind());
          live.putAll(Capacity.of(m, Math.max(1, records.size())).byKind());
        });
    for (String kind : kinds()) {
      long left = Pools.remaining(kind, records.values(), model);
      if (left != Long.MAX_VALUE) {
        remaining.put(kind, left);
      }
    }
    return new UsageReport(
        rows.header().revision(),
        peers,
        Pools.totals(records.values()),
        Pools.licenses(records.values()),
        config.platform(),
        configured,
        capacity,
        live,
        remaining);
  }

  private static List<String> kinds() {
    return List.of(
        Capacity.REGISTRATIONS,
        Capacity.VIDEO_CALLS,
        Capacity.MRA_VIDEO_CALLS,
        Capacity.AUDIO_CALLS,
        Capacity.RMS,
        Capacity.MRA_REGISTRATIONS,
        Capacity.TURN_RELAYS);
  }

  private void writeOwn(Map<String, Long> next) {
    ensureReady();
    propose(entry().setTxn(Txn.newBuilder().addSuccess(putOwn(next))).build());
    counters = next;
  }

  private Op putOwn(Map<String, Long> next) {
    return Op.newBuilder()
        .setPut(
            Put.newBuilder()
                .setTable(TableNames.USAGE)
                .setKey(ByteString.copyFromUtf8(config.memberId()))
                .setValue(record(next).toByteString())
                .setLease(lease.id()))
        .build();
  }

  private UsageRecord record(Map<String, Long> values) {
    return UsageRecord.newBuilder()
        .setMemberId(config.memberId())
        .setPlatform(config.platform())
        .putAllLicenses(licenses)
        .putAllCounters(values)
        .build();
  }

  private PeerUsage own() {
    return peerUsage(record(counters), lease.id(), 0);
  }

  private static PeerUsage peerUsage(UsageRecord u, long lease, long modRevision) {
    return new PeerUsage(
        u.getMemberId(),
        u.getPlatform(),
        u.getLicensesMap(),
        u.getCountersMap(),
        lease,
        modRevision);
  }

  /** The rows keyed by a member id; others (a member's rows under {@code id/}) are not usage. */
  private static Map<String, UsageRecord> records(RangeResult rows) {
    Map<String, UsageRecord> out = new TreeMap<>();
    for (KeyValue kv : rows.kvs()) {
      try {
        UsageRecord u = UsageRecord.parseFrom(kv.value().toByteArray());
        if (u.getMemberId().equals(kv.key().toStringUtf8())) {
          out.put(u.getMemberId(), u);
        }
      } catch (InvalidProtocolBufferException e) {
        LOG.warn("usage row unreadable key={} error={}", kv.key().toStringUtf8(), e.getMessage());
      }
    }
    return out;
  }

  private RangeResult readRows() {
    return BlockingKeyValueStore.await(
        db.range(TableNames.USAGE, KeyRange.all(), ReadOptions.DEFAULT));
  }

  private RangeResult readRowsIfAny() {
    try {
      return readRows();
    } catch (ClusterDbException e) {
      if (e.code() == ErrorCode.UNKNOWN_TABLE) {
        return new RangeResult(db.currentHeader(), List.of(), false, 0);
      }
      throw e;
    }
  }

  /** The table exists and this member holds a live lease. */
  private void ensureReady() {
    if (closed) {
      throw new ClusterDbException(ErrorCode.UNAVAILABLE, "the member is closing");
    }
    if (!db.tableExists(TableNames.USAGE)) {
      try {
        propose(
            entry()
                .setCreateTable(
                    CreateTable.newBuilder().setName(TableNames.USAGE).setPeerOwnedRows(true))
                .build());
      } catch (ClusterDbException e) {
        if (e.code() != ErrorCode.TABLE_EXISTS) {
          throw e;
        }
      }
    }
    if (lease == null || leaseLost) {
      if (keeper != null) {
        keeper.close();
      }
      leaseLost = false;
      lease = BlockingKeyValueStore.await(db.leases().grant(ttl));
      keeper =
          LeaseKeeper.start(
              db.leases(),
              lease,
              new LeaseKeeper.Listener() {
                @Override
                public void lost(ClusterDbException error) {
                  leaseLost = true;
                  LOG.warn(
                      "usage lease lost member={} lease={}; republishing on a new one",
                      config.memberId(),
                      error.getMessage());
                  republish();
                }
              });
      LOG.info(
          "usage lease granted member={} lease={} ttlMs={}",
          config.memberId(),
          lease.id(),
          ttl.toMillis());
    }
  }

  /** After a lost lease, the row comes back with this member's counters on a new lease. */
  private void republish() {
    if (closed) {
      return;
    }
    try {
      executor.execute(this::republishNow);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closing: nothing to republish.
    }
  }

  private void republishNow() {
    try {
      if (leaseLost && !closed) {
        writeOwn(counters);
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "usage row not republished member={} error={}; the next write retries",
          config.memberId(),
          e.getMessage());
    }
  }

  private ApplyResult propose(LogEntry entry) {
    return BlockingKeyValueStore.await(
        proposer
            .propose(entry)
            .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS));
  }

  private static LogEntry.Builder entry() {
    return LogEntry.newBuilder().setFormatVersion(FormatVersion.FORMAT_VERSION_1);
  }

  private static void backOff(int attempt) {
    long maxMillis = Math.min(50, 1L << Math.min(attempt, 6));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(maxMillis + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterDbException(ErrorCode.UNAVAILABLE, "interrupted");
    }
  }

  private static <T> CompletableFuture<T> badCount(long n) {
    return CompletableFuture.failedFuture(
        ClusterDbException.invalid("n", "must be at least 1, got " + n));
  }

  private static boolean isKind(String kind) {
    return kind != null && KIND.matcher(kind).matches();
  }

  private static <T> CompletableFuture<T> badKind(String field, String kind) {
    return CompletableFuture.failedFuture(
        ClusterDbException.invalid(
            field, "a usage kind is a lower-case letter, then letters, digits or '-': " + kind));
  }

  private <T> CompletableFuture<T> run(Supplier<T> work) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new ClusterDbException(ErrorCode.UNAVAILABLE, "the member is closing"));
    }
    return CompletableFuture.supplyAsync(work, executor);
  }

  /** Stops the keep-alives and revokes the lease: a member that stops uses nothing. */
  @Override
  public void close() {
    closed = true;
    DaemonThreads.stop(executor);
    if (keeper != null) {
      keeper.close();
    }
    if (lease != null && !leaseLost) {
      try {
        db.leases().revoke(lease.id()).get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.info(
            "usage lease not revoked at close member={} lease={}; it expires in {} ms",
            config.memberId(),
            lease.id(),
            ttl.toMillis());
      }
    }
  }
}
