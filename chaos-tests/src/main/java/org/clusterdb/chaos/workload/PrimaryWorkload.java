package org.clusterdb.chaos.workload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.chaos.checker.CheckResult;
import org.clusterdb.chaos.checker.PrimaryChecker;
import org.clusterdb.chaos.history.EventLog;
import org.clusterdb.client.ClusterDbClient;

/**
 * The configuration primary: clients write continuously while the isolate-primary nemesis cuts the
 * primary off from the majority, waits, makes another peer the primary on the majority side, and
 * heals. Checked with {@link PrimaryChecker}: nothing accepted while the primary is cut off, writes
 * accepted again after the change.
 */
public final class PrimaryWorkload implements Workload {
  static final String TABLE = "chaos_primary";

  private final Clients clients = new Clients();
  private final AtomicLong next = new AtomicLong();
  private final List<PrimaryChecker.Write> writes = new ArrayList<>();
  private final AtomicLong refusedAsNotPrimary = new AtomicLong();
  private List<ClusterDbClient> nodeClients = List.of();
  private EventLog log;
  private WorkloadContext ctx;

  @Override
  public String name() {
    return "primary";
  }

  @Override
  public boolean needsPrimaryIsolation() {
    return true;
  }

  @Override
  public void setup(WorkloadContext ctx) throws Exception {
    this.ctx = ctx;
    this.log = new EventLog(ctx.originNanos());
    Tables.create(ctx.db(), TABLE);
  }

  @Override
  public void start(WorkloadContext ctx) {
    int nodes = ctx.db().nodes();
    nodeClients = Clients.perNode(nodes, i -> ctx.db().client(i, ctx.opTimeout()));
    int[] process = new int[ctx.concurrency()];
    for (int t = 0; t < process.length; t++) {
      process[t] = t;
    }
    clients.start(
        "primary",
        ctx.concurrency(),
        ctx.seed(),
        (t, random) -> {
          long x = next.getAndIncrement();
          EventLog.Event inv = log.add("invoke", process[t], "write", x);
          try {
            nodeClients
                .get(t % nodes)
                .put(TABLE, Bytes.of("p" + t), Bytes.of(Long.toString(x)))
                .join();
            EventLog.Event ok = log.add("ok", process[t], "write", x);
            record(new PrimaryChecker.Write(inv.timeNanos(), ok.timeNanos()));
          } catch (RuntimeException e) {
            record(new PrimaryChecker.Write(inv.timeNanos(), -1));
            if (Clients.is(e, ErrorCode.PRIMARY_UNAVAILABLE)) {
              refusedAsNotPrimary.incrementAndGet();
            }
            if (Clients.definite(e)) {
              log.add("fail", process[t], "write", x);
            } else {
              log.add("info", process[t], "write", x);
              process[t] += ctx.concurrency();
            }
          }
        });
  }

  private synchronized void record(PrimaryChecker.Write w) {
    writes.add(w);
  }

  @Override
  public void stopClients() throws InterruptedException {
    clients.stop(ctx.opTimeout().toMillis() + 5_000);
    nodeClients.forEach(ClusterDbClient::close);
  }

  @Override
  public void finalPhase(WorkloadContext ctx) {
    // The check is about the fault window; no final read is needed.
  }

  /** Episodes come from the nemesis history: its completed isolate-primary heals. */
  @Override
  public synchronized List<CheckResult> check(List<EventLog.Event> nemesis) {
    List<PrimaryChecker.Episode> episodes = new ArrayList<>();
    for (EventLog.Event e : nemesis) {
      if (e.type().equals("ok")
          && e.f().equals("heal-isolate-primary")
          && e.value() instanceof Map<?, ?> v) {
        episodes.add(
            new PrimaryChecker.Episode(
                ((Number) v.get("cut")).longValue(),
                ((Number) v.get("changed")).longValue(),
                ((Number) v.get("healed")).longValue(),
                (String) v.get("old"),
                (String) v.get("new")));
      }
    }
    CheckResult r = PrimaryChecker.check(List.copyOf(writes), episodes);
    Map<String, Object> stats = new LinkedHashMap<>(r.stats());
    stats.put("refusedPrimaryUnavailable", refusedAsNotPrimary.get());
    return List.of(new CheckResult(r.checker(), r.outcome(), r.anomalies(), stats));
  }

  @Override
  public void writeHistory(Path dir) throws IOException {
    log.writeJsonLines(dir.resolve("history.jsonl"));
    log.writeEdn(dir.resolve("history.edn"));
  }

  @Override
  public synchronized Map<String, Object> stats() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("operations", writes.size());
    s.put("write.ok", writes.stream().filter(PrimaryChecker.Write::ok).count());
    s.put("refusedPrimaryUnavailable", refusedAsNotPrimary.get());
    return s;
  }
}
