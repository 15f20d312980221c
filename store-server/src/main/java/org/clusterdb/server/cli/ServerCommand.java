package org.clusterdb.server.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.server.ServerRunner;
import org.clusterdb.server.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code clusterdb server --config peer.yaml}: runs one peer until SIGTERM or SIGINT. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Run one clusterdb peer until stopped (SIGTERM/SIGINT shut it down gracefully).")
final class ServerCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The peer's YAML configuration (see docs/configuration.md).")
  Path config;

  @Option(
      names = "--unsafe-local-reads",
      hidden = true,
      description =
          "Broken on purpose, for the chaos tests only: serve linearizable reads from local state."
              + " Refused unless CLUSTERDB_UNSAFE_TESTING=yes.")
  boolean unsafeLocalReads;

  @Override
  public Integer call() throws Exception {
    ServerRunner runner;
    try {
      runner =
          ServerRunner.start(
              config, member -> member.toBuilder().unsafeLocalReads(unsafeLocalReads).build());
    } catch (ConfigException e) {
      throw new Main.UsageException(e.getMessage());
    } catch (ClusterDbException e) {
      if (e.code() == ErrorCode.INVALID_ARGUMENT) {
        throw new Main.UsageException(e.getMessage());
      }
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  runner.stop();
                  stopped.countDown();
                },
                "clusterdb-shutdown"));
    runner.run();
    stopped.await();
    return Main.OK;
  }
}
