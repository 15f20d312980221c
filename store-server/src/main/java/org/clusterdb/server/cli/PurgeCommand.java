package org.clusterdb.server.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.clusterdb.core.backup.Backups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clusterdb purge}: the seed's destroy-and-purge, on a stopped peer. */
@Command(
    name = "purge",
    mixinStandardHelpOptions = true,
    description = {
      "Delete a STOPPED peer's database: its Raft log and its copy of the cluster tables (with"
          + " --all, its own tables too). A last resort: the peer then starts empty and, once it"
          + " is in the cluster's peer list, is restored from the cluster. Its system.key stays.",
    })
final class PurgeCommand implements Callable<Integer> {
  @Mixin StoppedPeerOptions peer;

  @Option(
      names = "--all",
      description =
          "Delete the peer's own tables too (its settings, alarms, accounts copy); restore them"
              + " from a backup afterwards.")
  boolean all;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    List<Path> deleted = Backups.purge(peer.confirmed("purge deletes this peer's database"), all);
    spec.commandLine()
        .getOut()
        .println(
            deleted.isEmpty()
                ? "purge: nothing to delete"
                : "purged: " + String.join(" ", deleted.stream().map(Path::toString).toList()));
    return Main.OK;
  }
}
