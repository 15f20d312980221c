package org.clusterdb.server.cli;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.wire.WireCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code clusterdb xstatus}: the clustering status as one peer sees it (the first endpoint that
 * answers is "This system"), in the spirit of the appliance's xstatus; {@code xstatus alarms} lists
 * that peer's alarms.
 */
@Command(
    name = "xstatus",
    mixinStandardHelpOptions = true,
    description =
        "Show the cluster as the first reachable endpoint's peer sees it: each peer's status,"
            + " applied index and lag, this peer's database state and its active alarms. Exits 1"
            + " unless the database is Active and every peer is Active.",
    subcommands = {XStatusCommand.Alarms.class})
final class XStatusCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    ClusterStatus status;
    List<Alarm> alarms;
    try (ClusterDbClient db = client.connect()) {
      status = db.clusterStatus();
      alarms = db.alarms();
    }
    ClusteringPage page = new ClusteringPage(status, alarms);
    Output out = new Output(spec.commandLine().getOut(), client.json);
    if (out.json()) {
      out.message(WireCodec.clusterStatus(null, status));
    } else {
      page.lines().forEach(out::line);
    }
    return page.healthy() ? Main.OK : Main.FAILED;
  }

  /** {@code clusterdb xstatus alarms}. */
  @Command(
      name = "alarms",
      mixinStandardHelpOptions = true,
      description =
          "List the alarms of the first reachable endpoint's peer: the latest occurrence of each"
              + " alarm it raised, active ones first, with raise and lower times (UTC).")
  static final class Alarms implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      List<Alarm> alarms;
      try (ClusterDbClient db = client.connect()) {
        alarms = db.alarms();
      }
      Output out = new Output(spec.commandLine().getOut(), client.json);
      if (out.json()) {
        out.message(WireCodec.alarms(alarms).build());
        return Main.OK;
      }
      if (alarms.isEmpty()) {
        out.line("No alarms");
        return Main.OK;
      }
      out.line(
          String.format(
              "%-6s %-8s %-7s %-24s %-24s %s",
              "Id", "Severity", "State", "Raised", "Lowered", "Detail"));
      for (Alarm a : alarms) {
        out.line(
            String.format(
                "%-6d %-8s %-7s %-24s %-24s %s",
                a.id(),
                ClusteringPage.severity(a),
                a.active() ? "active" : "lowered",
                a.raisedAt(),
                a.loweredAt().map(Instant::toString).orElse("-"),
                a.detail()));
      }
      return Main.OK;
    }
  }
}
