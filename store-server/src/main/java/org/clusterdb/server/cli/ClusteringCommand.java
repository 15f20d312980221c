package org.clusterdb.server.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.client.MemberClusteringSettings;
import org.clusterdb.proto.wire.WireCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code clusterdb clustering}: one peer's clustering settings beside the cluster's, as on the
 * appliance's System &gt; Clustering page; {@code set}, {@code add-peer} and {@code remove-peer}
 * change that peer's own settings.
 */
@Command(
    name = "clustering",
    mixinStandardHelpOptions = true,
    description = {
      "Show the clustering settings of the first endpoint's peer: its own, as its admin"
          + " saved them, beside the cluster's, as the primary saved them. A '*' marks a field in"
          + " which they differ.",
      "Only the first endpoint is used: these are one peer's settings. The subcommands change"
          + " that peer's own settings."
    },
    subcommands = {
      ClusteringCommand.SetFields.class,
      ClusteringCommand.AddPeer.class,
      ClusteringCommand.RemovePeer.class,
      ClusteringCommand.SuggestMappings.class
    })
final class ClusteringCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (ClusterDbClient db = client.connectFirst()) {
      print(spec, client, db.clusteringSettings());
    }
    return Main.OK;
  }

  static void print(CommandSpec spec, ClientOptions client, MemberClusteringSettings s) {
    Output out = new Output(spec.commandLine().getOut(), client.json);
    if (out.json()) {
      out.message(WireCodec.clusteringSettingsResponse(null, s.memberId(), s.own(), s.cluster()));
    } else {
      new ClusteringSettingsPage(s).lines().forEach(out::line);
    }
  }

  /**
   * Reads the peer's own settings, changes them, checks them, saves them on that same peer and
   * prints the result.
   */
  static int edit(
      CommandSpec spec, ClientOptions client, UnaryOperator<ClusteringSettings> change) {
    return edit(spec, client, change, false);
  }

  /** As above; {@code force} saves a switch to Enforce whatever the peers' certificates. */
  static int edit(
      CommandSpec spec,
      ClientOptions client,
      UnaryOperator<ClusteringSettings> change,
      boolean force) {
    try (ClusterDbClient db = client.connectFirst()) {
      MemberClusteringSettings read = db.clusteringSettings();
      ClusteringSettings updated =
          ClusteringEdit.checked(change.apply(read.own()), read.memberId());
      // Named member: if the client failed over since the read, another peer refuses these.
      ClusteringSettings saved = db.saveClusteringSettings(read.memberId(), updated, force);
      MemberClusteringSettings after = db.clusteringSettings();
      print(
          spec,
          client,
          after.memberId().equals(read.memberId())
              ? after
              : new MemberClusteringSettings(read.memberId(), saved, read.cluster()));
    }
    return Main.OK;
  }

  /** {@code clusterdb clustering set}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Change fields of the first endpoint's peer's own clustering settings (read,"
            + " change, save on that same peer), then show them as 'clustering' does.",
        "On the primary, the saved settings become the cluster's: peers added to the list are"
            + " admitted once they ask to join, peers taken off it are removed. On another peer"
            + " they must agree with the cluster's. An empty --peers '' leaves clustering.",
        "A new --peers list keeps the primary on the same peer if it is still listed, unless"
            + " --primary says otherwise."
      })
  static final class SetFields implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Spec CommandSpec spec;

    @Option(names = "--name", paramLabel = "FQDN", description = "The cluster's name.")
    String name;

    @Option(
        names = "--primary",
        paramLabel = "N",
        description = "The configuration primary: a 1-based index into the peer list.")
    Integer primary;

    @Option(
        names = "--tls-mode",
        paramLabel = "permissive|enforce",
        description = "TLS verification mode between peers.")
    String tlsMode;

    @Option(names = "--ip-version", paramLabel = "ipv4|ipv6", description = "Cluster IP version.")
    String ipVersion;

    @Option(
        names = "--peers",
        paramLabel = "ID=HOST:PORT,...",
        description =
            "Every peer, in order, replacing the list (Peer 1 first); PORT is the Raft port, IPv6"
                + " hosts in brackets. '' clears the list: this peer leaves clustering.")
    String peers;

    @Option(
        names = "--address-mapping",
        paramLabel = "on|off",
        description = "Whether the mappings are consulted before DNS.")
    String addressMapping;

    @Option(
        names = "--map",
        paramLabel = "FQDN=IP",
        description = "Add or replace one address mapping; repeatable.")
    List<String> map;

    @Option(
        names = "--clear-mappings",
        description = "Remove every address mapping (before any --map is added).")
    boolean clearMappings;

    @Option(
        names = "--force",
        description =
            "With --tls-mode enforce: save even though some peers' certificates are invalid;"
                + " Enforce will refuse those peers after the restart.")
    boolean force;

    @Override
    public Integer call() {
      ClusteringEdit edit =
          ClusteringEdit.parse(
              name, primary, tlsMode, ipVersion, peers, addressMapping, map, clearMappings);
      if (edit.isEmpty()) {
        throw new Main.UsageException(
            "nothing to change: give at least one of --name, --primary, --tls-mode, --ip-version,"
                + " --peers, --address-mapping, --map, --clear-mappings");
      }
      return edit(spec, client, edit::apply, force);
    }
  }

  /** {@code clusterdb clustering suggest-mappings}. */
  @Command(
      name = "suggest-mappings",
      mixinStandardHelpOptions = true,
      description = {
        "Suggest cluster address mappings from the peers' own reported addresses, as the"
            + " appliance's 'Suggest mappings based on system information': ask every endpoint's"
            + " peer for the IP address it listens on, and map each peer that the first"
            + " endpoint's peer lists by FQDN to its own address. Existing mappings are kept.",
        "Prints the suggested mappings as FQDN=IP lines. --save turns the address mapping on"
            + " and saves them in the first endpoint's peer's own settings; save on the primary,"
            + " from which they replicate."
      })
  static final class SuggestMappings implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Spec CommandSpec spec;

    @Option(
        names = "--save",
        description = "Save the suggestion on the first endpoint's peer, then show its settings.")
    boolean save;

    @Override
    public Integer call() {
      Map<String, String> reported = reportedAddresses();
      if (save) {
        return edit(spec, client, s -> s.withSuggestedMappings(reported));
      }
      try (ClusterDbClient db = client.connectFirst()) {
        ClusteringSettings suggested =
            db.clusteringSettings().own().withSuggestedMappings(reported);
        Output out = new Output(spec.commandLine().getOut(), client.json);
        if (out.json()) {
          out.message(WireCodec.clusteringSettings(suggested));
        } else {
          suggested.sortedMappings().forEach((fqdn, ip) -> out.line(fqdn + "=" + ip));
        }
      }
      return Main.OK;
    }

    /** Member id to the address that member reports of itself; unreachable peers are skipped. */
    private Map<String, String> reportedAddresses() {
      Map<String, String> reported = new LinkedHashMap<>();
      for (String endpoint : client.endpoints()) {
        try (ClusterDbClient db =
            ClusterDbClient.builder()
                .endpoints(List.of(endpoint))
                .requestTimeout(client.timeout)
                .build()) {
          MemberClusteringSettings s = db.clusteringSettings();
          s.listenAddress().ifPresent(a -> reported.put(s.memberId(), a));
        } catch (ClusterDbException e) {
          spec.commandLine()
              .getErr()
              .println("endpoint " + endpoint + ": no address reported: " + e.getMessage());
        }
      }
      return reported;
    }
  }

  /** {@code clusterdb clustering add-peer ID=HOST:PORT}. */
  @Command(
      name = "add-peer",
      mixinStandardHelpOptions = true,
      description =
          "Add a peer in the first empty slot of the first endpoint's peer's own peer"
              + " list, then show the settings as 'clustering' does. Run it on the primary to"
              + " admit the peer, then on every other peer.")
  static final class AddPeer implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "ID=HOST:PORT",
        description = "The new peer: member id, host and Raft port; IPv6 hosts in brackets.")
    String peer;

    @Override
    public Integer call() {
      var address = ClusteringEdit.peer("peer", peer);
      return edit(spec, client, s -> ClusteringEdit.addPeer(s, address));
    }
  }

  /** {@code clusterdb clustering remove-peer ID}. */
  @Command(
      name = "remove-peer",
      mixinStandardHelpOptions = true,
      description =
          "Remove a peer from the first endpoint's peer's own peer list (the peers after"
              + " it move up a slot, the primary index follows its peer), then show the settings"
              + " as 'clustering' does. Run it on the primary to remove the peer from the cluster,"
              + " then on every other peer.")
  static final class RemovePeer implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The member id of the peer.")
    String id;

    @Override
    public Integer call() {
      return edit(spec, client, s -> ClusteringEdit.removePeer(s, id));
    }
  }
}
