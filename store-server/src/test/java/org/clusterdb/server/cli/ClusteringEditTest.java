package org.clusterdb.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.server.cli.Main.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The options of 'clustering set', 'add-peer' and 'remove-peer': parsed, applied, checked. */
@Timeout(30)
class ClusteringEditTest {
  private static final PeerAddress P1 = new PeerAddress("p1", "10.0.0.1", 7001);
  private static final PeerAddress P2 = new PeerAddress("p2", "10.0.0.2", 7001);
  private static final PeerAddress P3 = new PeerAddress("p3", "fd00::3", 7001);
  private static final ClusteringSettings THREE =
      ClusteringSettings.of("c1.example.com", 2, List.of(P1, P2, P3));

  private static ClusteringEdit edit(
      String name,
      Integer primary,
      String tls,
      String ip,
      String peers,
      String mapping,
      List<String> map,
      boolean clear) {
    return ClusteringEdit.parse(name, primary, tls, ip, peers, mapping, map, clear);
  }

  private static ClusteringEdit peers(String peers) {
    return edit(null, null, null, null, peers, null, null, false);
  }

  @Test
  void noOptionsIsAnEmptyEditThatChangesNothing() {
    ClusteringEdit none = edit(null, null, null, null, null, null, null, false);

    assertThat(none.isEmpty()).isTrue();
    assertThat(none.apply(THREE)).isEqualTo(THREE);
    assertThat(edit(null, null, null, null, null, null, null, true).isEmpty()).isFalse();
  }

  @Test
  void everyOptionIsAppliedAndEnumsAreReadInAnyCase() {
    ClusteringSettings withMapping =
        new ClusteringSettings(
            THREE.name(),
            2,
            THREE.tlsMode(),
            THREE.ipVersion(),
            THREE.peers(),
            false,
            Map.of("old.example.com", "10.9.9.9"));

    ClusteringSettings s =
        edit(
                "c2.example.com",
                3,
                "Enforce",
                "IPv6",
                null,
                "ON",
                List.of("p3.example.com=fd00::3", "dns.example.com = 10.0.0.53"),
                true)
            .apply(withMapping);

    assertThat(s)
        .isEqualTo(
            new ClusteringSettings(
                "c2.example.com",
                3,
                ClusteringSettings.TlsMode.ENFORCE,
                ClusteringSettings.IpVersion.IPV6,
                THREE.peers(),
                true,
                Map.of("p3.example.com", "fd00::3", "dns.example.com", "10.0.0.53")));
    assertThat(
            edit(
                    null,
                    null,
                    "permissive",
                    "ipv4",
                    null,
                    "off",
                    List.of("a.example.com=1.2.3.4"),
                    false)
                .apply(withMapping)
                .mappings())
        .containsOnlyKeys("old.example.com", "a.example.com");
  }

  @Test
  void peersParseInOrderWithBracketedIpv6Hosts() {
    assertThat(ClusteringEdit.peers("p1=10.0.0.1:7001, p2=host.example.com:7002,p3=[fd00::3]:7003"))
        .containsExactly(
            P1,
            new PeerAddress("p2", "host.example.com", 7002),
            new PeerAddress("p3", "fd00::3", 7003));
    assertThat(ClusteringEdit.peers("")).isEmpty();
  }

  @Test
  void malformedOptionsNameTheOption() {
    assertThatThrownBy(() -> ClusteringEdit.peers("p1=10.0.0.1:7001,p2"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--peers: 'p2' is not id=host:port");
    assertThatThrownBy(() -> ClusteringEdit.peers("p1=10.0.0.1:70x1"))
        .hasMessage("--peers: 'p1=10.0.0.1:70x1': the port is not a number");
    assertThatThrownBy(() -> ClusteringEdit.peers("p1=fd00::1:7001"))
        .hasMessageContaining("--peers")
        .hasMessageContaining("brackets");
    assertThatThrownBy(() -> ClusteringEdit.peers("p1=10.0.0.1:7001,"))
        .hasMessage("--peers: '' is not id=host:port");
    assertThatThrownBy(() -> edit(null, null, "strict", null, null, null, null, false))
        .hasMessage("--tls-mode: 'strict' is not permissive or enforce");
    assertThatThrownBy(() -> edit(null, null, null, "v6", null, null, null, false))
        .hasMessage("--ip-version: 'v6' is not ipv4 or ipv6");
    assertThatThrownBy(() -> edit(null, null, null, null, null, "yes", null, false))
        .hasMessage("--address-mapping: 'yes' is not on or off");
    assertThatThrownBy(
            () -> edit(null, null, null, null, null, null, List.of("a.example.com"), false))
        .hasMessage("--map: 'a.example.com' is not FQDN=IP");
  }

  @Test
  void aNewPeerListKeepsThePrimaryOnItsPeer() {
    // p2 was primary at index 2; it moves to index 1.
    assertThat(peers("p2=10.0.0.2:7001,p1=10.0.0.1:7001").apply(THREE).primary()).isEqualTo(1);
    // p2 is gone: the index stays.
    assertThat(peers("p1=10.0.0.1:7001,p3=[fd00::3]:7001").apply(THREE).primary()).isEqualTo(2);
    // --primary wins.
    assertThat(
            edit(null, 1, null, null, "p2=10.0.0.2:7001,p1=10.0.0.1:7001", null, null, false)
                .apply(THREE)
                .primary())
        .isEqualTo(1);
  }

  @Test
  void anEmptyPeerListLeavesClusteringAndAFirstListStartsAtPrimaryOne() {
    ClusteringSettings left = peers("").apply(THREE);

    assertThat(left.peers()).isEmpty();
    assertThat(left.primary()).isZero();
    assertThat(left.problems()).isEmpty();
    assertThat(peers("p1=10.0.0.1:7001").apply(left).primary()).isEqualTo(1);
  }

  @Test
  void addPeerAppendsAndStartsAnEmptyListAtPrimaryOne() {
    PeerAddress p4 = new PeerAddress("p4", "10.0.0.4", 7001);

    assertThat(ClusteringEdit.addPeer(THREE, p4).peers()).containsExactly(P1, P2, P3, p4);
    assertThat(ClusteringEdit.addPeer(THREE, p4).primary()).isEqualTo(2);
    ClusteringSettings first = ClusteringEdit.addPeer(peers("").apply(THREE), P1);
    assertThat(first.peers()).containsExactly(P1);
    assertThat(first.primary()).isEqualTo(1);
  }

  @Test
  void removePeerMovesLaterPeersUpAndThePrimaryIndexWithThem() {
    ClusteringSettings primaryThree = THREE.withPrimary(3);

    assertThat(ClusteringEdit.removePeer(primaryThree, "p2").peers()).containsExactly(P1, P3);
    assertThat(ClusteringEdit.removePeer(primaryThree, "p2").primary()).isEqualTo(2);
    assertThat(ClusteringEdit.removePeer(THREE, "p3").primary()).isEqualTo(2);
    ClusteringSettings alone = ClusteringSettings.of("c1", 1, List.of(P1));
    assertThat(ClusteringEdit.removePeer(alone, "p1").peers()).isEmpty();
    assertThat(ClusteringEdit.removePeer(alone, "p1").primary()).isZero();
  }

  @Test
  void removePeerRefusesAnUnknownPeerAndThePrimary() {
    assertThatThrownBy(() -> ClusteringEdit.removePeer(THREE, "p9"))
        .isInstanceOf(UsageException.class)
        .hasMessage("peer: 'p9' is not in this peer's list (p1, p2, p3)");
    assertThatThrownBy(() -> ClusteringEdit.removePeer(THREE, "p2"))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("primary: peer 2 (p2) is the configuration primary");
  }

  @Test
  void checkedNamesEveryBadFieldAndRequiresThisPeerInTheList() {
    ClusteringSettings bad =
        edit("-bad", 4, null, null, null, null, List.of("x.example.com=not-an-ip"), false)
            .apply(THREE);

    assertThatThrownBy(() -> ClusteringEdit.checked(bad, "p1"))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("invalid clustering settings: name: ")
        .hasMessageContaining("primary: must be a peer index, 1 to 3, was 4")
        .hasMessageContaining("mappings[x.example.com]: 'not-an-ip' is not an IP address");
    assertThatThrownBy(() -> ClusteringEdit.checked(THREE, "p9"))
        .hasMessage(
            "invalid clustering settings: peers: must list this peer (p9), or be empty to leave"
                + " clustering");
    assertThatThrownBy(
            () ->
                ClusteringEdit.checked(
                    ClusteringEdit.addPeer(THREE, new PeerAddress("p1", "10.0.0.9", 7001)), "p1"))
        .hasMessageContaining("peers[4].id: duplicate id 'p1'");
    assertThat(ClusteringEdit.checked(THREE, "p1")).isEqualTo(THREE);
    assertThat(ClusteringEdit.checked(peers("").apply(THREE), "p1").peers()).isEmpty();
  }
}
