package org.clusterdb.server.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.api.v1.ForceSystemKeyUpdateResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code clusterdb xcommand NAME}: the appliance's maintenance commands, run on the peer that
 * {@code --endpoints} names first. Names are matched without case, as the appliance's CLI does.
 */
@Command(
    name = "xcommand",
    mixinStandardHelpOptions = true,
    description = {
      "Run a maintenance command on the first endpoint's peer.",
      "ForceSystemKeyUpdate: on a peer that holds the cluster's system key (one without alarm"
          + " 20020 'Failed to update key file'), rewrite its key file and send the key to every"
          + " other peer, wrapped to that peer's TLS key. A peer whose key file was lost or could"
          + " not be written gets it back and serves sensitive values again.",
      "ForceConfigUpdate: on a subordinate (for alarm 20001 'Cluster replication error'),"
          + " discard its copy of the cluster tables and Raft log (its own tables stay), receive"
          + " the primary's configuration again, and verify its digest against the primary's."
          + " Waits and shows progress until verified."
    })
final class XCommandCommand implements Callable<Integer> {
  static final String FORCE_SYSTEM_KEY_UPDATE = "ForceSystemKeyUpdate";
  static final String FORCE_CONFIG_UPDATE = "ForceConfigUpdate";
  private static final int REPLICATION_MANUAL_SYNC = 20001;

  @Mixin ClientOptions client;

  @Parameters(
      index = "0",
      paramLabel = "NAME",
      description = "The command: ForceSystemKeyUpdate or ForceConfigUpdate.")
  String name;

  @Option(
      names = "--resync-timeout",
      defaultValue = "10m",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "ForceConfigUpdate: give up waiting after this long (default: ${DEFAULT-VALUE}).")
  Duration resyncTimeout;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Output out = new Output(spec.commandLine().getOut(), client.json);
    if (FORCE_SYSTEM_KEY_UPDATE.equalsIgnoreCase(name)) {
      try (ClusterDbClient db = client.connect()) {
        List<String> sent = db.forceSystemKeyUpdate();
        if (out.json()) {
          out.message(ForceSystemKeyUpdateResponse.newBuilder().addAllSentTo(sent));
        } else {
          out.line(
              "ForceSystemKeyUpdate: key file rewritten; system key sent to "
                  + (sent.isEmpty() ? "no other peer" : String.join(", ", sent)));
        }
      }
      return Main.OK;
    }
    if (FORCE_CONFIG_UPDATE.equalsIgnoreCase(name)) {
      try (ClusterDbClient db = client.connect()) {
        return forceConfigUpdate(db, out);
      }
    }
    throw new ParameterException(
        spec.commandLine(),
        "unknown xcommand '"
            + name
            + "': the ones known are "
            + FORCE_SYSTEM_KEY_UPDATE
            + " and "
            + FORCE_CONFIG_UPDATE);
  }

  /** Starts the resync, then follows the peer through its restart until the digest matches. */
  private int forceConfigUpdate(ClusterDbClient db, Output out) throws InterruptedException {
    long index = db.forceConfigUpdate();
    out.line(
        "ForceConfigUpdate: the primary's snapshot is at index "
            + index
            + "; this peer discarded its configuration and restarts its database");
    PrintWriter err = spec.commandLine().getErr();
    ProgressLine progress = new ProgressLine(err, "receiving the primary's configuration");
    long deadline = System.nanoTime() + resyncTimeout.toNanos();
    boolean announced = false;
    while (System.nanoTime() < deadline) {
      ClusterStatus s;
      List<Alarm> alarms;
      try {
        s = db.clusterStatus();
        alarms = db.alarms();
      } catch (ClusterDbException e) {
        // Restarting: the peer answers again once its database runs.
        Thread.sleep(500);
        continue;
      }
      progress.entries(Math.min(s.appliedIndex(), index), index);
      if (s.appliedIndex() >= index && !announced) {
        err.println("verifying the tables' digest against the primary's");
        err.flush();
        announced = true;
      }
      boolean alarmed =
          alarms.stream().anyMatch(a -> a.active() && a.id() == REPLICATION_MANUAL_SYNC);
      if (s.appliedIndex() >= index && s.syncCheckedIndex() > index && !alarmed) {
        out.line(
            "ForceConfigUpdate: done; applied "
                + s.appliedIndex()
                + ", digest equal to the primary's at index "
                + s.syncCheckedIndex()
                + "; no replication alarm");
        return Main.OK;
      }
      Thread.sleep(500);
    }
    err.println(
        "ForceConfigUpdate: not verified within "
            + resyncTimeout
            + ": see the peer's clustering page (xstatus) and log");
    return Main.FAILED;
  }
}
