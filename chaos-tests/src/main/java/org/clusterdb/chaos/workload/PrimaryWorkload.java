package org.clusterdb.chaos.workload;

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

/**
 * The configuration primary: clients write continuously while the isolate-primary nemesis cuts the
 * primary off from the majority, waits, makes another peer the primary on the majority side, and
 * heals. Checked with {@link PrimaryChecker}: nothing accepted while the primary is cut off, writes
 * accepted again after the change.
 */
public final class PrimaryWorkload extends EventWorkload {
  static final String TABLE = "chaos_primary";

  private final AtomicLong next = new AtomicLong();
  private final List<PrimaryChecker.Write> writes = new ArrayList<>();
  private final AtomicLong refusedAsNotPrimary = new AtomicLong();

  @Override
  public String name() {
    return "primary";
  }

  @Override
  String table() {
    return TABLE;
  }

  @Override
  public boolean needsPrimaryIsolation() {
    return true;
  }

  @Override
  public void start(WorkloadContext ctx) {
    openNodeClients();
    clients.start(
        "primary",
        ctx.concurrency(),
        ctx.seed(),
        (t, process, random) -> {
          long x = next.getAndIncrement();
          Outcome<?> out =
              write(
                  process,
                  "write",
                  x,
                  () ->
                      clientOf(t).put(TABLE, Bytes.of("p" + t), Bytes.of(Long.toString(x))).join(),
                  r -> x);
          record(
              new PrimaryChecker.Write(
                  out.invoke().timeNanos(), out.ok() ? out.completion().timeNanos() : -1));
          if (out.error() != null && Clients.is(out.error(), ErrorCode.PRIMARY_UNAVAILABLE)) {
            refusedAsNotPrimary.incrementAndGet();
          }
          return out.indeterminate();
        });
  }

  private synchronized void record(PrimaryChecker.Write w) {
    writes.add(w);
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
          && e.value() instanceof Map<?, ?> v
          && v.get("healed") != null) {
        episodes.add(
            new PrimaryChecker.Episode(
                ((Number) v.get("cut")).longValue(),
                ((Number) v.get("changing")).longValue(),
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
  public synchronized Map<String, Object> stats() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("operations", writes.size());
    s.put("write.ok", writes.stream().filter(PrimaryChecker.Write::ok).count());
    s.put("refusedPrimaryUnavailable", refusedAsNotPrimary.get());
    return s;
  }
}
