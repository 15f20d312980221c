package org.clusterdb.server.cli;

import java.util.concurrent.Callable;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.wire.WireCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code clusterdb primary [INDEX]}: shows, or sets, the configuration primary on one peer, as the
 * seed's "change the primary" procedure does on each peer's clustering page.
 */
@Command(
    name = "primary",
    mixinStandardHelpOptions = true,
    description = {
      "Show the configuration primary as the first endpoint's peer sees it, or set that peer's own"
          + " setting to INDEX (1-based, as in the peer list).",
      "To change the primary, run it on the new primary first (this changes the cluster's primary"
          + " too, which needs a majority of peers but not the old primary), then on every other"
          + " peer. Until a peer's setting agrees with the cluster's, it raises 'Cluster primary"
          + " mismatch'."
    })
final class PrimaryCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "INDEX",
      description = "The new configuration primary's 1-based index in the peer list.")
  Integer index;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Output out = new Output(spec.commandLine().getOut(), client.json);
    try (ClusterDbClient db = client.connect()) {
      if (index != null) {
        db.setPrimary(index);
      }
      ClusterStatus s = db.clusterStatus();
      if (out.json()) {
        out.message(WireCodec.clusterStatus(null, s));
      } else {
        out.line(
            "Configuration primary: peer "
                + s.primary()
                + " ("
                + s.primaryId()
                + "); this peer's ("
                + s.memberId()
                + ") own setting: peer "
                + s.ownPrimary());
        if (index != null && s.ownPrimary() != index) {
          // The status is the monitor's last round, taken before the change.
          out.line("Setting saved: peer " + index + "; the status catches up within seconds.");
        }
      }
    }
    return Main.OK;
  }
}
