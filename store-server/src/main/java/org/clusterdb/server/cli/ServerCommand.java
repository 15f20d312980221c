package org.clusterdb.server.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.core.DatabaseFailedException;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.server.FailedPeerServer;
import org.clusterdb.server.ServerRunner;
import org.clusterdb.server.config.ConfigException;
import org.clusterdb.server.config.ConfigLoader;
import org.clusterdb.server.config.ServerConfig;
import org.clusterdb.server.logging.LogFiles;
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
    ServerConfig cfg;
    try {
      cfg = ConfigLoader.load(config);
    } catch (ConfigException e) {
      throw new Main.UsageException(e.getMessage());
    }
    if (cfg.logDir() != null) {
      LogFiles.start(cfg.logDir(), cfg.logMaxFileBytes(), cfg.logTotalBytes());
    }
    UnaryOperator<ClusterDbConfig> adjust =
        member -> member.toBuilder().unsafeLocalReads(unsafeLocalReads).build();
    ServerRunner runner;
    try {
      runner = ServerRunner.start(config, adjust);
    } catch (ConfigException e) {
      throw new Main.UsageException(e.getMessage());
    } catch (DatabaseFailedException e) {
      return serveFailed(cfg, adjust.apply(cfg.toClusterDbConfig()), e);
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
    boolean healthy = runner.run();
    stopped.await();
    return healthy ? Main.OK : Main.FAILED;
  }

  /**
   * Stays up with the database closed, answering status and alarms, until stopped: an operator sees
   * "Database failure" where they look, and the process supervisor does not restart it in a loop.
   * Exits FAILED.
   */
  private static int serveFailed(
      ServerConfig cfg, ClusterDbConfig member, DatabaseFailedException e) throws Exception {
    System.err.println("clusterdb: " + e.getMessage());
    FailedPeerServer failed = FailedPeerServer.start(cfg, member, e);
    Runtime.getRuntime().addShutdownHook(new Thread(failed::shutdown, "clusterdb-shutdown"));
    failed.awaitTermination();
    return Main.FAILED;
  }
}
