package org.clusterdb.server.cli;

import org.clusterdb.client.AuthStatus;
import org.clusterdb.client.ClusterDbClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code clusterdb auth enable|disable|status}: whether the cluster requires accounts. */
@Command(
    name = "auth",
    mixinStandardHelpOptions = true,
    description = {
      "Turn client authentication on or off for the whole cluster, or show it.",
      "Create an admin account first (clusterdb account add NAME --role admin); once on, every"
          + " call but health checks needs --user and a password, or in TLS mode Enforce a client"
          + " certificate (--cert, --key) whose Common Name is an account."
    })
final class AuthCommand {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Require accounts.")
  int enable(@Mixin ClientOptions client) {
    return set(client, true);
  }

  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description = "Stop requiring accounts: every client may do everything.")
  int disable(@Mixin ClientOptions client) {
    return set(client, false);
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Whether accounts are required, and who this client is.")
  int status(@Mixin ClientOptions client) {
    try (ClusterDbClient db = client.connect()) {
      AuthStatus s = db.authStatus(false);
      Output out = new Output(spec.commandLine().getOut(), false);
      out.line("Authentication: " + (s.enabled() ? "On" : "Off"));
      out.line(
          "Calling as: "
              + s.caller()
                  .map(
                      a ->
                          a.name()
                              + " ("
                              + AccountCommand.label(a.role())
                              + ", by "
                              + s.authenticatedBy()
                              + ")")
                  .orElse("nobody"));
    }
    return Main.OK;
  }

  private int set(ClientOptions client, boolean enabled) {
    try (ClusterDbClient db = client.connect()) {
      db.setAuthEnabled(enabled);
      new Output(spec.commandLine().getOut(), false)
          .line("Authentication: " + (enabled ? "On" : "Off"));
    }
    return Main.OK;
  }
}
