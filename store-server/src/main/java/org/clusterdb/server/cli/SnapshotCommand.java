package org.clusterdb.server.cli;

import java.util.concurrent.Callable;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.client.ClusterDbClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code clusterdb snapshot}: take a snapshot on the first reachable endpoint. */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = "Take a snapshot of the replicated state now, on the first endpoint.")
final class SnapshotCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (ClusterDbClient db = client.connect()) {
      long index = BlockingKeyValueStore.await(db.snapshot());
      new Output(spec.commandLine().getOut(), client.json).line("snapshot at index " + index);
    }
    return Main.OK;
  }
}
