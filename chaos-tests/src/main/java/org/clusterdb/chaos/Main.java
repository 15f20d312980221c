package org.clusterdb.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.clusterdb.chaos.net.Network;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chaos-tests/run}: Jepsen-style runs against real {@code clusterdb server} processes in
 * network namespaces. Needs root. Exit code 0 when every run's history is valid, 1 on any anomaly,
 * 2 when a run was inconclusive, 64 for bad options.
 */
@Command(
    name = "chaos-tests/run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs clusterdb under faults and checks the history (see docs/chaos.md).",
      "Prints progress, then a verdict per checker; exits 1 on any anomaly."
    })
public final class Main implements Callable<Integer> {
  static final int USAGE = 64;

  @Option(
      names = "--workload",
      split = ",",
      description =
          "register, set, watch, primary, lease, or all; a+b runs a and b together on one"
              + " cluster; comma-separated runs one after another (default: register).")
  List<String> workloads = List.of("register");

  @Option(
      names = "--nemesis",
      description =
          "Faults, comma-separated: partition, kill, pause, latency, loss, membership, primary,"
              + " isolate-primary, all, none (default: partition,kill).")
  String nemesis = "partition,kill";

  @Option(
      names = "--time",
      description = "Seconds of operations under faults per workload (default: 60).")
  long time = 60;

  @Option(names = "--concurrency", description = "Client threads (default: 10).")
  int concurrency = 10;

  @Option(
      names = "--seed",
      description = "Seeds the fault schedule and the clients (default: random, printed).")
  Long seed;

  @Option(names = "--nodes", description = "Cluster size, 3 to 6 (default: 3).")
  int nodes = 3;

  @Option(
      names = "--results",
      description = "Where result directories go (default: chaos-tests/results).")
  Path results = Path.of("chaos-tests", "results");

  @Option(
      names = "--jar",
      description = "The runnable clusterdb.jar (default: store-server/target/clusterdb.jar).")
  Path jar = Path.of(System.getProperty("clusterdb.jar", "store-server/target/clusterdb.jar"));

  @Option(
      names = "--op-timeout-ms",
      description = "One client operation's deadline (default: 3000).")
  long opTimeoutMillis = 3_000;

  @Option(
      names = "--unsafe-local-reads",
      arity = "0..1",
      description =
          "Run the deliberately broken server that serves stale reads: the checker must flag it.")
  boolean unsafeLocalReads;

  @Option(
      names = "--keep-data",
      arity = "0..1",
      description = "Keep the nodes' databases in the result directory.")
  boolean keepData;

  @Option(names = "--worker", hidden = true)
  boolean worker;

  @Option(names = "--prefix", hidden = true)
  String prefix;

  @Option(names = "--subnet", hidden = true)
  String subnet;

  @Option(names = "--dir", hidden = true)
  Path dir;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line; returns the exit code. */
  public static int execute(String... args) {
    return new CommandLine(new Main())
        .setParameterExceptionHandler(
            (e, a) -> {
              e.getCommandLine().getErr().println("chaos-tests/run: " + e.getMessage());
              e.getCommandLine().usage(e.getCommandLine().getErr());
              return USAGE;
            })
        .execute(args);
  }

  @Override
  public Integer call() throws Exception {
    if (worker) {
      if (workloads.size() != 1) {
        throw new IllegalStateException("a worker runs one workload");
      }
      RunOptions o = options(workloads.get(0), seed == null ? 0 : seed);
      return new Worker(o, Network.attach(prefix, nodes, subnet), dir, System.out).run();
    }
    List<String> names = new ArrayList<>();
    for (String w : workloads) {
      if (w.equals("all")) {
        names.addAll(RunOptions.WORKLOADS);
      } else {
        names.add(w);
      }
    }
    long s = seed == null ? ThreadLocalRandom.current().nextLong(1, 1L << 40) : seed;
    List<String> problems = new ArrayList<>();
    for (String w : names) {
      for (String p : options(w, s).problems()) {
        if (!problems.contains(p)) {
          problems.add(p);
        }
      }
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> System.err.println("chaos-tests/run: " + p));
      return USAGE;
    }
    int worst = Worker.VALID;
    List<String> lines = new ArrayList<>();
    for (String w : names) {
      RunOptions o = options(w, s);
      System.out.println("chaos run: " + o.describe() + " (reproduce with --seed " + s + ")");
      Launcher.Outcome out = Launcher.run(o, null);
      lines.add(String.format("%-9s %s  %s", w, verdict(out.exitCode()), out.dir()));
      worst = Math.max(worst, out.exitCode());
    }
    System.out.println();
    lines.forEach(System.out::println);
    return worst;
  }

  private static String verdict(int code) {
    return switch (code) {
      case Worker.VALID -> "valid";
      case Worker.ANOMALY -> "ANOMALY";
      default -> "inconclusive (exit " + code + ")";
    };
  }

  private RunOptions options(String workload, long s) {
    return new RunOptions(
        workload,
        nemesis,
        Duration.ofSeconds(time),
        concurrency,
        s,
        nodes,
        results,
        jar,
        unsafeLocalReads,
        Duration.ofMillis(opTimeoutMillis),
        keepData);
  }
}
