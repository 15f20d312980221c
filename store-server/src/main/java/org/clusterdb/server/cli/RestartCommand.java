package org.clusterdb.server.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.client.Member;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code clusterdb restart}: restarts one peer in place and waits until it is back. */
@Command(
    name = "restart",
    mixinStandardHelpOptions = true,
    description = {
      "Restart the first endpoint's peer in place: it closes its database and client port and"
          + " starts again from its configuration file, re-read (which applies settings that"
          + " raised 'Restart required'). Then wait until it is back, its database Active, every"
          + " peer Active as it sees them and no replication alarm on it.",
      "Exits 1 if it is not back within --peer-timeout. To restart the whole cluster, use"
          + " rolling-restart. Needs an admin account once accounts are required."
    })
final class RestartCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Mixin RestartWait wait;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Output out = new Output(spec.commandLine().getOut(), false);
    ClusterStatus status;
    try (ClusterDbClient db = client.connectFirst()) {
      status = db.clusterStatus();
    }
    String id = status.memberId();
    try (PeerClients peers =
        new PeerClients(client, client.endpoints().subList(0, 1), List.of(id), List.<Member>of())) {
      RollingRestart restart =
          new RollingRestart(
              peers, RollingRestart.Ticker.SYSTEM, wait.peerTimeout, RestartWait.POLL, out::line);
      out.line("Restarting " + id);
      try {
        restart.restartAndWait(id, List.of(id));
      } catch (RollingRestart.Failed e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return Main.FAILED;
      }
    }
    return Main.OK;
  }
}
