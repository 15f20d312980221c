package org.clusterdb.server.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.clusterdb.core.backup.Backups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clusterdb restore}: restores a stopped peer's database from its own backup. */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restore a STOPPED peer's database from a backup taken on that peer (the same cluster and"
          + " software version). Its own tables are replaced; its Raft log and copy of the cluster"
          + " tables are deleted.",
      "At its next start a peer that joins a running cluster takes the cluster's configuration"
          + " (remove it from the cluster first, restore, then add it back). The primary started"
          + " while no other peer answers starts a new cluster from the backup's cluster tables:"
          + " the whole-cluster disaster recovery (see docs/operations.md)."
    })
final class RestoreCommand implements Callable<Integer> {
  @Mixin StoppedPeerOptions peer;

  @Option(names = "--file", required = true, paramLabel = "BACKUP", description = "The backup.")
  Path file;

  @Option(
      names = "--system-key",
      paramLabel = "FILE",
      description =
          "Install this system.key too (a copy kept apart from the backups): the backup's"
              + " sensitive values are sealed with it. Needed for a disaster recovery.")
  Path systemKey;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Backups.Summary s =
        Backups.restore(
            peer.confirmed("restore replaces this peer's database"),
            file,
            Optional.ofNullable(systemKey),
            new ProgressLine(spec.commandLine().getErr(), "restore")::update);
    spec.commandLine().getOut().println(BackupCommand.describe("restored", file, s));
    return Main.OK;
  }
}
