package org.clusterdb.server.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.api.v1.ForceSystemKeyUpdateResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
          + " not be written gets it back and serves sensitive values again."
    })
final class XCommandCommand implements Callable<Integer> {
  static final String FORCE_SYSTEM_KEY_UPDATE = "ForceSystemKeyUpdate";

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "NAME", description = "The command: ForceSystemKeyUpdate.")
  String name;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (!FORCE_SYSTEM_KEY_UPDATE.equalsIgnoreCase(name)) {
      throw new ParameterException(
          spec.commandLine(),
          "unknown xcommand '" + name + "': the one known is " + FORCE_SYSTEM_KEY_UPDATE);
    }
    Output out = new Output(spec.commandLine().getOut(), client.json);
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
}
