package org.clusterdb.server.cli;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.PeerUsage;
import org.clusterdb.api.UsageReport;
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
    subcommands = {
      XStatusCommand.Alarms.class,
      XStatusCommand.Usage.class,
      XStatusCommand.Capacity.class
    })
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

  /** {@code clusterdb xstatus usage}. */
  @Command(
      name = "usage",
      mixinStandardHelpOptions = true,
      description =
          "Show the shared runtime state: each live peer's usage row (it goes with the peer's"
              + " lease), the cluster's totals and its pooled licences.")
  static final class Usage implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Output out = new Output(spec.commandLine().getOut(), client.json);
      UsageReport r = usageReport(client, out);
      if (out.json()) {
        return Main.OK;
      }
      if (r.peers().isEmpty()) {
        out.line("No peer publishes usage");
      }
      for (PeerUsage p : r.peers()) {
        out.line(
            "Peer "
                + p.memberId()
                + " ("
                + p.platform()
                + ", lease "
                + p.lease()
                + "): "
                + counts(p.counters())
                + (p.licenses().isEmpty() ? "" : "; licences " + counts(p.licenses())));
      }
      out.line("Cluster total: " + counts(r.totals()));
      out.line("Pooled licences: " + counts(r.licenses()));
      return Main.OK;
    }
  }

  /** {@code clusterdb xstatus capacity}. */
  @Command(
      name = "capacity",
      mixinStandardHelpOptions = true,
      description =
          "Show the cluster's capacity from the capacity table (a peer's share times the peers, up"
              + " to four; a Small VM cluster gains none), the pooled licences, what is in use and"
              + " what remains.")
  static final class Capacity implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Output out = new Output(spec.commandLine().getOut(), client.json);
      UsageReport r = usageReport(client, out);
      if (out.json()) {
        return Main.OK;
      }
      out.line("Platform: " + r.platform());
      out.line(
          "Peers: "
              + r.configuredPeers()
              + " configured, "
              + r.peers().size()
              + " publishing usage");
      if (r.capacity().isEmpty()) {
        out.line(
            "The capacity table does not list this platform: only pooled licences limit usage");
      }
      out.line(
          String.format(
              "%-18s %10s %14s %8s %10s",
              "Kind", "Capacity", "Live capacity", "In use", "Remaining"));
      java.util.Set<String> kinds = new java.util.TreeSet<>(r.capacity().keySet());
      kinds.addAll(r.remaining().keySet());
      for (String kind : kinds) {
        out.line(
            String.format(
                "%-18s %10s %14s %8d %10s",
                kind,
                figure(r.capacity().get(kind)),
                figure(r.liveCapacity().get(kind)),
                r.totals().getOrDefault(kind, 0L),
                figure(r.remaining().get(kind))));
      }
      out.line("Pooled licences: " + counts(r.licenses()));
      return Main.OK;
    }
  }

  /** The endpoint's usage report; printed whole when JSON is asked for. */
  private static UsageReport usageReport(ClientOptions client, Output out) {
    UsageReport r;
    try (ClusterDbClient db = client.connect()) {
      r = BlockingKeyValueStore.await(db.usageReport());
    }
    if (out.json()) {
      out.message(WireCodec.usageReport(r));
    }
    return r;
  }

  private static String figure(Long n) {
    return n == null ? "-" : n.toString();
  }

  private static String counts(java.util.Map<String, Long> m) {
    if (m.isEmpty()) {
      return "none";
    }
    StringBuilder b = new StringBuilder();
    new java.util.TreeMap<>(m)
        .forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
    return b.toString();
  }
}
