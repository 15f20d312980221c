package org.clusterdb.server.cli;

import java.nio.file.Path;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.server.config.ConfigException;
import org.clusterdb.server.config.ConfigLoader;
import picocli.CommandLine.Option;

/** Options of the commands that change a stopped peer's data directory. */
final class StoppedPeerOptions {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The peer's YAML configuration: its data directory and cluster.")
  Path config;

  @Option(names = "--confirm", description = "Required: this changes the peer's database.")
  boolean confirm;

  /** The peer's config, once the operator confirmed {@code what}. */
  ClusterDbConfig confirmed(String what) {
    if (!confirm) {
      throw new Main.UsageException(what + ": add --confirm to go ahead");
    }
    try {
      return ConfigLoader.load(config).toClusterDbConfig();
    } catch (ConfigException e) {
      throw new Main.UsageException(e.getMessage());
    }
  }
}
