package org.clusterdb.server.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.client.Member;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code clusterdb rolling-restart}: the seed's restart sequence over the whole cluster. */
@Command(
    name = "rolling-restart",
    mixinStandardHelpOptions = true,
    description = {
      "Restart every peer in the seed's restart sequence: the configuration primary first, then"
          + " each other peer one at a time. After each restart, wait until the peer is back, its"
          + " database is Active, every peer shows every peer Active and no peer has a replication"
          + " alarm; then go on. Each peer restarts in place, re-reading its configuration file,"
          + " which also applies settings that raised 'Restart required'.",
      "Refuses to start unless replication is healthy. Stops with exit code 1 at a peer that does"
          + " not come back within --peer-timeout, leaving the peers after it untouched. Needs an"
          + " admin account once accounts are required."
    })
final class RollingRestartCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Mixin RestartWait wait;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Output out = new Output(spec.commandLine().getOut(), false);
    ClusterStatus status;
    List<Member> members;
    try (ClusterDbClient db = client.connect()) {
      status = db.clusterStatus();
      members = db.members();
    }
    try (PeerClients peers =
        new PeerClients(client, client.endpoints(), RollingRestart.order(status), members)) {
      RollingRestart sequence =
          new RollingRestart(
              peers, RollingRestart.Ticker.SYSTEM, wait.peerTimeout, RestartWait.POLL, out::line);
      try {
        sequence.run(status);
      } catch (RollingRestart.Failed e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return Main.FAILED;
      }
    }
    return Main.OK;
  }
}
