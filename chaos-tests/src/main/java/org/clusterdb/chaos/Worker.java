package org.clusterdb.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.clusterdb.chaos.checker.CheckResult;
import org.clusterdb.chaos.checker.Outcome;
import org.clusterdb.chaos.db.Db;
import org.clusterdb.chaos.history.EventLog;
import org.clusterdb.chaos.nemesis.Fault;
import org.clusterdb.chaos.nemesis.FaultContext;
import org.clusterdb.chaos.nemesis.IsolatePrimary;
import org.clusterdb.chaos.nemesis.Nemesis;
import org.clusterdb.chaos.net.Network;
import org.clusterdb.chaos.workload.CombinedWorkload;
import org.clusterdb.chaos.workload.LeaseWorkload;
import org.clusterdb.chaos.workload.PrimaryWorkload;
import org.clusterdb.chaos.workload.RegisterWorkload;
import org.clusterdb.chaos.workload.SetWorkload;
import org.clusterdb.chaos.workload.WatchWorkload;
import org.clusterdb.chaos.workload.Workload;
import org.clusterdb.chaos.workload.WorkloadContext;

/**
 * One run, inside the client namespace: starts the cluster in the node namespaces, runs the
 * workload's clients while the nemesis injects faults, heals, makes the final reads, checks, and
 * writes the result directory. Exit code: 0 when every checker found the history valid and the
 * cluster recovered, 1 on any anomaly, 2 when the run could not tell (unknown, no recovery, setup
 * failure).
 */
final class Worker {
  static final int VALID = 0;
  static final int ANOMALY = 1;
  static final int INCONCLUSIVE = 2;

  private static final Duration SETUP = Duration.ofSeconds(120);
  private static final Duration RECOVERY = Duration.ofSeconds(120);

  private final RunOptions options;
  private final Network net;
  private final Path dir;
  private final PrintStream out;

  Worker(RunOptions options, Network net, Path dir, PrintStream out) {
    this.options = options;
    this.net = net;
    this.dir = dir;
    this.out = out;
  }

  /**
   * The workload {@code name} names: one of {@link RunOptions#WORKLOADS}, or several joined by +.
   */
  static Workload workload(String name) {
    List<String> parts = List.of(name.split("\\+", -1));
    if (parts.size() == 1) {
      return single(name, false);
    }
    return new CombinedWorkload(parts.stream().map(p -> single(p, true)).toList());
  }

  private static Workload single(String name, boolean combined) {
    return switch (name) {
      case "register" -> new RegisterWorkload();
      case "set" -> new SetWorkload();
      case "watch" -> new WatchWorkload();
      case "primary" -> new PrimaryWorkload();
      case "lease" -> combined ? LeaseWorkload.companion() : new LeaseWorkload();
      default -> throw new IllegalArgumentException("--workload: unknown " + name);
    };
  }

  int run() throws Exception {
    long origin = System.nanoTime();
    Workload workload = workload(options.workload());
    EventLog nemesisLog = new EventLog(origin);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("options", options.describe());
    summary.put("seed", options.seed());
    summary.put("resultDir", dir.toString());
    List<CheckResult> results = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Nemesis nemesis = null;
    try (Db db = new Db(net, options.jar(), dir.resolve("nodes"), options.unsafeLocalReads())) {
      say("starting %d nodes in namespaces %s-n*", options.nodes(), net.prefix());
      db.setup();
      if (!db.awaitWhole(SETUP)) {
        problems.add("the cluster did not form within " + SETUP.toSeconds() + " s");
        return finish(summary, results, problems, workload, nemesisLog, null, db);
      }
      say("cluster whole after %d ms", (System.nanoTime() - origin) / 1_000_000);
      WorkloadContext wctx =
          new WorkloadContext(
              db, options.seed(), options.concurrency(), options.opTimeout(), origin, nemesisLog);
      workload.setup(wctx);
      List<Fault> faults = new ArrayList<>(Nemesis.parse(options.nemesis()));
      Fault first = null;
      if (workload.needsPrimaryIsolation()) {
        // Its checker needs at least one episode, whatever the schedule picks after it.
        first = faults.stream().filter(f -> f instanceof IsolatePrimary).findFirst().orElse(null);
        if (first == null) {
          first = new IsolatePrimary();
          faults.add(first);
          say("the primary workload adds the isolate-primary fault");
        }
      }
      nemesis =
          new Nemesis(faults, first, new FaultContext(db, seeded(options.seed()), nemesisLog));
      workload.start(wctx);
      nemesis.start();
      long end = System.nanoTime() + options.time().toNanos();
      long lastReport = System.nanoTime();
      while (System.nanoTime() < end) {
        Thread.sleep(Math.min(1_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        if (System.nanoTime() - lastReport > 10_000_000_000L) {
          lastReport = System.nanoTime();
          say(
              "t=%ds %s faults=%s",
              (System.nanoTime() - origin) / 1_000_000_000L, workload.stats(), nemesis.injected());
        }
      }
      say("stopping the nemesis and the clients");
      nemesis.stop();
      workload.stopClients();
      nemesis.healAll();
      long healStart = System.nanoTime();
      boolean whole = db.awaitWhole(RECOVERY);
      summary.put("recoveryMillis", (System.nanoTime() - healStart) / 1_000_000);
      if (!whole) {
        problems.add("the cluster was not whole " + RECOVERY.toSeconds() + " s after the heal");
      }
      say("healed; cluster %s; final phase", whole ? "whole" : "NOT whole");
      workload.finalPhase(wctx);
      results.addAll(workload.check(nemesisLog.events()));
      return finish(summary, results, problems, workload, nemesisLog, nemesis, db);
    } catch (Exception e) {
      problems.add("run failed: " + e);
      e.printStackTrace(out);
      if (nemesis != null) {
        nemesis.stop();
      }
      return finish(summary, results, problems, workload, nemesisLog, nemesis, null);
    } finally {
      if (!options.keepData()) {
        deleteData();
      }
    }
  }

  private int finish(
      Map<String, Object> summary,
      List<CheckResult> results,
      List<String> problems,
      Workload workload,
      EventLog nemesisLog,
      Nemesis nemesis,
      Db db)
      throws IOException {
    Files.createDirectories(dir);
    workload.writeHistory(dir);
    nemesisLog.writeJsonLines(dir.resolve("nemesis.jsonl"));
    nemesisLog.writeEdn(dir.resolve("nemesis.edn"));
    if (nemesis != null) {
      // A fault that could not be injected or healed leaves the run short of what it claims.
      nemesis.errors().forEach(e -> problems.add("nemesis: " + e));
    }
    Outcome outcome =
        results.stream().map(CheckResult::outcome).reduce(Outcome.VALID, Outcome::and);
    if (results.isEmpty()) {
      outcome = Outcome.UNKNOWN;
    }
    int code =
        outcome == Outcome.INVALID
            ? ANOMALY
            : outcome == Outcome.UNKNOWN || !problems.isEmpty() ? INCONCLUSIVE : VALID;
    summary.put("verdict", code == VALID ? "valid" : code == ANOMALY ? "ANOMALY" : "inconclusive");
    summary.put("operations", workload.stats());
    summary.put("faults", nemesis == null ? Map.of() : nemesis.injected());
    summary.put("problems", problems);
    List<Map<String, Object>> checks = new ArrayList<>();
    for (CheckResult r : results) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("checker", r.checker());
      m.put("outcome", r.outcome().name());
      m.put("anomalies", r.anomalies().stream().limit(50).toList());
      m.put("stats", r.stats());
      checks.add(m);
    }
    summary.put("checks", checks);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve("summary.json").toFile(), summary);
    StringBuilder text = new StringBuilder();
    text.append("chaos run: ").append(options.describe()).append('\n');
    text.append("result dir: ").append(dir).append('\n');
    text.append("operations: ").append(workload.stats()).append('\n');
    text.append("faults injected: ").append(summary.get("faults")).append('\n');
    for (CheckResult r : results) {
      text.append("checker ")
          .append(r.checker())
          .append(": ")
          .append(r.outcome())
          .append(' ')
          .append(r.stats())
          .append('\n');
      r.anomalies().stream().limit(20).forEach(a -> text.append("  ").append(a).append('\n'));
    }
    for (String p : problems) {
      text.append("problem: ").append(p).append('\n');
    }
    text.append("verdict: ").append(summary.get("verdict")).append('\n');
    Files.writeString(dir.resolve("summary.txt"), text);
    out.print(text);
    out.flush();
    if (db != null) {
      db.close();
    }
    return code;
  }

  private void deleteData() {
    Path nodes = dir.resolve("nodes");
    if (!Files.isDirectory(nodes)) {
      return;
    }
    try (Stream<Path> s = Files.list(nodes)) {
      for (Path node : s.toList()) {
        Path data = node.resolve("data");
        if (Files.exists(data)) {
          try (Stream<Path> walk = Files.walk(data)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
              Files.deleteIfExists(p);
            }
          }
        }
      }
    } catch (IOException e) {
      out.println("could not delete the nodes' data: " + e);
    }
  }

  /** Neighbouring seeds must give unrelated schedules; java.util.Random's first draws do not. */
  static Random seeded(long seed) {
    return new Random(new java.util.SplittableRandom(seed).nextLong());
  }

  private void say(String format, Object... args) {
    out.printf("[chaos %s] %s%n", options.workload(), String.format(format, args));
    out.flush();
  }
}
