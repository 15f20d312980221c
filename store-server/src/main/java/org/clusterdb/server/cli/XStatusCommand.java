package org.clusterdb.server.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.client.Member;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code clusterdb xstatus}: the clustering status of every peer, seen from the first endpoint, in
 * the spirit of the appliance's xstatus.
 */
@Command(
    name = "xstatus",
    mixinStandardHelpOptions = true,
    description =
        "Show every peer's clustering and database status, seen from the first reachable"
            + " endpoint.")
final class XStatusCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<Member> members;
    try (ClusterDbClient db = client.connect()) {
      members = db.members();
    }
    List<ClusterView.Peer> peers = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      peers.add(new ClusterView.Peer(i + 1, members.get(i).id(), members.get(i).clientAddress()));
    }
    // The first endpoint given is "This system".
    String first = client.endpoints().get(0);
    peers.sort(
        (a, b) ->
            Boolean.compare(!a.clientAddress().equals(first), !b.clientAddress().equals(first)));
    ClusterView view = ClusterView.observe(peers, Duration.ofSeconds(2));
    Output out = new Output(spec.commandLine().getOut(), client.json);
    if (out.json()) {
      view.json().forEach(out::message);
    } else {
      view.lines().forEach(out::line);
    }
    return view.rows().stream().allMatch(r -> r.database().equals("Active"))
        ? Main.OK
        : Main.FAILED;
  }
}
