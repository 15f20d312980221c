package org.clusterdb.examples.appliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.api.UsageReport;
import org.clusterdb.core.MiniCluster;
import org.clusterdb.core.config.ClusterDbConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three appliance peers, each embedding a real clusterdb member on loopback. */
@Timeout(120)
class AppliancePeerTest {
  @TempDir Path dir;

  private final List<AppliancePeer> peers = new ArrayList<>();

  @AfterEach
  void stop() {
    peers.forEach(AppliancePeer::close);
  }

  @Test
  void zonesAndRulesMadeOnThePrimaryReachEveryPeersRoutingView() throws Exception {
    startAll();
    AppliancePeer primary = peers.get(0);
    await().atMost(Duration.ofSeconds(30)).until(primary::isPrimary);
    primary.putZone("edge.example.com", "traversal");
    primary.putZone("dmz.example.com", "neighbor");
    primary.putSearchRule(
        new SearchRule("to-edge", 10, "sip:.*@edge\\.example\\.com", "edge.example.com"));

    for (AppliancePeer p : peers) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(p.zones())
                    .containsEntry("edge.example.com", "traversal")
                    .containsEntry("dmz.example.com", "neighbor");
                assertThat(p.route("sip:alice@edge.example.com")).contains("edge.example.com");
              });
      assertThat(p.route("sip:bob@elsewhere.example.com")).isEmpty();
    }

    primary.deleteZone("dmz.example.com");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !peers.get(2).zones().containsKey("dmz.example.com"));
    assertThat(peers.get(2).reloads()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void subordinatesRefuseConfigurationAndKeepTheirOwnLanSettings() throws Exception {
    startAll();
    await().atMost(Duration.ofSeconds(30)).until(peers.get(0)::isPrimary);
    assertThatThrownBy(() -> peers.get(1).putZone("x.example.com", "neighbor"))
        .isInstanceOfSatisfying(
            ClusterDbException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains("configuration primary, peer 1 (p1)");
            });

    peers.get(0).setLan("ipv4.address", "10.15.13.15");
    peers.get(1).setLan("ipv4.address", "10.15.13.16");
    assertThat(peers.get(0).lan("ipv4.address")).contains("10.15.13.15");
    assertThat(peers.get(1).lan("ipv4.address")).contains("10.15.13.16");
    assertThat(peers.get(2).lan("ipv4.address")).isEmpty();
  }

  @Test
  void theClusteringPageShowsEveryPeerAndTheDatabase() throws Exception {
    startAll();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(peers.get(1).clusteringPage())
                    .contains("Configuration primary: peer 1 (p1)", "Cluster database: Active")
                    .anyMatch(l -> l.startsWith("Peer 1 address") && l.contains("Active as p1"))
                    .anyMatch(l -> l.startsWith("Peer 2 address") && l.endsWith("This system")));
  }

  /**
   * Each peer holds four room registration licences: twelve for the cluster, while all three live.
   * Endpoints register on every peer; the thirteenth is refused. When a peer dies its endpoints and
   * licences leave together and the others refuse its endpoints; when it returns they come back.
   */
  @Test
  void registrationsArePooledAndTheTotalsStayRightWhilePeersDieAndReturn() throws Exception {
    List<ClusterDbConfig> configs = configs(3, Set.of("room-registrations=4", "expressway"));
    for (ClusterDbConfig c : configs) {
      peers.add(AppliancePeer.start(c));
    }
    for (AppliancePeer p : peers) {
      assertThat(p.awaitReady(Duration.ofSeconds(60))).isTrue();
    }
    int[] perPeer = {5, 5, 2};
    for (int i = 0; i < 3; i++) {
      for (int e = 0; e < perPeer[i]; e++) {
        assertThat(peers.get(i).register("p" + (i + 1) + "-ep" + e)).isTrue();
      }
    }
    assertThat(peers.get(1).register("one-too-many")).isFalse();
    UsageReport full = peers.get(0).clusterUsage();
    assertThat(full.totals()).containsEntry("registrations", 12L);
    assertThat(full.licenses()).containsEntry("room-registrations", 12L);
    assertThat(full.remaining()).containsEntry("registrations", 0L);

    // Peer 3 goes: its two registrations and four licences leave the cluster with it.
    peers.get(2).close();
    UsageReport two = peers.get(0).clusterUsage();
    assertThat(two.peers()).hasSize(2);
    assertThat(two.totals()).containsEntry("registrations", 10L);
    assertThat(two.licenses()).containsEntry("room-registrations", 8L);
    assertThat(two.remaining()).containsEntry("registrations", 0L);
    // Its endpoints try the others: the pool, eight now, is over-full.
    assertThat(peers.get(0).register("p3-ep0")).isFalse();
    // One of peer 1's endpoints leaves: still no room (nine in use, eight licences).
    peers.get(0).unregister("p1-ep4");
    assertThat(peers.get(1).register("p3-ep0")).isFalse();

    // Peer 3 returns: its licences come back, and its endpoints register on it again.
    peers.set(2, AppliancePeer.start(configs.get(2)));
    assertThat(peers.get(2).awaitReady(Duration.ofSeconds(60))).isTrue();
    assertThat(peers.get(2).register("p3-ep0")).isTrue();
    assertThat(peers.get(2).register("p3-ep1")).isTrue();
    assertThat(peers.get(2).register("p3-ep2")).isTrue();
    assertThat(peers.get(1).register("p3-ep3")).isFalse();
    UsageReport back = peers.get(1).clusterUsage();
    assertThat(back.peers()).hasSize(3);
    assertThat(back.totals()).containsEntry("registrations", 12L);
    assertThat(back.licenses()).containsEntry("room-registrations", 12L);
    assertThat(back.remaining()).containsEntry("registrations", 0L);
    assertThat(peers.get(2).registrations())
        .containsExactlyInAnyOrder("p3-ep0", "p3-ep1", "p3-ep2");
  }

  @Test
  void peerAddressesParseAsTheMainExpectsThem() {
    assertThat(Main.peer("p1@10.0.0.1:7001")).isEqualTo(new PeerAddress("p1", "10.0.0.1", 7001));
    assertThat(Main.peer("p2@[::1]:7002")).isEqualTo(new PeerAddress("p2", "::1", 7002));
    assertThatThrownBy(() -> Main.peer("10.0.0.1:7001")).hasMessageContaining("ID@HOST:PORT");
  }

  private void startAll() throws InterruptedException {
    for (ClusterDbConfig c : configs(3)) {
      peers.add(AppliancePeer.start(c));
    }
    for (AppliancePeer p : peers) {
      assertThat(p.awaitReady(Duration.ofSeconds(60))).isTrue();
    }
  }

  private List<ClusterDbConfig> configs(int n) {
    return configs(n, Set.of());
  }

  private List<ClusterDbConfig> configs(int n, Set<String> optionKeys) {
    List<PeerAddress> addresses = new ArrayList<>();
    for (int port : MiniCluster.freePorts(n)) {
      addresses.add(new PeerAddress("p" + (addresses.size() + 1), "127.0.0.1", port));
    }
    List<ClusterDbConfig> out = new ArrayList<>();
    for (PeerAddress a : addresses) {
      out.add(
          ClusterDbConfig.builder()
              .clusterName("appliance.example.com")
              .memberId(a.id())
              .peers(addresses)
              .dataDir(dir.resolve(a.id()))
              .electionTimeout(MiniCluster.ELECTION_MIN, MiniCluster.ELECTION_MAX)
              .healthCheckInterval(Duration.ofMillis(300))
              .platform("Large VM")
              .optionKeys(optionKeys)
              .build());
    }
    return out;
  }
}
