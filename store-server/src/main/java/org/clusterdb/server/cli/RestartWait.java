package org.clusterdb.server.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How long the restart commands wait for a restarted peer. */
final class RestartWait {
  /** How often a restarted peer is asked whether it is back. */
  static final Duration POLL = Duration.ofMillis(500);

  @Option(
      names = "--peer-timeout",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "How long to wait for a restarted peer to come back with healthy replication (default:"
              + " ${DEFAULT-VALUE}).")
  Duration peerTimeout;
}
