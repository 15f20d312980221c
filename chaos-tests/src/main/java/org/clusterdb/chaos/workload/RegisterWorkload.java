package org.clusterdb.chaos.workload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.Compare;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.Op;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.Txn;
import org.clusterdb.api.TxnResult;
import org.clusterdb.chaos.checker.CheckResult;
import org.clusterdb.chaos.checker.CheckerConfig;
import org.clusterdb.chaos.checker.LinearizabilityChecker;
import org.clusterdb.chaos.history.EventLog;
import org.clusterdb.chaos.history.History;
import org.clusterdb.chaos.history.HistoryEdn;
import org.clusterdb.chaos.history.HistoryJson;
import org.clusterdb.client.ClusterDbClient;

/**
 * Independent registers: read (linearizable), write and compare-and-set of small values, as
 * Jepsen's etcd register test. Threads work in groups of up to {@value #GROUP} on one key at a time
 * and move to a fresh key every {@value #OPS_PER_KEY} operations, which keeps each key's history
 * short enough to check. Checked per key for linearizability.
 */
public final class RegisterWorkload extends EventWorkload {
  static final String TABLE = "chaos_register";
  static final int GROUP = 5;
  static final int OPS_PER_KEY = 120;

  private final List<org.clusterdb.chaos.history.Op> ops = new ArrayList<>();
  private AtomicIntegerArray groupOps;
  private final AtomicInteger counts = new AtomicInteger();

  @Override
  public String name() {
    return "register";
  }

  @Override
  String table() {
    return TABLE;
  }

  @Override
  public void start(WorkloadContext ctx) {
    openNodeClients();
    groupOps = new AtomicIntegerArray((ctx.concurrency() + GROUP - 1) / GROUP);
    clients.start(
        "register",
        ctx.concurrency(),
        ctx.seed(),
        (t, process, random) -> step(t, process, random, clientOf(t)));
  }

  /** Runs one operation; returns true when it ended indeterminate. */
  private boolean step(int thread, int process, Random random, ClusterDbClient c) {
    int group = thread / GROUP;
    String key = "g" + group + "-" + groupOps.getAndIncrement(group) / OPS_PER_KEY;
    Bytes k = Bytes.of(key);
    int kind = random.nextInt(3);
    if (kind == 0) {
      org.clusterdb.chaos.history.Op inv =
          record(org.clusterdb.chaos.history.Op.invokeRead(process, key, 0, 0));
      try {
        List<KeyValue> kvs = c.range(TABLE, KeyRange.key(k), ReadOptions.DEFAULT).join().kvs();
        String v = kvs.isEmpty() ? null : text(kvs.get(0).value());
        recordCompletion(inv, org.clusterdb.chaos.history.Op.Type.OK, v);
      } catch (RuntimeException e) {
        // A read changes nothing: a failed one surely had no effect.
        recordCompletion(inv, org.clusterdb.chaos.history.Op.Type.FAIL, null);
      }
      return false;
    }
    String value = Integer.toString(random.nextInt(5));
    org.clusterdb.chaos.history.Op inv;
    Txn txn;
    if (kind == 1) {
      inv = record(org.clusterdb.chaos.history.Op.invokeWrite(process, key, value, 0, 0));
      txn = Txn.of(Op.put(TABLE, k, Bytes.of(value)));
    } else {
      String expected = random.nextInt(4) == 0 ? null : Integer.toString(random.nextInt(5));
      inv = record(org.clusterdb.chaos.history.Op.invokeCas(process, key, expected, value, 0, 0));
      Compare cmp =
          expected == null
              ? Compare.absent(TABLE, k)
              : Compare.value(TABLE, k).equalTo(Bytes.of(expected));
      txn = Txn.when(cmp).then(Op.put(TABLE, k, Bytes.of(value)));
    }
    try {
      TxnResult r = c.txn(txn).join();
      recordCompletion(
          inv,
          r.succeeded()
              ? org.clusterdb.chaos.history.Op.Type.OK
              : org.clusterdb.chaos.history.Op.Type.FAIL,
          null);
      return false;
    } catch (RuntimeException e) {
      if (Clients.definite(e)) {
        recordCompletion(inv, org.clusterdb.chaos.history.Op.Type.FAIL, null);
        return false;
      }
      recordCompletion(inv, org.clusterdb.chaos.history.Op.Type.INFO, null);
      return true;
    }
  }

  private synchronized org.clusterdb.chaos.history.Op record(
      org.clusterdb.chaos.history.Op invoke) {
    org.clusterdb.chaos.history.Op op =
        new org.clusterdb.chaos.history.Op(
            invoke.type(),
            invoke.process(),
            invoke.f(),
            invoke.key(),
            invoke.expected(),
            invoke.value(),
            ops.size(),
            ctx.now());
    ops.add(op);
    return op;
  }

  private synchronized void recordCompletion(
      org.clusterdb.chaos.history.Op invoke,
      org.clusterdb.chaos.history.Op.Type type,
      String readValue) {
    org.clusterdb.chaos.history.Op op =
        invoke.f() == org.clusterdb.chaos.history.Op.Fn.READ
                && type == org.clusterdb.chaos.history.Op.Type.OK
            ? invoke.completeRead(readValue, ops.size(), ctx.now())
            : invoke.complete(type, ops.size(), ctx.now());
    ops.add(op);
    counts.incrementAndGet();
  }

  private static String text(Bytes b) {
    return new String(b.toByteArray(), StandardCharsets.UTF_8);
  }

  @Override
  public void finalPhase(WorkloadContext ctx) {
    // Linearizability needs no final read: every read in the history is checked.
  }

  private synchronized History history() {
    return new History(ops);
  }

  @Override
  public List<CheckResult> check(List<EventLog.Event> nemesis) {
    History h = history();
    long started = System.nanoTime();
    var verdict = new LinearizabilityChecker(CheckerConfig.DEFAULTS).check(h);
    Map<String, Object> stats = new LinkedHashMap<>(stats());
    stats.put("checkMillis", (System.nanoTime() - started) / 1_000_000);
    return List.of(CheckResult.of(verdict, stats));
  }

  @Override
  public void writeHistory(Path dir) throws IOException {
    History h = history();
    HistoryJson.write(h, dir.resolve("history.jsonl"));
    HistoryEdn.write(h, dir.resolve("history.edn"));
  }

  @Override
  public synchronized Map<String, Object> stats() {
    Map<String, Object> s = new LinkedHashMap<>();
    for (var f : org.clusterdb.chaos.history.Op.Fn.values()) {
      for (var t : org.clusterdb.chaos.history.Op.Type.values()) {
        if (t == org.clusterdb.chaos.history.Op.Type.INVOKE) {
          continue;
        }
        long n = ops.stream().filter(o -> o.f() == f && o.type() == t).count();
        s.put(
            f.name().toLowerCase(java.util.Locale.ROOT)
                + "."
                + t.name().toLowerCase(java.util.Locale.ROOT),
            n);
      }
    }
    s.put(
        "operations",
        ops.stream().filter(o -> o.type() == org.clusterdb.chaos.history.Op.Type.INVOKE).count());
    return s;
  }
}
