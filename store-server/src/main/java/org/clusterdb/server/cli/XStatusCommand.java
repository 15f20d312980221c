package org.clusterdb.server.cli;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.api.v1.AlarmsResponse;
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
    Output out = new Output(spec.commandLine().getOut(), client.json);
    if (out.json()) {
      out.message(WireCodec.clusterStatus(null, status));
    } else {
      out.line(
          "Cluster database: "
              + status.database().display()
              + "  (this system: "
              + status.memberId()
              + ", configuration primary: peer "
              + status.primary()
              + " "
              + status.primaryId()
              + (status.ownPrimary() == status.primary()
                  ? ""
                  : " (this peer's own setting: peer " + status.ownPrimary() + ")")
              + ", applied "
              + status.appliedIndex()
              + " of "
              + status.commitIndex()
              + " committed, last synchronisation check passed: "
              + (status.syncCheckedIndex() < 0 ? "none yet" : "index " + status.syncCheckedIndex())
              + ")");
      out.line(
          String.format(
              "%-5s %-8s %-24s %-60s %8s %6s",
              "Peer", "Member", "Address", "Status", "Applied", "Lag"));
      for (PeerStatus p : status.peers()) {
        out.line(
            String.format(
                "%-5d %-8s %-24s %-60s %8s %6s",
                p.index(),
                p.memberId(),
                p.address(),
                p.display(),
                p.appliedIndex() < 0 ? "-" : Long.toString(p.appliedIndex()),
                p.lag() < 0 ? "-" : Long.toString(p.lag())));
      }
      List<Alarm> active = alarms.stream().filter(Alarm::active).toList();
      if (active.isEmpty()) {
        out.line("Alarms: none active");
      } else {
        for (Alarm a : active) {
          out.line("Alarm " + a.id() + " (" + severity(a) + "): " + a.detail());
        }
      }
    }
    boolean healthy =
        status.database() == ClusterStatus.Database.ACTIVE
            && status.peers().stream()
                .allMatch(
                    p ->
                        p.state() == PeerStatus.State.THIS_SYSTEM
                            || p.state() == PeerStatus.State.ACTIVE);
    return healthy ? Main.OK : Main.FAILED;
  }

  private static String severity(Alarm a) {
    return a.severity().name().toLowerCase();
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
        AlarmsResponse.Builder b = AlarmsResponse.newBuilder();
        alarms.forEach(a -> b.addAlarms(WireCodec.alarm(a)));
        out.message(b.build());
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
                severity(a),
                a.active() ? "active" : "lowered",
                a.raisedAt(),
                a.loweredAt().map(Instant::toString).orElse("-"),
                a.detail()));
      }
      return Main.OK;
    }
  }
}
