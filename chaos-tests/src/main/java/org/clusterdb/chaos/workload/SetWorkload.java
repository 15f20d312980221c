package org.clusterdb.chaos.workload;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.RangeResult;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.chaos.checker.CheckResult;
import org.clusterdb.chaos.checker.SetChecker;
import org.clusterdb.chaos.history.EventLog;
import org.clusterdb.client.ClusterDbClient;

/**
 * A set: clients add unique elements (each a key of its own in one table); after the heal, every
 * node reads the whole set back. Checked with {@link SetChecker}: every acknowledged add present
 * everywhere, nothing read that was never attempted.
 */
public final class SetWorkload extends EventWorkload {
  static final String TABLE = "chaos_set";
  private static final int PAGE = 2_000;

  private final AtomicLong next = new AtomicLong();
  private final Set<Long> attempted = ConcurrentHashMap.newKeySet();
  private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
  private final Set<Long> failed = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<Long>> finalReads = new LinkedHashMap<>();
  private final Map<String, String> finalReadErrors = new LinkedHashMap<>();

  @Override
  public String name() {
    return "set";
  }

  @Override
  String table() {
    return TABLE;
  }

  @Override
  public void start(WorkloadContext ctx) {
    openNodeClients();
    clients.start(
        "set",
        ctx.concurrency(),
        ctx.seed(),
        (t, process, random) -> {
          long x = next.getAndIncrement();
          attempted.add(x);
          Outcome<?> out =
              write(
                  process,
                  "add",
                  x,
                  () -> clientOf(t).put(TABLE, key(x), Bytes.of(Long.toString(x))).join(),
                  r -> x);
          if (out.ok()) {
            acknowledged.add(x);
          } else if (!out.indeterminate()) {
            failed.add(x);
          }
          return out.indeterminate();
        });
  }

  static Bytes key(long x) {
    return Bytes.of(String.format("e%012d", x));
  }

  /** Each node reads the whole set, linearizably, retrying for up to a minute. */
  @Override
  public void finalPhase(WorkloadContext ctx) throws InterruptedException {
    for (int i = 0; i < ctx.db().nodes(); i++) {
      String node = org.clusterdb.chaos.db.Db.member(i);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      int process = 10_000 + i;
      while (true) {
        log.add("invoke", process, "read", null);
        try (ClusterDbClient c = ctx.db().client(i, Duration.ofSeconds(10))) {
          Set<Long> all = readAll(c);
          finalReads.put(node, all);
          log.add("ok", process, "read", List.copyOf(new java.util.TreeSet<>(all)));
          break;
        } catch (RuntimeException e) {
          log.add("fail", process, "read", null);
          if (System.nanoTime() > deadline) {
            finalReadErrors.put(node, Clients.error(e));
            break;
          }
          Thread.sleep(1_000);
        }
      }
    }
  }

  private static Set<Long> readAll(ClusterDbClient c) {
    Set<Long> all = new HashSet<>();
    KeyRange range = KeyRange.all();
    while (true) {
      RangeResult r =
          c.range(TABLE, range, new ReadOptions(Consistency.LINEARIZABLE, PAGE, false)).join();
      for (KeyValue kv : r.kvs()) {
        all.add(Long.parseLong(kv.value().toStringUtf8()));
      }
      if (!r.more() || r.kvs().isEmpty()) {
        return all;
      }
      byte[] last = r.kvs().get(r.kvs().size() - 1).key().toByteArray();
      byte[] after = java.util.Arrays.copyOf(last, last.length + 1);
      range = KeyRange.from(Bytes.wrap(after));
    }
  }

  @Override
  public List<CheckResult> check(List<EventLog.Event> nemesis) {
    CheckResult r = SetChecker.check(attempted, acknowledged, failed, finalReads);
    if (!finalReadErrors.isEmpty() && r.outcome() == org.clusterdb.chaos.checker.Outcome.VALID) {
      // A node that could not be read after the heal is a finding, not a pass.
      return List.of(
          new CheckResult(
              "set",
              org.clusterdb.chaos.checker.Outcome.UNKNOWN,
              finalReadErrors.entrySet().stream()
                  .map(e -> e.getKey() + ": final read failed: " + e.getValue())
                  .toList(),
              r.stats()));
    }
    return List.of(r);
  }

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("operations", attempted.size());
    s.put("add.ok", acknowledged.size());
    s.put("add.fail", failed.size());
    s.put("add.info", attempted.size() - acknowledged.size() - failed.size());
    return s;
  }
}
