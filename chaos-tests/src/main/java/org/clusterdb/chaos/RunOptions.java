package org.clusterdb.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One chaos run's settings.
 *
 * @param workload one of {@link #WORKLOADS}, or several of them joined by {@code +} (run together
 *     on one cluster, each with its own checker)
 * @param nemesis the faults, as {@link org.clusterdb.chaos.nemesis.Nemesis#parse} takes them
 * @param time how long operations and faults run, before the heal and the final phase
 * @param concurrency client threads
 * @param seed seeds the fault schedule and every client's choices
 * @param nodes cluster size, 3 to 6
 * @param results the directory each run's result directory goes under
 * @param jar the runnable {@code clusterdb.jar}
 * @param unsafeLocalReads run the deliberately broken server variant
 * @param opTimeout one client operation's deadline
 * @param keepData keep the nodes' databases in the result directory
 */
public record RunOptions(
    String workload,
    String nemesis,
    Duration time,
    int concurrency,
    long seed,
    int nodes,
    Path results,
    Path jar,
    boolean unsafeLocalReads,
    Duration opTimeout,
    boolean keepData) {
  public static final List<String> WORKLOADS =
      List.of("register", "set", "watch", "primary", "lease");

  /** Every problem, each naming its option; empty when valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    List<String> parts = List.of(workload.split("\\+", -1));
    for (String part : parts) {
      if (!WORKLOADS.contains(part)) {
        p.add("--workload: unknown '" + part + "'; known: " + String.join(", ", WORKLOADS));
      }
    }
    if (new java.util.HashSet<>(parts).size() < parts.size()) {
      p.add("--workload: '" + workload + "' names a workload twice");
    }
    if (time.isNegative() || time.isZero()) {
      p.add("--time: must be positive");
    }
    if (concurrency < 1 || concurrency > 200) {
      p.add("--concurrency: must be 1..200, was " + concurrency);
    }
    if (nodes < 3 || nodes > 6) {
      p.add(
          "--nodes: must be 3..6 (a cluster that survives a fault, at most the seed's six), was "
              + nodes);
    }
    if (!java.nio.file.Files.isRegularFile(jar)) {
      p.add(
          "--jar: no runnable jar at "
              + jar
              + " (build it: mvn -B -DskipTests package -pl store-server -am)");
    }
    try {
      org.clusterdb.chaos.nemesis.Nemesis.parse(nemesis);
    } catch (IllegalArgumentException e) {
      p.add(e.getMessage());
    }
    return p;
  }

  /** The same settings as command-line options, for the worker process. */
  public List<String> toArgs() {
    return List.of(
        "--workload",
        workload,
        "--nemesis",
        nemesis,
        "--time",
        Long.toString(time.toSeconds()),
        "--concurrency",
        Integer.toString(concurrency),
        "--seed",
        Long.toString(seed),
        "--nodes",
        Integer.toString(nodes),
        "--results",
        results.toString(),
        "--jar",
        jar.toString(),
        "--op-timeout-ms",
        Long.toString(opTimeout.toMillis()),
        "--unsafe-local-reads=" + unsafeLocalReads,
        "--keep-data=" + keepData);
  }

  public String describe() {
    return String.format(
        Locale.ROOT,
        "workload=%s nemesis=%s time=%ds concurrency=%d seed=%d nodes=%d%s",
        workload,
        nemesis,
        time.toSeconds(),
        concurrency,
        seed,
        nodes,
        unsafeLocalReads ? " UNSAFE-LOCAL-READS" : "");
  }
}
