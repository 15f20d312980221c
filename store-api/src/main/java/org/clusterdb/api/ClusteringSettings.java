package org.clusterdb.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The clustering settings of the appliance's System &gt; Clustering page. Each peer keeps its own
 * copy, as its admin entered it; the cluster keeps the primary's copy, replicated. A peer takes
 * part only while its own copy {@linkplain #conflicts agrees} with the cluster's.
 *
 * @param name the cluster's name, an FQDN
 * @param primary the configuration primary: a 1-based index into {@code peers}; 0 only when {@code
 *     peers} is empty
 * @param tlsMode how peers verify each other's certificates
 * @param ipVersion the address family peers talk over
 * @param peers every peer, in the admin's order; at most {@link #MAX_PEERS}. Empty means this peer
 *     leaves clustering, and is reset to factory settings at its next restart
 * @param addressMapping whether {@code mappings} is consulted before DNS
 * @param mappings FQDN to IP address, consulted before DNS when {@code addressMapping} is on
 */
public record ClusteringSettings(
    String name,
    int primary,
    TlsMode tlsMode,
    IpVersion ipVersion,
    List<PeerAddress> peers,
    boolean addressMapping,
    Map<String, String> mappings) {

  /** The appliance's clusters hold at most six peers. */
  public static final int MAX_PEERS = 6;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}");
  private static final Pattern MEMBER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");

  /** Whether peers verify each other's certificates on the intra-cluster TLS connections. */
  public enum TlsMode {
    /** Certificates are not verified (the appliance's default). */
    PERMISSIVE,
    /** A peer's certificate must be valid and name the peer's FQDN. */
    ENFORCE
  }

  /** The address family of the cluster's peer addresses. */
  public enum IpVersion {
    IPV4,
    IPV6
  }

  public ClusteringSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tlsMode, "tlsMode");
    Objects.requireNonNull(ipVersion, "ipVersion");
    peers = List.copyOf(peers);
    mappings = Map.copyOf(mappings);
  }

  /** Every problem with these settings, each naming its field; empty when valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (!NAME.matcher(name).matches()) {
      p.add("name: must be an FQDN of letters, digits, '.' and '-', was '" + name + "'");
    }
    if (peers.size() > MAX_PEERS) {
      p.add("peers: a cluster holds at most " + MAX_PEERS + " peers, got " + peers.size());
    }
    if (peers.isEmpty() ? primary != 0 : primary < 1 || primary > peers.size()) {
      p.add(
          "primary: must be a peer index, 1 to "
              + peers.size()
              + (peers.isEmpty() ? " (0 with no peers)" : "")
              + ", was "
              + primary);
    }
    Set<String> ids = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    for (int i = 0; i < peers.size(); i++) {
      PeerAddress peer = peers.get(i);
      String f = "peers[" + (i + 1) + "]";
      if (!MEMBER_ID.matcher(peer.id()).matches()) {
        p.add(f + ".id: must match " + MEMBER_ID.pattern() + ", was '" + peer.id() + "'");
      }
      if (!ids.add(peer.id())) {
        p.add(f + ".id: duplicate id '" + peer.id() + "'");
      }
      if (peer.host().isBlank()) {
        p.add(f + ".host: must not be empty");
      }
      if (peer.port() < 1 || peer.port() > 65535) {
        p.add(f + ".port: must be 1..65535, was " + peer.port());
      }
      if (!addresses.add(peer.address())) {
        p.add(f + ": duplicate address " + peer.address());
      }
    }
    p.addAll(mappingProblems(mappings));
    return p;
  }

  /** Every problem with address {@code mappings} (FQDN to IP), each naming its field. */
  public static List<String> mappingProblems(Map<String, String> mappings) {
    List<String> p = new ArrayList<>();
    for (Map.Entry<String, String> m : new java.util.TreeMap<>(mappings).entrySet()) {
      if (!NAME.matcher(m.getKey()).matches()) {
        p.add("mappings: '" + m.getKey() + "' is not an FQDN");
      }
      if (!isIpLiteral(m.getValue())) {
        p.add("mappings[" + m.getKey() + "]: '" + m.getValue() + "' is not an IP address");
      }
    }
    return p;
  }

  /**
   * What makes these settings unusable although each field is well formed: a peer address of the
   * other IP version, or an IP address where {@link TlsMode#ENFORCE} needs an FQDN to match a
   * certificate. Saved all the same (an admin may be midway through a change); a peer raises
   * "Invalid clustering configuration" while any remain.
   */
  public List<String> inconsistencies() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < peers.size(); i++) {
      String host = peers.get(i).host();
      String f = "peers[" + (i + 1) + "].host";
      boolean v4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
      boolean v6 = host.contains(":");
      if (ipVersion == IpVersion.IPV4 && v6) {
        out.add(f + ": '" + host + "' is an IPv6 address in an IPv4 cluster");
      }
      if (ipVersion == IpVersion.IPV6 && v4) {
        out.add(f + ": '" + host + "' is an IPv4 address in an IPv6 cluster");
      }
      if (tlsMode == TlsMode.ENFORCE && (v4 || v6)) {
        out.add(f + ": '" + host + "' is an IP address; TLS mode Enforce needs the peer's FQDN");
      }
    }
    return out;
  }

  /** Throws {@link ErrorCode#INVALID_ARGUMENT} naming every problem. */
  public ClusteringSettings validate() {
    List<String> p = problems();
    if (!p.isEmpty()) {
      String field = p.get(0).split("[:.\\[]", 2)[0];
      throw new ClusterDbException(
          ErrorCode.INVALID_ARGUMENT,
          "invalid clustering settings: " + String.join("; ", p),
          field,
          true,
          null);
    }
    return this;
  }

  /** The configuration primary's address; empty when there are no peers. */
  public java.util.Optional<PeerAddress> primaryPeer() {
    return primary >= 1 && primary <= peers.size()
        ? java.util.Optional.of(peers.get(primary - 1))
        : java.util.Optional.empty();
  }

  /** The 1-based index of {@code memberId} in the peer list; 0 when it is not listed. */
  public int indexOf(String memberId) {
    for (int i = 0; i < peers.size(); i++) {
      if (peers.get(i).id().equals(memberId)) {
        return i + 1;
      }
    }
    return 0;
  }

  /**
   * The fields, other than the primary, in which {@code other} differs from these settings: the
   * ones a joining peer must share with the cluster. Empty when the two agree.
   */
  public List<String> conflicts(ClusteringSettings other) {
    List<String> d = new ArrayList<>();
    if (!name.equals(other.name)) {
      d.add("name");
    }
    if (tlsMode != other.tlsMode) {
      d.add("tlsMode");
    }
    if (ipVersion != other.ipVersion) {
      d.add("ipVersion");
    }
    if (!peers.equals(other.peers)) {
      d.add("peers");
    }
    return d;
  }

  /** A copy naming {@code index} configuration primary. */
  public ClusteringSettings withPrimary(int index) {
    return new ClusteringSettings(name, index, tlsMode, ipVersion, peers, addressMapping, mappings);
  }

  /** A copy with TLS verification mode {@code mode}. */
  public ClusteringSettings withTlsMode(TlsMode mode) {
    return new ClusteringSettings(name, primary, mode, ipVersion, peers, addressMapping, mappings);
  }

  /** A copy with {@code peers}; the primary index is kept. */
  public ClusteringSettings withPeers(List<PeerAddress> newPeers) {
    return new ClusteringSettings(
        name,
        newPeers.isEmpty() ? 0 : primary,
        tlsMode,
        ipVersion,
        newPeers,
        addressMapping,
        mappings);
  }

  /** Settings for a cluster of the given peers, with the appliance's defaults elsewhere. */
  public static ClusteringSettings of(String name, int primary, List<PeerAddress> peers) {
    return new ClusteringSettings(
        name, primary, TlsMode.PERMISSIVE, IpVersion.IPV4, peers, false, Map.of());
  }

  /**
   * What "Suggest mappings based on system information" fills in, for the admin to check and save:
   * a copy with the address mapping on and, for every listed peer named by a host name rather than
   * an IP address whose own address is in {@code reported}, a mapping from that name to that
   * address. Other mappings are kept; a reported address replaces the mapping of its peer's name.
   *
   * @param reported member id to the IP address that peer reports of itself (the address its Raft
   *     server listens on)
   */
  public ClusteringSettings withSuggestedMappings(Map<String, String> reported) {
    Map<String, String> suggested = new LinkedHashMap<>(mappings);
    for (PeerAddress p : peers) {
      String address = reported.get(p.id());
      if (address != null && !isIpLiteral(p.host())) {
        suggested.put(p.host(), address);
      }
    }
    return new ClusteringSettings(name, primary, tlsMode, ipVersion, peers, true, suggested);
  }

  /** {@code mappings} in a stable order, for display. */
  public Map<String, String> sortedMappings() {
    Map<String, String> sorted = new LinkedHashMap<>();
    mappings.keySet().stream().sorted().forEach(k -> sorted.put(k, mappings.get(k)));
    return sorted;
  }

  private static boolean isIpLiteral(String s) {
    if (s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      for (String part : s.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return false;
        }
      }
      return true;
    }
    return s.contains(":") && s.matches("[0-9A-Fa-f:.]+");
  }
}
