package org.clusterdb.server.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.server.cli.Main.UsageException;

/**
 * A change to a peer's own clustering settings, as {@code clusterdb clustering set} options state
 * it: parsed before connecting, applied to the settings read from the peer, and checked before they
 * are saved. Every problem is a {@link UsageException} naming the option or settings field.
 * Immutable.
 *
 * @param peers the new ordered peer list; an empty list leaves clustering
 * @param clearMappings drop every mapping before {@code map} is added
 * @param map mappings to add or replace, FQDN to IP address
 */
record ClusteringEdit(
    Optional<String> name,
    OptionalInt primary,
    Optional<ClusteringSettings.TlsMode> tlsMode,
    Optional<ClusteringSettings.IpVersion> ipVersion,
    Optional<List<PeerAddress>> peers,
    Optional<Boolean> addressMapping,
    boolean clearMappings,
    Map<String, String> map) {

  ClusteringEdit {
    peers = peers.map(List::copyOf);
    map = Map.copyOf(map);
  }

  /**
   * The edit the options state; null for options not given.
   *
   * @throws UsageException naming the first malformed option
   */
  static ClusteringEdit parse(
      String name,
      Integer primary,
      String tlsMode,
      String ipVersion,
      String peers,
      String addressMapping,
      List<String> map,
      boolean clearMappings) {
    Map<String, String> mappings = new LinkedHashMap<>();
    for (String m : map == null ? List.<String>of() : map) {
      int eq = m.indexOf('=');
      if (eq <= 0 || eq == m.length() - 1) {
        throw new UsageException("--map: '" + m + "' is not FQDN=IP");
      }
      mappings.put(m.substring(0, eq).trim(), m.substring(eq + 1).trim());
    }
    return new ClusteringEdit(
        Optional.ofNullable(name),
        primary == null ? OptionalInt.empty() : OptionalInt.of(primary),
        Optional.ofNullable(tlsMode).map(ClusteringEdit::tlsMode),
        Optional.ofNullable(ipVersion).map(ClusteringEdit::ipVersion),
        Optional.ofNullable(peers).map(ClusteringEdit::peers),
        Optional.ofNullable(addressMapping).map(ClusteringEdit::onOff),
        clearMappings,
        mappings);
  }

  /** Whether the edit changes nothing. */
  boolean isEmpty() {
    return name.isEmpty()
        && primary.isEmpty()
        && tlsMode.isEmpty()
        && ipVersion.isEmpty()
        && peers.isEmpty()
        && addressMapping.isEmpty()
        && !clearMappings
        && map.isEmpty();
  }

  /**
   * {@code current} with this edit. A new peer list keeps the primary on the same peer when that
   * peer is still listed (else the same index, or 1 if there was none) unless {@code primary} names
   * one; an empty list means primary 0.
   */
  ClusteringSettings apply(ClusteringSettings current) {
    List<PeerAddress> newPeers = peers.orElse(current.peers());
    int newPrimary;
    if (primary.isPresent()) {
      newPrimary = primary.getAsInt();
    } else if (newPeers.isEmpty()) {
      newPrimary = 0;
    } else if (peers.isPresent()) {
      int same = current.primaryPeer().map(p -> indexOf(newPeers, p.id())).orElse(0);
      newPrimary = same > 0 ? same : Math.max(1, current.primary());
    } else {
      newPrimary = current.primary();
    }
    Map<String, String> mappings =
        new LinkedHashMap<>(clearMappings ? Map.of() : current.mappings());
    mappings.putAll(map);
    return new ClusteringSettings(
        name.orElse(current.name()),
        newPrimary,
        tlsMode.orElse(current.tlsMode()),
        ipVersion.orElse(current.ipVersion()),
        newPeers,
        addressMapping.orElse(current.addressMapping()),
        mappings);
  }

  /** {@code current} with {@code peer} after the last listed one; primary 1 if it had no peers. */
  static ClusteringSettings addPeer(ClusteringSettings current, PeerAddress peer) {
    List<PeerAddress> peers = new ArrayList<>(current.peers());
    peers.add(peer);
    return current.withPeers(peers).withPrimary(current.peers().isEmpty() ? 1 : current.primary());
  }

  /**
   * {@code current} without peer {@code id}; the primary index follows its peer.
   *
   * @throws UsageException if {@code id} is not listed, or is the primary of a list it does not end
   */
  static ClusteringSettings removePeer(ClusteringSettings current, String id) {
    int index = current.indexOf(id);
    if (index == 0) {
      throw new UsageException(
          "peer: '"
              + id
              + "' is not in this peer's list ("
              + String.join(", ", current.peers().stream().map(PeerAddress::id).toList())
              + ")");
    }
    if (index == current.primary() && current.peers().size() > 1) {
      throw new UsageException(
          "primary: peer "
              + index
              + " ("
              + id
              + ") is the configuration primary; name another first with"
              + " 'clusterdb clustering set --primary N'");
    }
    List<PeerAddress> peers = new ArrayList<>(current.peers());
    peers.remove(index - 1);
    int primary = peers.isEmpty() ? 0 : current.primary() - (index < current.primary() ? 1 : 0);
    return current.withPeers(peers).withPrimary(primary);
  }

  /**
   * {@code settings} if a peer would save them as {@code memberId}'s own.
   *
   * @throws UsageException listing every problem, each naming its field
   */
  static ClusteringSettings checked(ClusteringSettings settings, String memberId) {
    List<String> problems = new ArrayList<>(settings.problems());
    if (!settings.peers().isEmpty() && settings.indexOf(memberId) == 0) {
      problems.add(
          "peers: must list this peer (" + memberId + "), or be empty to leave clustering");
    }
    if (!problems.isEmpty()) {
      throw new UsageException("invalid clustering settings: " + String.join("; ", problems));
    }
    return settings;
  }

  /**
   * {@code id=host:port[,id=host:port...]}; IPv6 hosts in brackets. Empty means no peers.
   *
   * @throws UsageException naming {@code --peers} and the bad item
   */
  static List<PeerAddress> peers(String list) {
    List<PeerAddress> peers = new ArrayList<>();
    if (list.isBlank()) {
      return peers;
    }
    for (String item : list.split(",", -1)) {
      peers.add(peer("--peers", item.trim()));
    }
    return peers;
  }

  /**
   * One {@code id=host:port}; IPv6 hosts in brackets, as in {@code p2=[fd00::2]:7001}.
   *
   * @throws UsageException naming {@code option}
   */
  static PeerAddress peer(String option, String text) {
    String bad = option + ": '" + text + "' is not id=host:port";
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new UsageException(bad);
    }
    String id = text.substring(0, eq).trim();
    String address = text.substring(eq + 1).trim();
    String host;
    String port;
    if (address.startsWith("[")) {
      int close = address.indexOf("]:");
      if (close < 0) {
        throw new UsageException(bad);
      }
      host = address.substring(1, close);
      port = address.substring(close + 2);
    } else {
      int colon = address.lastIndexOf(':');
      if (colon <= 0) {
        throw new UsageException(bad);
      }
      host = address.substring(0, colon);
      port = address.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw new UsageException(
            option + ": '" + text + "': write an IPv6 host in brackets, as in id=[fd00::1]:7001");
      }
    }
    try {
      return new PeerAddress(id, host, Integer.parseInt(port));
    } catch (NumberFormatException e) {
      throw new UsageException(option + ": '" + text + "': the port is not a number");
    }
  }

  static ClusteringSettings.TlsMode tlsMode(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "permissive" -> ClusteringSettings.TlsMode.PERMISSIVE;
      case "enforce" -> ClusteringSettings.TlsMode.ENFORCE;
      default ->
          throw new UsageException("--tls-mode: '" + text + "' is not permissive or enforce");
    };
  }

  static ClusteringSettings.IpVersion ipVersion(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "ipv4" -> ClusteringSettings.IpVersion.IPV4;
      case "ipv6" -> ClusteringSettings.IpVersion.IPV6;
      default -> throw new UsageException("--ip-version: '" + text + "' is not ipv4 or ipv6");
    };
  }

  private static boolean onOff(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new UsageException("--address-mapping: '" + text + "' is not on or off");
    };
  }

  private static int indexOf(List<PeerAddress> peers, String id) {
    for (int i = 0; i < peers.size(); i++) {
      if (peers.get(i).id().equals(id)) {
        return i + 1;
      }
    }
    return 0;
  }
}
