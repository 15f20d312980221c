package org.clusterdb.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.PeerAddress;
import org.junit.jupiter.api.Test;

class RestartRequiredTest {
  private static final PeerAddress P1 = new PeerAddress("p1", "10.0.0.1", 7001);
  private static final PeerAddress P2 = new PeerAddress("p2", "10.0.0.2", 7001);
  private static final PeerAddress P3 = new PeerAddress("p3", "10.0.0.3", 7001);
  private static final ClusteringSettings TWO =
      ClusteringSettings.of("c.example.com", 1, List.of(P1, P2));

  @Test
  void thePrimaryOfAFormedClusterAddsAndRemovesPeersLive() {
    assertThat(MembershipManager.restartRequired(TWO.withPeers(List.of(P1, P2, P3)), TWO, "p1"))
        .isFalse();
    assertThat(MembershipManager.restartRequired(TWO.withPeers(List.of(P1)), TWO, "p1")).isFalse();
  }

  @Test
  void aSubordinatesNewPeerListNeedsARestart() {
    assertThat(MembershipManager.restartRequired(TWO.withPeers(List.of(P1, P2, P3)), TWO, "p2"))
        .isTrue();
  }

  @Test
  void thePrimaryGrowsAClusterOfOneLiveButLeavingClusteringNeedsARestart() {
    ClusteringSettings one = ClusteringSettings.of("c.example.com", 1, List.of(P1));
    assertThat(MembershipManager.restartRequired(TWO, one, "p1")).isFalse();
    assertThat(MembershipManager.restartRequired(TWO.withPeers(List.of()), TWO, "p1")).isTrue();
  }

  @Test
  void nameTlsAndIpVersionNeedARestartAndUnchangedSettingsDoNot() {
    assertThat(MembershipManager.restartRequired(TWO, TWO, "p2")).isFalse();
    assertThat(
            MembershipManager.restartRequired(
                new ClusteringSettings(
                    "c.example.com",
                    1,
                    ClusteringSettings.TlsMode.ENFORCE,
                    ClusteringSettings.IpVersion.IPV4,
                    TWO.peers(),
                    false,
                    java.util.Map.of()),
                TWO,
                "p1"))
        .isTrue();
    assertThat(
            MembershipManager.restartRequired(
                ClusteringSettings.of("d.example.com", 1, TWO.peers()), TWO, "p1"))
        .isTrue();
  }
}
