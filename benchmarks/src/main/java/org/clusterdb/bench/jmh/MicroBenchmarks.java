package org.clusterdb.bench.jmh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH microbenchmarks of the apply logic and the codec, and prints JMH's result table,
 * then the same numbers as time per operation.
 *
 * <p>Defaults suit a 2-core machine: 1 fork, 3 warmup and 5 measured iterations of 1 s. Options:
 *
 * <ul>
 *   <li>{@code --quick}: 1 warmup and 2 measured iterations, for a smoke run;
 *   <li>{@code --gc}: adds JMH's GC profiler, whose {@code gc.alloc.rate.norm} is the bytes
 *       allocated per operation;
 *   <li>any JMH command-line option ({@code -f}, {@code -wi}, {@code -i}, {@code -w}, {@code -r},
 *       {@code -t}, {@code -p requestId=true}, {@code -prof}, ...), which wins over the above;
 *   <li>benchmark regexes, e.g. {@code ApplyBench.applyPut$}, run instead of all of them.
 * </ul>
 */
public final class MicroBenchmarks {
  private static final String ALL = "org.clusterdb.bench.jmh.*";

  private MicroBenchmarks() {}

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    boolean gc = false;
    List<String> jmhArgs = new ArrayList<>();
    for (String arg : args) {
      switch (arg) {
        case "--quick" -> quick = true;
        case "--gc" -> gc = true;
        default -> jmhArgs.add(arg);
      }
    }
    CommandLineOptions cmd;
    try {
      cmd = new CommandLineOptions(jmhArgs.toArray(String[]::new));
    } catch (CommandLineOptionException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (cmd.shouldHelp()) {
      cmd.showHelp();
      return;
    }
    if (MicroBenchmarks.class.getResource(BenchmarkList.BENCHMARK_LIST) == null) {
      // Without it JMH finds nothing to run and says little about why.
      System.err.println(
          "error: no "
              + BenchmarkList.BENCHMARK_LIST
              + " on the class path: compile with the JMH"
              + " annotation processor (jmh-generator-annprocess)");
      System.exit(2);
    }

    // The builder's own values win over its parent's: set only what the command line left unset.
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .parent(cmd)
            .forks(cmd.getForkCount().orElse(1))
            .warmupIterations(cmd.getWarmupIterations().orElse(quick ? 1 : 3))
            .warmupTime(cmd.getWarmupTime().orElse(TimeValue.seconds(1)))
            .measurementIterations(cmd.getMeasurementIterations().orElse(quick ? 2 : 5))
            .measurementTime(cmd.getMeasurementTime().orElse(TimeValue.seconds(1)));
    if (cmd.getIncludes().isEmpty()) {
      options.include(ALL);
    }
    if (!cmd.getJvmArgsAppend().hasValue()) {
      // Two logback.xml on the class path (this module's and store-server's) make logback print
      // its status, which lands in the middle of JMH's iteration lines.
      options.jvmArgsAppend(
          "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener");
    }
    if (gc) {
      options.addProfiler(GCProfiler.class);
    }
    Runner runner = new Runner(options.build());
    if (cmd.shouldList()) {
      runner.list();
      return;
    }
    Collection<RunResult> results = runner.run();
    printTimes(results);
  }

  /**
   * Throughput turned into time per operation, which is what an optimisation changes; and the bytes
   * allocated per operation when the GC profiler ran.
   */
  private static void printTimes(Collection<RunResult> results) {
    if (results.isEmpty()) {
      return;
    }
    System.out.println();
    System.out.println("Time per operation (from throughput, per thread) and allocation:");
    System.out.printf(Locale.ROOT, "%-50s %18s %12s %12s%n", "Benchmark", "ops/s", "us/op", "B/op");
    for (RunResult r : results) {
      Result<?> primary = r.getPrimaryResult();
      StringBuilder name = new StringBuilder(shortName(r.getParams().getBenchmark()));
      for (String key : r.getParams().getParamsKeys()) {
        name.append(' ').append(key).append('=').append(r.getParams().getParam(key));
      }
      String perOp = "";
      if ("ops/s".equals(primary.getScoreUnit()) && primary.getScore() > 0) {
        double micros = 1e6 * r.getParams().getThreads() / primary.getScore();
        perOp = String.format(Locale.ROOT, "%.3f", micros);
      }
      Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      String bytes = alloc == null ? "" : String.format(Locale.ROOT, "%.0f", alloc.getScore());
      System.out.printf(
          Locale.ROOT,
          "%-50s %18s %12s %12s%n",
          name,
          String.format(Locale.ROOT, "%.1f", primary.getScore()) + " " + primary.getScoreUnit(),
          perOp,
          bytes);
    }
  }

  private static String shortName(String benchmark) {
    String prefix = MicroBenchmarks.class.getPackageName() + ".";
    return benchmark.startsWith(prefix) ? benchmark.substring(prefix.length()) : benchmark;
  }
}
