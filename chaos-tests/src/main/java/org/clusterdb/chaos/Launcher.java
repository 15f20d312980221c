package org.clusterdb.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.clusterdb.chaos.net.Network;

/**
 * The part of a run that needs the root namespace: removes what crashed runs left, builds the
 * network (blackhole route first), starts the {@link Worker} inside the client namespace, and
 * removes the network and every process in it afterwards, whatever happened.
 */
public final class Launcher {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private Launcher() {}

  /** What one run returned: its exit code and result directory. */
  public record Outcome(int exitCode, Path dir) {}

  /**
   * Runs one workload. {@code log} receives the worker's output; null means this process's own
   * stdout and stderr.
   */
  public static Outcome run(RunOptions options, Path log) throws IOException, InterruptedException {
    for (String removed : Network.cleanupStale()) {
      System.err.println("chaos: removed what a crashed run left: " + removed);
    }
    Path dir =
        options
            .results()
            .toAbsolutePath()
            .resolve(
                LocalDateTime.now().format(STAMP)
                    + "-"
                    + options.workload()
                    + "-seed"
                    + options.seed());
    int n = 2;
    while (Files.exists(dir)) {
      dir = dir.resolveSibling(dir.getFileName() + "-" + n++);
    }
    Files.createDirectories(dir);
    try (Network net = Network.create(options.nodes())) {
      List<String> java =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx1g",
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName(),
                  "--worker",
                  "--prefix",
                  net.prefix(),
                  "--subnet",
                  net.subnet(),
                  "--dir",
                  dir.toString()));
      java.addAll(options.toArgs());
      ProcessBuilder pb = new ProcessBuilder(Network.inNamespace(net.clientNamespace(), java));
      if (log == null) {
        pb.inheritIO();
      } else {
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      }
      Process worker = pb.start();
      long bound = options.time().toSeconds() + TimeUnit.MINUTES.toSeconds(15);
      if (!worker.waitFor(bound, TimeUnit.SECONDS)) {
        System.err.println("chaos: the run did not end within " + bound + " s; stopping it");
        worker.destroyForcibly();
        worker.waitFor(30, TimeUnit.SECONDS);
        return new Outcome(Worker.INCONCLUSIVE, dir);
      }
      return new Outcome(worker.exitValue(), dir);
    }
  }
}
