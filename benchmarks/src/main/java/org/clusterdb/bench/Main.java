package org.clusterdb.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.clusterdb.bench.systems.ClusterDbSystem;
import org.clusterdb.bench.systems.Dirs;
import org.clusterdb.bench.systems.EtcdSystem;
import org.clusterdb.bench.systems.ZooKeeperSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code benchmarks/run}: clusterdb, etcd and ZooKeeper under one load generator, one at a time.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Runs each system as a 3-node cluster on 127.0.0.1 (one system at a time), drives the same"
            + " workloads through each, and writes a Markdown and a JSON report of the medians."
            + " Exits 0 when everything ran, 1 when a system or workload failed (the report"
            + " lacks it), 2 on bad options.")
public final class Main implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  @Option(
      names = "--systems",
      split = ",",
      defaultValue = "clusterdb,etcd,zookeeper",
      description = "Systems to run, comma-separated (default: ${DEFAULT-VALUE}).")
  List<String> systems;

  @Option(
      names = "--workloads",
      split = ",",
      defaultValue = "all",
      description =
          "Workloads, comma-separated, or all: write-1, write-64, read-1, read-64, local-read-64,"
              + " mixed-64, watch, failover, resync (default: ${DEFAULT-VALUE}).")
  List<String> workloads;

  @Option(names = "--runs", defaultValue = "3", description = "Runs; medians are reported.")
  int runs;

  @Option(
      names = "--system-warmup",
      defaultValue = "20",
      description =
          "Seconds of unmeasured mixed load (50%% write, 50%% linearizable read, 64 in flight)"
              + " after each system starts, before its first workload: the same for every system.")
  int systemWarmupSeconds;

  @Option(
      names = "--warmup",
      defaultValue = "5",
      description = "Seconds of unmeasured load before each window.")
  int warmupSeconds;

  @Option(names = "--duration", defaultValue = "15", description = "Seconds of each window.")
  int durationSeconds;

  @Option(
      names = "--keep-logs",
      description =
          "Copy every node's log to <results>/logs/<system>-run<N>/ before a system's directory is"
              + " deleted.")
  boolean keepLogs;

  @Option(
      names = "--results",
      description = "Directory for the report (default: benchmarks/results/<UTC time>).")
  Path results;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try {
      return bench();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  private Integer bench() throws Exception {
    List<Workload> chosen = new ArrayList<>();
    for (String w : workloads) {
      if (w.equals("all")) {
        chosen.addAll(Workload.all());
      } else {
        chosen.add(Workload.byId(w));
      }
    }
    // Absolute: each node process runs in its own directory and is handed paths under this one.
    Path dir =
        (results != null
                ? results
                : Path.of(
                    "benchmarks",
                    "results",
                    DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                        .withZone(ZoneOffset.UTC)
                        .format(Instant.now())))
            .toAbsolutePath();
    RunOptions options =
        new RunOptions(
            systems,
            chosen,
            runs,
            Duration.ofSeconds(systemWarmupSeconds),
            Duration.ofSeconds(warmupSeconds),
            Duration.ofSeconds(durationSeconds),
            dir,
            keepLogs);
    Files.createDirectories(dir);
    Map<String, String> header = new LinkedHashMap<>(Machine.describe());
    header.put("command", "benchmarks/run " + String.join(" ", commandLine()));
    List<Measurement> all = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (int run = 1; run <= options.runs(); run++) {
      for (String s : options.systems()) {
        all.addAll(runSystem(s, run, options, failures));
        Report report = new Report(all, header);
        report.write(dir);
      }
    }
    Report report = new Report(all, header);
    report.write(dir);
    // Each system removes its own directory; only the empty parent is left.
    try (java.util.stream.Stream<Path> left = Files.list(dir.resolve("work"))) {
      if (left.findAny().isEmpty()) {
        Files.delete(dir.resolve("work"));
      }
    } catch (java.io.IOException e) {
      LOG.warn("work directory not removed dir={} error={}", dir.resolve("work"), e.toString());
    }
    System.out.println(report.markdown());
    System.out.println("report: " + dir.resolve("results.md") + " and results.json");
    if (!failures.isEmpty()) {
      System.out.println("failed (the report lacks these): " + String.join("; ", failures));
      return 1;
    }
    return 0;
  }

  private List<String> commandLine() {
    List<String> args = new ArrayList<>();
    args.add("--systems " + String.join(",", systems));
    args.add("--workloads " + String.join(",", workloads));
    args.add("--runs " + runs);
    args.add("--system-warmup " + systemWarmupSeconds);
    args.add("--warmup " + warmupSeconds);
    args.add("--duration " + durationSeconds);
    if (keepLogs) {
      args.add("--keep-logs");
    }
    return args;
  }

  /** Starts the system, runs every workload, stops it; a failed workload is logged and skipped. */
  static List<Measurement> runSystem(
      String name, int run, RunOptions options, List<String> failures) throws Exception {
    Path work = options.results().resolve("work").resolve(name + "-run" + run);
    List<Measurement> out = new ArrayList<>();
    System.out.printf("run %d: %s starting%n", run, name);
    try (BenchSystem system = system(name, work)) {
      // Ctrl-C must not leave server processes behind.
      Thread stopper = new Thread(system::close, "bench-stop-" + name);
      Runtime.getRuntime().addShutdownHook(stopper);
      try {
        runWorkloads(system, name, run, options, out, failures);
      } finally {
        removeHook(stopper);
        if (options.keepLogs()) {
          keepLogs(work, options.results().resolve("logs").resolve(name + "-run" + run));
        }
      }
    } catch (Exception e) {
      LOG.error("system failed system={} run={}", name, run, e);
      System.out.printf("run %d: %s failed: %s%n", run, name, e);
      failures.add("run " + run + " " + name + ": " + e);
    }
    return out;
  }

  private static void keepLogs(Path work, Path to) {
    try {
      int n = Dirs.copyLogs(work, to);
      System.out.printf("  %d logs kept in %s%n", n, to);
    } catch (java.io.UncheckedIOException e) {
      LOG.warn("logs not kept work={} error={}", work, e.toString());
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private static void runWorkloads(
      BenchSystem system,
      String name,
      int run,
      RunOptions options,
      List<Measurement> out,
      List<String> failures)
      throws Exception {
    system.start();
    WorkloadRunner runner = new WorkloadRunner(system, options, run);
    try (Driver d = system.driver()) {
      runner.preload(d);
      runner.warmUp(d);
      for (Workload w : options.workloads()) {
        try {
          runner
              .run(w, d)
              .ifPresent(
                  m -> {
                    out.add(m);
                    System.out.println("  " + m);
                  });
        } catch (Exception | AssertionError e) {
          LOG.error("workload failed system={} workload={} run={}", name, w.id(), run, e);
          System.out.printf("  %s %s failed: %s%n", name, w.id(), e);
          failures.add("run " + run + " " + name + " " + w.id() + ": " + e);
        }
      }
    }
  }

  static BenchSystem system(String name, Path work) {
    return switch (name) {
      case "clusterdb" -> new ClusterDbSystem(work, ClusterDbSystem.jarFromProperty());
      case "etcd" -> new EtcdSystem(work);
      case "zookeeper" -> new ZooKeeperSystem(work, System.getProperty("java.class.path"));
      default -> throw new IllegalArgumentException("unknown system " + name);
    };
  }
}
