package org.clusterdb.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusteringSettingsTest {
  private static final PeerAddress P1 = new PeerAddress("p1", "expc01.example.com", 7001);
  private static final PeerAddress P2 = new PeerAddress("p2", "expc02.example.com", 7001);
  private static final PeerAddress P3 = new PeerAddress("p3", "expc03.example.com", 7001);

  @Test
  void validSettingsHaveNoProblems() {
    ClusteringSettings s =
        new ClusteringSettings(
            "expc-cluster.example.com",
            2,
            ClusteringSettings.TlsMode.ENFORCE,
            ClusteringSettings.IpVersion.IPV4,
            List.of(P1, P2, P3),
            true,
            Map.of("expc01.example.com", "10.0.0.1", "expc02.example.com", "fd00::2"));
    assertThat(s.problems()).isEmpty();
    assertThat(s.primaryPeer()).contains(P2);
    assertThat(s.indexOf("p3")).isEqualTo(3);
    assertThat(s.indexOf("p9")).isZero();
  }

  @Test
  void everyProblemNamesItsField() {
    PeerAddress bad = new PeerAddress("bad id", "", 0);
    ClusteringSettings s =
        new ClusteringSettings(
            "not a name",
            4,
            ClusteringSettings.TlsMode.PERMISSIVE,
            ClusteringSettings.IpVersion.IPV4,
            List.of(P1, P1, bad),
            false,
            Map.of("host.example.com", "300.1.1.1"));
    assertThat(s.problems())
        .anyMatch(p -> p.startsWith("name:"))
        .anyMatch(p -> p.startsWith("primary:"))
        .anyMatch(p -> p.startsWith("peers[2].id: duplicate"))
        .anyMatch(p -> p.startsWith("peers[3].id:"))
        .anyMatch(p -> p.startsWith("peers[3].host:"))
        .anyMatch(p -> p.startsWith("peers[3].port:"))
        .anyMatch(p -> p.startsWith("mappings[host.example.com]:"));
    assertThatThrownBy(s::validate)
        .isInstanceOfSatisfying(
            ClusterDbException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.field()).contains("name");
            });
  }

  @Test
  void atMostSixPeersAndNoPeersMeansNoPrimary() {
    List<PeerAddress> seven =
        java.util.stream.IntStream.rangeClosed(1, 7)
            .mapToObj(i -> new PeerAddress("p" + i, "10.0.0." + i, 7001))
            .toList();
    assertThat(ClusteringSettings.of("c.example.com", 1, seven).problems())
        .anyMatch(p -> p.startsWith("peers: a cluster holds at most 6"));
    assertThat(ClusteringSettings.of("c.example.com", 0, List.of()).problems()).isEmpty();
    assertThat(ClusteringSettings.of("c.example.com", 1, List.of()).problems())
        .anyMatch(p -> p.startsWith("primary:"));
  }

  @Test
  void conflictsNameTheFieldsAJoiningPeerMustShare() {
    ClusteringSettings cluster = ClusteringSettings.of("c.example.com", 1, List.of(P1, P2));
    assertThat(cluster.conflicts(cluster.withPrimary(2))).isEmpty();
    assertThat(cluster.conflicts(ClusteringSettings.of("c.example.com", 1, List.of(P2, P1))))
        .containsExactly("peers");
    ClusteringSettings other =
        new ClusteringSettings(
            "d.example.com",
            1,
            ClusteringSettings.TlsMode.ENFORCE,
            ClusteringSettings.IpVersion.IPV6,
            List.of(P1, P2),
            false,
            Map.of());
    assertThat(cluster.conflicts(other)).containsExactly("name", "tlsMode", "ipVersion");
  }

  @Test
  void clearingThePeersClearsThePrimary() {
    ClusteringSettings s = ClusteringSettings.of("c.example.com", 2, List.of(P1, P2));
    assertThat(s.withPeers(List.of()).primary()).isZero();
    assertThat(s.withPeers(List.of(P1, P2, P3)).primary()).isEqualTo(2);
  }

  @Test
  void addressesOfTheOtherFamilyOrIpAddressesUnderEnforceAreInconsistent() {
    PeerAddress v4 = new PeerAddress("p1", "10.0.0.1", 7001);
    PeerAddress v6 = new PeerAddress("p2", "fd00::2", 7001);
    PeerAddress fqdn = new PeerAddress("p3", "expc03.example.com", 7001);
    assertThat(ClusteringSettings.of("c.example.com", 1, List.of(v4, fqdn)).inconsistencies())
        .isEmpty();
    assertThat(ClusteringSettings.of("c.example.com", 1, List.of(v4, v6)).inconsistencies())
        .containsExactly("peers[2].host: 'fd00::2' is an IPv6 address in an IPv4 cluster");
    ClusteringSettings enforce =
        new ClusteringSettings(
            "c.example.com",
            1,
            ClusteringSettings.TlsMode.ENFORCE,
            ClusteringSettings.IpVersion.IPV6,
            List.of(v4, v6, fqdn),
            false,
            Map.of());
    assertThat(enforce.inconsistencies())
        .hasSize(3)
        .anyMatch(p -> p.startsWith("peers[1].host: '10.0.0.1' is an IPv4 address"))
        .anyMatch(p -> p.startsWith("peers[2].host: 'fd00::2' is an IP address; TLS mode Enforce"));
  }

  @Test
  void suggestedMappingsMapPeersListedByNameToTheAddressTheyReportAndKeepTheRest() {
    ClusteringSettings s =
        new ClusteringSettings(
            "c.example.com",
            1,
            ClusteringSettings.TlsMode.PERMISSIVE,
            ClusteringSettings.IpVersion.IPV4,
            List.of(
                new PeerAddress("p1", "p1.example.com", 7001),
                new PeerAddress("p2", "10.0.0.2", 7001),
                new PeerAddress("p3", "p3.example.com", 7001)),
            false,
            Map.of("p1.example.com", "192.0.2.1", "other.example.com", "192.0.2.9"));

    ClusteringSettings suggested =
        s.withSuggestedMappings(Map.of("p1", "10.0.0.1", "p2", "10.0.0.2"));

    assertThat(suggested.addressMapping()).isTrue();
    // p1 from its report; p2 is named by address; p3 reported nothing; the other entry is kept.
    assertThat(suggested.mappings())
        .isEqualTo(Map.of("p1.example.com", "10.0.0.1", "other.example.com", "192.0.2.9"));
    assertThat(suggested.peers()).isEqualTo(s.peers());
    assertThat(suggested.problems()).isEmpty();
  }
}
