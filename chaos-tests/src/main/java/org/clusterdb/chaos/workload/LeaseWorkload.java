package org.clusterdb.chaos.workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.Lease;
import org.clusterdb.api.PutResult;
import org.clusterdb.api.RangeResult;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.chaos.checker.CheckResult;
import org.clusterdb.chaos.checker.LeaseChecker;
import org.clusterdb.chaos.db.Db;
import org.clusterdb.chaos.history.EventLog;
import org.clusterdb.client.ClusterDbClient;

/**
 * Leases: holder threads grant leases of the shortest TTL the cluster allows, attach one key to
 * each, and keep it alive every {@link #KEEP_ALIVE_EVERY}; each lease is kept alive until the run
 * ends, or for 1-8 s and then abandoned (keep-alives stop) or revoked. Reader threads, one per
 * node, read the whole table linearizably over and over, recording which keys are present and the
 * term that answered. After the heal every lease still held is abandoned and the table is read
 * until it is empty. Checked with {@link LeaseChecker}: no key is deleted while its lease is kept
 * alive, and none outlives its lease by more than TTL + election timeout.
 *
 * <p>Holders use a client of every node (a lease holder fails over, as {@code LeaseKeeper} over a
 * {@code ClusterDbClient} does), so keep-alives go on while one node is cut off; readers are bound
 * to one node each, as Jepsen binds clients. Alone it runs {@code concurrency} threads; beside
 * another workload ({@link #companion()}) three holders and three readers.
 */
public final class LeaseWorkload extends EventWorkload {
  static final String TABLE = "chaos_lease";

  /** The shortest TTL the servers grant: twice their election timeout. */
  static final Duration TTL = Db.ELECTION_TIMEOUT_MAX.multipliedBy(2);

  /** A quarter of the TTL: a keep-alive can fail twice and the lease still holds. */
  static final Duration KEEP_ALIVE_EVERY = TTL.dividedBy(4);

  static final Duration RETRY_AFTER = Duration.ofMillis(200);

  /** The liveness allowance the checker uses; see {@link LeaseChecker}. */
  static final LeaseChecker.Bounds BOUNDS =
      new LeaseChecker.Bounds(Db.ELECTION_TIMEOUT_MAX, Duration.ofSeconds(2));

  private static final int SLOTS = 3;
  private static final int READ_LIMIT = 10_000;
  private static final int FINAL_PROCESS = 10_000;

  private enum Fate {
    KEEP,
    ABANDON,
    REVOKE
  }

  /** A lease a holder has: its key, what becomes of it, and when its next keep-alive is due. */
  private static final class Held {
    final long id;
    final Fate fate;
    final long endNanos;
    long nextKeepAliveNanos;

    Held(long id, Fate fate, long endNanos, long nextKeepAliveNanos) {
      this.id = id;
      this.fate = fate;
      this.endNanos = endNanos;
      this.nextKeepAliveNanos = nextKeepAliveNanos;
    }
  }

  /** One holder thread's leases and its current process; touched by that thread only. */
  private static final class Holder {
    final List<Held> leases = new ArrayList<>();
    int process;
    long nextGrantNanos;
  }

  private final boolean companion;
  private final AtomicLong nextKey = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private int holders;
  private Holder[] holderState = new Holder[0];
  private List<ClusterDbClient> holderClients = List.of();
  private String finalProblem;

  /** The workload alone: {@code concurrency} threads, half holders and half readers. */
  public LeaseWorkload() {
    this(false);
  }

  private LeaseWorkload(boolean companion) {
    this.companion = companion;
  }

  /** The workload beside another one in the same run: three holders and three readers. */
  public static LeaseWorkload companion() {
    return new LeaseWorkload(true);
  }

  @Override
  public String name() {
    return "lease";
  }

  @Override
  String table() {
    return TABLE;
  }

  @Override
  public void start(WorkloadContext ctx) {
    int nodes = ctx.db().nodes();
    holders = companion ? nodes : Math.max(1, ctx.concurrency() / 2);
    int readers = companion ? nodes : Math.max(1, ctx.concurrency() - holders);
    openNodeClients();
    holderClients = Clients.perNode(holders, h -> ctx.db().clientAll(h % nodes, ctx.opTimeout()));
    holderState = new Holder[holders];
    for (int h = 0; h < holders; h++) {
      holderState[h] = new Holder();
    }
    // Not the seed itself: beside another workload, its threads would make the same choices.
    long seed = Long.rotateLeft(ctx.seed(), 17) ^ 0x6c65617365L;
    clients.start(
        "lease",
        holders + readers,
        seed,
        (t, process, random) ->
            t < holders
                ? hold(t, process, random)
                : read(nodeClients.get((t - holders) % nodes), process, random));
  }

  /**
   * One holder step: end or keep alive the first lease that is due; else grant into a free slot.
   * Keep-alives go first, so that grants that keep failing cannot starve them.
   */
  private boolean hold(int t, int process, Random random) {
    Holder h = holderState[t];
    h.process = process;
    ClusterDbClient c = holderClients.get(t);
    long now = ctx.now();
    for (Held l : h.leases) {
      if (l.fate != Fate.KEEP && now >= l.endNanos) {
        h.leases.remove(l);
        return end(l, c, process);
      }
      if (now >= l.nextKeepAliveNanos) {
        return keepAlive(h, l, c, process);
      }
    }
    if (h.leases.size() < SLOTS && now >= h.nextGrantNanos) {
      return grant(h, c, process, random);
    }
    return false;
  }

  private boolean grant(Holder h, ClusterDbClient c, int process, Random random) {
    long ttlMillis = TTL.toMillis();
    Outcome<Lease> granted =
        write(
            process,
            "grant",
            Map.of("ttl-ms", ttlMillis),
            () -> c.leases().grant(TTL).join(),
            l -> Map.of("lease", l.id(), "ttl-ms", l.ttl().toMillis()));
    if (!granted.ok()) {
      h.nextGrantNanos = ctx.now() + RETRY_AFTER.toNanos();
      return granted.indeterminate();
    }
    long id = granted.result().id();
    int pick = random.nextInt(10);
    Fate fate = pick < 2 ? Fate.KEEP : pick < 7 ? Fate.ABANDON : Fate.REVOKE;
    long now = ctx.now();
    Held held =
        new Held(
            id,
            fate,
            now + Duration.ofMillis(1_000 + random.nextInt(7_000)).toNanos(),
            now + KEEP_ALIVE_EVERY.toNanos());
    String key = String.format(Locale.ROOT, "l%06d", nextKey.getAndIncrement());
    Outcome<PutResult> put =
        write(
            process,
            "put",
            Map.of("lease", id, "key", key),
            () -> c.put(TABLE, Bytes.of(key), Bytes.of(Long.toString(id)), id).join(),
            r ->
                Map.of(
                    "lease",
                    id,
                    "key",
                    key,
                    "revision",
                    r.header().revision(),
                    "term",
                    r.header().term()));
    if (put.ok() || put.indeterminate()) {
      h.leases.add(held);
    } else {
      // No key to watch (the primary may be cut off): let the lease go, and wait a little.
      abandon(id, process);
      h.nextGrantNanos = ctx.now() + RETRY_AFTER.toNanos();
    }
    return put.indeterminate();
  }

  private boolean keepAlive(Holder h, Held l, ClusterDbClient c, int process) {
    Outcome<Lease> out =
        write(
            process,
            "keep-alive",
            Map.of("lease", l.id),
            () -> c.leases().keepAlive(l.id).join(),
            r -> Map.of("lease", l.id));
    if (out.ok()) {
      l.nextKeepAliveNanos = ctx.now() + KEEP_ALIVE_EVERY.toNanos();
    } else if (!out.indeterminate() && Clients.is(out.error(), ErrorCode.LEASE_NOT_FOUND)) {
      // Expired while keep-alives failed: the checker decides whether that was allowed.
      lost.incrementAndGet();
      h.leases.remove(l);
    } else {
      l.nextKeepAliveNanos = ctx.now() + RETRY_AFTER.toNanos();
    }
    return out.indeterminate();
  }

  private boolean end(Held l, ClusterDbClient c, int process) {
    if (l.fate == Fate.ABANDON) {
      abandon(l.id, process);
      return false;
    }
    Outcome<Long> out =
        write(
            process,
            "revoke",
            Map.of("lease", l.id),
            () -> c.leases().revoke(l.id).join(),
            revision -> Map.of("lease", l.id, "revision", revision));
    if (!out.ok() && !out.indeterminate()) {
      abandon(l.id, process);
    }
    return out.indeterminate();
  }

  private void abandon(long id, int process) {
    log.add("invoke", process, "abandon", Map.of("lease", id));
    log.add("ok", process, "abandon", Map.of("lease", id));
  }

  /** One linearizable read of the whole table; false: a read never ends indeterminate. */
  private boolean read(ClusterDbClient c, int process, Random random) throws InterruptedException {
    readAll(c, process);
    // Pacing: a read every 50-100 ms is fine grained next to a TTL of seconds, and cheap.
    Thread.sleep(50 + random.nextInt(50));
    return false;
  }

  /** Reads and records the whole table; returns the keys present, or null if the read failed. */
  private List<String> readAll(ClusterDbClient c, int process) {
    log.add("invoke", process, "read", null);
    try {
      RangeResult r =
          c.range(
                  TABLE,
                  KeyRange.all(),
                  new ReadOptions(Consistency.LINEARIZABLE, READ_LIMIT, false))
              .join();
      if (r.more()) {
        log.add("fail", process, "read", Map.of("error", "more than " + READ_LIMIT + " keys"));
        return null;
      }
      List<String> keys = r.kvs().stream().map(KeyValue::key).map(Bytes::toStringUtf8).toList();
      log.add(
          "ok",
          process,
          "read",
          Map.of("keys", keys, "term", r.header().term(), "revision", r.header().revision()));
      return keys;
    } catch (RuntimeException e) {
      // A read changes nothing: a failed one surely had no effect.
      log.add("fail", process, "read", Map.of("error", Clients.error(e)));
      return null;
    }
  }

  /** Stops the threads, then abandons every lease still held, so that all of them must expire. */
  @Override
  public void stopClients() throws InterruptedException {
    super.stopClients();
    for (Holder h : holderState) {
      for (Held l : h.leases) {
        abandon(l.id, h.process);
      }
      h.leases.clear();
    }
    holderClients.forEach(ClusterDbClient::close);
  }

  /**
   * Reads the table until it is empty: every lease was abandoned or revoked. Gives up once the
   * longest bound has passed since the first read that succeeded (the checker then judges what is
   * left), or after a minute of failed reads.
   */
  @Override
  public void finalPhase(WorkloadContext ctx) throws InterruptedException {
    long wait = TTL.plus(BOUNDS.electionTimeout()).plus(BOUNDS.slack()).plusSeconds(2).toNanos();
    long failUntil = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long firstOk = -1;
    try (ClusterDbClient c = ctx.db().clientAll(0, Duration.ofSeconds(5))) {
      while (true) {
        List<String> keys = readAll(c, FINAL_PROCESS);
        long now = System.nanoTime();
        if (keys != null && keys.isEmpty()) {
          return;
        }
        if (keys != null && firstOk < 0) {
          firstOk = now;
        }
        if (firstOk >= 0 && now - firstOk > wait) {
          return;
        }
        if (firstOk < 0 && now > failUntil) {
          finalProblem = "no final read succeeded within 60 s";
          return;
        }
        Thread.sleep(200);
      }
    }
  }

  @Override
  public List<CheckResult> check(List<EventLog.Event> nemesis) {
    long started = System.nanoTime();
    CheckResult r = LeaseChecker.check(log.events(), BOUNDS);
    Map<String, Object> stats = new LinkedHashMap<>(r.stats());
    stats.put("lostWhileHeld", lost.get());
    stats.put("checkMillis", (System.nanoTime() - started) / 1_000_000);
    if (finalProblem != null && r.outcome() == org.clusterdb.chaos.checker.Outcome.VALID) {
      return List.of(
          new CheckResult(
              r.checker(),
              org.clusterdb.chaos.checker.Outcome.UNKNOWN,
              List.of(finalProblem),
              stats));
    }
    return List.of(new CheckResult(r.checker(), r.outcome(), r.anomalies(), stats));
  }

  /** Operations by function and outcome, and the number invoked. */
  @Override
  public Map<String, Object> stats() {
    Map<String, Object> s = new LinkedHashMap<>();
    long invoked = 0;
    for (EventLog.Event e : log == null ? List.<EventLog.Event>of() : log.events()) {
      if (e.type().equals("invoke")) {
        invoked++;
      } else {
        s.merge(e.f() + "." + e.type(), 1L, (a, b) -> (Long) a + (Long) b);
      }
    }
    s.put("operations", invoked);
    return s;
  }
}
