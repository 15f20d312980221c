package org.clusterdb.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.core.DatabaseFailedException;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.server.config.ConfigException;
import org.clusterdb.server.config.ConfigLoader;
import org.clusterdb.server.config.ServerConfig;
import org.clusterdb.server.grpc.MaintenanceService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the server of one {@code clusterdb server} process until it is stopped, and restarts it in
 * place when {@code Maintenance.Restart} asks: the running server shuts down as on SIGTERM (calls
 * in flight get the grace period, the database closes cleanly), then a new one starts in the same
 * process from the configuration file, re-read, on the same ports. So a restart also applies
 * settings that raise "Restart required". A restart that finds the database unusable (20010) goes
 * on as a first start would: serving status and alarms only ({@link FailedPeerServer}) until
 * stopped.
 *
 * <p>Thread-safe: {@link #run} on one thread, restarts on gRPC threads, {@link #stop} on the
 * shutdown hook.
 */
public final class ServerRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ServerRunner.class);

  private final Path configFile;
  private final UnaryOperator<ClusterDbConfig> adjust;
  private final Object lock = new Object();
  private ClusterDbServer current;
  private FailedPeerServer failed;
  private ServerConfig pending;
  private MaintenanceService.BeforeStart pendingWork;
  private boolean stopping;

  private ServerRunner(Path configFile, UnaryOperator<ClusterDbConfig> adjust) {
    this.configFile = configFile;
    this.adjust = adjust;
  }

  /**
   * Starts the server from {@code configFile}; {@code adjust} changes the member's configuration at
   * every start (the server command's test-only switches).
   *
   * @throws ConfigException for a configuration file that does not load
   * @throws ClusterDbException as {@link ClusterDbServer#start} does
   */
  public static ServerRunner start(Path configFile, UnaryOperator<ClusterDbConfig> adjust) {
    ServerRunner runner = new ServerRunner(configFile, adjust);
    ServerConfig config = ConfigLoader.load(configFile);
    synchronized (runner.lock) {
      runner.current = runner.startServer(config);
    }
    return runner;
  }

  private ClusterDbServer startServer(ServerConfig config) {
    return ClusterDbServer.start(config, adjust.apply(config.toClusterDbConfig()), this::restart);
  }

  /**
   * Blocks until the server is stopped, starting it again after each restart.
   *
   * @return false if it ended serving a database a restart found unusable, as {@link
   *     FailedPeerServer}; true otherwise
   * @throws ClusterDbException if a restarted server fails to start for another reason; the process
   *     should then exit
   */
  public boolean run() throws InterruptedException {
    while (true) {
      ClusterDbServer server;
      synchronized (lock) {
        server = current;
      }
      server.awaitTermination();
      // Waits for a shutdown under way on another thread to finish: the data directory is free
      // then.
      server.shutdown(server.config().shutdownGrace());
      synchronized (lock) {
        if (stopping || pending == null) {
          return true;
        }
        ServerConfig next = pending;
        MaintenanceService.BeforeStart work = pendingWork;
        pending = null;
        pendingWork = null;
        try {
          work.run(next);
          current = startServer(next);
        } catch (DatabaseFailedException e) {
          LOG.error(
              "restart failed: the database cannot be used; serving status and alarms only"
                  + " member={} error=\"{}\"",
              next.memberId(),
              e.getMessage());
          failed = startFailed(next, e);
        } catch (IOException e) {
          LOG.error(
              "restart failed: the work before the start failed member={} error=\"{}\"",
              next.memberId(),
              e.getMessage());
          throw new java.io.UncheckedIOException(e);
        } catch (RuntimeException e) {
          LOG.error(
              "restart failed: the server did not start again member={} error=\"{}\"",
              next.memberId(),
              e.getMessage());
          throw e;
        }
        if (failed == null) {
          LOG.info("clusterdb server restarted in place member={}", next.memberId());
        }
      }
      if (failed != null) {
        failed.awaitTermination();
        return false;
      }
    }
  }

  private FailedPeerServer startFailed(ServerConfig config, DatabaseFailedException e) {
    try {
      return FailedPeerServer.start(config, adjust.apply(config.toClusterDbConfig()), e);
    } catch (IOException io) {
      throw new java.io.UncheckedIOException(io);
    }
  }

  /** Stops the server for good (SIGTERM); {@link #run} then returns. Idempotent. */
  public void stop() {
    ClusterDbServer server;
    FailedPeerServer failedNow;
    synchronized (lock) {
      stopping = true;
      server = current;
      failedNow = failed;
    }
    if (failedNow != null) {
      failedNow.shutdown();
      return;
    }
    server.shutdown(server.config().shutdownGrace());
  }

  /** The server running now. */
  public ClusterDbServer server() {
    synchronized (lock) {
      return current;
    }
  }

  /** {@link MaintenanceService.Restarter#restart}: checks the file, then shuts the server down. */
  private void restart(MaintenanceService.BeforeStart beforeStart) {
    ServerConfig next;
    try {
      next = ConfigLoader.load(configFile);
    } catch (ConfigException e) {
      throw new ClusterDbException(
          ErrorCode.INVALID_ARGUMENT,
          "not restarting: the configuration file does not load: " + e.getMessage(),
          "config",
          true,
          e);
    }
    ClusterDbServer server;
    synchronized (lock) {
      if (stopping || pending != null) {
        throw new ClusterDbException(
            ErrorCode.UNAVAILABLE, "this server is already restarting or stopping");
      }
      pending = next;
      pendingWork = beforeStart;
      server = current;
    }
    LOG.info(
        "restarting clusterdb server in place member={} config={}", next.memberId(), configFile);
    // On its own thread: the call that asked must be answered first, within the grace period.
    Thread t =
        new Thread(() -> server.shutdown(server.config().shutdownGrace()), "clusterdb-restart");
    t.setDaemon(true);
    t.start();
  }
}
