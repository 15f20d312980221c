package org.clusterdb.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One invocation of the harness, validated.
 *
 * @param systems the systems to run, in order
 * @param workloads the workloads to run against each, in order
 * @param runs how many times the whole sequence runs; the report gives medians
 * @param systemWarmup unmeasured mixed load once a system has started, before its first workload: a
 *     fresh JVM (clusterdb's servers, ZooKeeper's) compiles its hot paths during the first tens of
 *     seconds, and a workload measured then measures the compiler
 * @param warmup unmeasured time before each measured window
 * @param duration each measured window
 * @param results the directory the report and logs go to
 * @param keepLogs whether each system's logs are copied to {@code results/logs} before its
 *     directory is deleted
 */
public record RunOptions(
    List<String> systems,
    List<Workload> workloads,
    int runs,
    Duration systemWarmup,
    Duration warmup,
    Duration duration,
    Path results,
    boolean keepLogs) {

  public static final List<String> SYSTEMS = List.of("clusterdb", "etcd", "zookeeper");

  public RunOptions {
    systems = List.copyOf(systems);
    workloads = List.copyOf(workloads);
    for (String s : systems) {
      if (!SYSTEMS.contains(s)) {
        throw new IllegalArgumentException(
            "--systems: unknown system '" + s + "'; known: " + SYSTEMS);
      }
    }
    if (systems.isEmpty()) {
      throw new IllegalArgumentException("--systems: at least one system");
    }
    if (workloads.isEmpty()) {
      throw new IllegalArgumentException("--workloads: at least one workload");
    }
    if (runs < 1) {
      throw new IllegalArgumentException("--runs must be at least 1, was " + runs);
    }
    if (systemWarmup.isNegative()) {
      throw new IllegalArgumentException(
          "--system-warmup must not be negative, was " + systemWarmup);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must not be negative, was " + warmup);
    }
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException("--duration must be positive, was " + duration);
    }
  }
}
