package org.clusterdb.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.client.MemberClusteringSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The clustering page's text: every field of the appliance's page, own beside cluster. */
@Timeout(30)
class ClusteringSettingsPageTest {
  private static final ClusteringSettings TWO =
      ClusteringSettings.of(
          "c1.example.com",
          1,
          List.of(new PeerAddress("p1", "10.0.0.1", 7001), new PeerAddress("p2", "fd00::2", 7001)));

  @Test
  void agreeingSettingsAreTwoEqualColumnsWithoutMarks() {
    List<String> lines =
        new ClusteringSettingsPage(new MemberClusteringSettings("p1", TWO, Optional.of(TWO)))
            .lines();

    assertThat(lines)
        .containsExactly(
            "Clustering settings of p1: its own, and the cluster's as its replica has them",
            "Field                  This peer          Cluster",
            "Cluster name           c1.example.com     c1.example.com",
            "Configuration primary  1 (p1)             1 (p1)",
            "TLS verification mode  Permissive         Permissive",
            "Cluster IP version     IPv4               IPv4",
            "Peer 1 address         p1=10.0.0.1:7001   p1=10.0.0.1:7001",
            "Peer 2 address         p2=[fd00::2]:7001  p2=[fd00::2]:7001",
            "Peer 3 address         -                  -",
            "Peer 4 address         -                  -",
            "Peer 5 address         -                  -",
            "Peer 6 address         -                  -",
            "Address mapping        Off                Off",
            "Mappings               none               none");
  }

  @Test
  void differencesAreMarkedAndMissingClusterSettingsExplained() {
    ClusteringSettings own =
        new ClusteringSettings(
            "c1.example.com",
            0,
            ClusteringSettings.TlsMode.ENFORCE,
            ClusteringSettings.IpVersion.IPV6,
            List.of(),
            true,
            Map.of("b.example.com", "10.0.0.2", "a.example.com", "10.0.0.1"));

    List<String> differing =
        new ClusteringSettingsPage(new MemberClusteringSettings("p1", own, Optional.of(TWO)))
            .lines();
    List<String> alone =
        new ClusteringSettingsPage(new MemberClusteringSettings("p1", TWO, Optional.empty()))
            .lines();

    assertThat(differing)
        .contains(
            "Configuration primary  none            1 (p1)  *",
            "TLS verification mode  Enforce         Permissive  *",
            "Peer 2 address         -               p2=[fd00::2]:7001  *",
            "Peer 3 address         -               -",
            "Mapping a.example.com  10.0.0.1        -  *",
            "Mapping b.example.com  10.0.0.2        -  *",
            "* this peer's own setting differs from the cluster's")
        .anySatisfy(l -> assertThat(l).startsWith("Cluster name ").doesNotEndWith("*"));
    assertThat(alone).noneMatch(l -> l.endsWith("*"));
    assertThat(alone.get(alone.size() - 1))
        .startsWith("The cluster's settings are not known to this peer yet");
  }
}
