package org.clusterdb.chaos.workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.PutResult;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.chaos.checker.CheckResult;
import org.clusterdb.chaos.checker.WatchChecker;
import org.clusterdb.chaos.checker.WatchChecker.Seen;
import org.clusterdb.chaos.db.Db;
import org.clusterdb.chaos.history.EventLog;
import org.clusterdb.client.ClusterDbClient;

/**
 * Watches: clients write unique values to a few keys of one table while one watcher per node
 * (starting at its node, failing over to the others) watches the whole table from one start
 * revision. After the heal a last write marks the end; once every watcher has seen it, {@link
 * WatchChecker} compares what each saw: the same events, in order, with no gap, and every
 * acknowledged write at its revision.
 */
public final class WatchWorkload extends EventWorkload {
  static final String TABLE = "chaos_watch";
  private static final int KEYS = 5;

  private final AtomicLong next = new AtomicLong();
  private final Set<String> attempted = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, List<Seen>> seen = new LinkedHashMap<>();
  private final Map<String, AtomicLong> lastRevision = new LinkedHashMap<>();
  private final AtomicLong watchRestarts = new AtomicLong();
  private final List<ClusterDbClient> watchClients = new ArrayList<>();
  private final List<AtomicReference<Watch>> watches = new ArrayList<>();
  private long startRevision;
  // Jepsen's rule: a process whose operation ended indeterminate never issues again.
  private int markerProcess = 20_000;
  private String finalProblem;

  @Override
  public String name() {
    return "watch";
  }

  @Override
  String table() {
    return TABLE;
  }

  @Override
  public void setup(WorkloadContext ctx) throws Exception {
    super.setup(ctx);
    startRevision = markerWrite(ctx, "start");
  }

  /** Writes a marker value through any node, retrying; returns its revision. */
  private long markerWrite(WorkloadContext ctx, String name) throws InterruptedException {
    String value = name + "-" + next.getAndIncrement();
    attempted.add(value);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      int process = markerProcess;
      log.add("invoke", process, "write", Map.of("key", "marker", "value", value));
      try (ClusterDbClient c = ctx.db().clientAll(ctx.db().primary(), Duration.ofSeconds(10))) {
        PutResult r = c.put(TABLE, Bytes.of("marker"), Bytes.of(value)).join();
        acknowledged.put(value, r.header().revision());
        log.add(
            "ok",
            process,
            "write",
            Map.of("key", "marker", "value", value, "revision", r.header().revision()));
        return r.header().revision();
      } catch (RuntimeException e) {
        // Rewriting the same value would make a retried marker ambiguous; a fresh one is unique.
        boolean definite = Clients.definite(e);
        log.add(
            definite ? "fail" : "info", process, "write", Map.of("key", "marker", "value", value));
        if (!definite) {
          markerProcess++;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("marker write failed: " + Clients.error(e), e);
        }
        Thread.sleep(1_000);
        value = name + "-" + next.getAndIncrement();
        attempted.add(value);
      }
    }
  }

  @Override
  public void start(WorkloadContext ctx) {
    int nodes = ctx.db().nodes();
    for (int i = 0; i < nodes; i++) {
      String name = "watcher-" + Db.member(i);
      List<Seen> list = new ArrayList<>();
      seen.put(name, list);
      AtomicLong last = new AtomicLong(startRevision - 1);
      lastRevision.put(name, last);
      ClusterDbClient c = ctx.db().clientAll(i, ctx.opTimeout());
      watchClients.add(c);
      AtomicReference<Watch> ref = new AtomicReference<>();
      watches.add(ref);
      subscribe(c, ref, name, list, last, startRevision, 1_000 + i);
    }
    openNodeClients();
    clients.start(
        "watch",
        ctx.concurrency(),
        ctx.seed(),
        (t, process, random) -> {
          String key = "k" + random.nextInt(KEYS);
          String value = "v" + next.getAndIncrement();
          attempted.add(value);
          Outcome<PutResult> out =
              write(
                  process,
                  "write",
                  Map.of("key", key, "value", value),
                  () -> clientOf(t).put(TABLE, Bytes.of(key), Bytes.of(value)).join(),
                  r -> Map.of("key", key, "value", value, "revision", r.header().revision()));
          if (out.ok()) {
            acknowledged.put(value, out.result().header().revision());
          }
          return out.indeterminate();
        });
  }

  /**
   * Watches from {@code from}; a watch the server ends (the client itself resumes across
   * reconnects) is started again from where it stopped, and counted.
   */
  private void subscribe(
      ClusterDbClient c,
      AtomicReference<Watch> ref,
      String name,
      List<Seen> list,
      AtomicLong last,
      long from,
      int process) {
    WatchListener listener =
        new WatchListener() {
          @Override
          public void onEvents(long revision, List<WatchEvent> events) {
            synchronized (list) {
              for (WatchEvent e : events) {
                String value = e.kv().value().toStringUtf8();
                list.add(new Seen(revision, e.kv().key().toStringUtf8(), value));
                log.add(
                    "ok",
                    process,
                    "event",
                    Map.of(
                        "revision", revision, "key", e.kv().key().toStringUtf8(), "value", value));
              }
              last.set(revision);
            }
          }

          @Override
          public void onError(ClusterDbException error) {
            // The server ended the watch: a definite end, after which it is started again.
            log.add("fail", process, "watch", error.code().name());
            Watch w = ref.get();
            if (clients.stopped() && finalProblem != null) {
              return;
            }
            watchRestarts.incrementAndGet();
            long resume = w == null ? from : w.nextRevision();
            try {
              subscribe(c, ref, name, list, last, resume, process);
            } catch (RuntimeException e) {
              log.add("fail", process, "watch", Clients.error(e));
            }
          }
        };
    ref.set(c.watch(new WatchRequest(TABLE, Bytes.EMPTY, from), listener));
  }

  /** Writes the end marker, then waits until every watcher has seen it. */
  @Override
  public void finalPhase(WorkloadContext ctx) throws InterruptedException {
    long end = markerWrite(ctx, "end");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline
        && lastRevision.values().stream().anyMatch(l -> l.get() < end)) {
      Thread.sleep(100);
    }
    List<String> behind =
        lastRevision.entrySet().stream()
            .filter(e -> e.getValue().get() < end)
            .map(e -> e.getKey() + " at " + e.getValue().get())
            .toList();
    finalProblem = behind.isEmpty() ? "" : "watchers behind the end marker " + end + ": " + behind;
    for (AtomicReference<Watch> w : watches) {
      Watch watch = w.get();
      if (watch != null) {
        watch.close();
      }
    }
    watchClients.forEach(ClusterDbClient::close);
  }

  @Override
  public List<CheckResult> check(List<EventLog.Event> nemesis) {
    Map<String, List<Seen>> copy = new LinkedHashMap<>();
    seen.forEach(
        (k, v) -> {
          synchronized (v) {
            copy.put(k, List.copyOf(v));
          }
        });
    CheckResult r = WatchChecker.check(copy, Map.copyOf(acknowledged), Set.copyOf(attempted));
    Map<String, Object> stats = new LinkedHashMap<>(r.stats());
    stats.put("watchRestarts", watchRestarts.get());
    List<String> anomalies = new ArrayList<>(r.anomalies());
    if (finalProblem != null && !finalProblem.isEmpty()) {
      anomalies.add(finalProblem);
    }
    return List.of(CheckResult.of("watch", anomalies, stats));
  }

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("operations", attempted.size());
    s.put("write.ok", acknowledged.size());
    s.put("watchers", seen.size());
    return s;
  }
}
