package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.api.TableScope;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.ratis.Membership;
import org.clusterdb.core.security.Pem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's membership procedures on real Ratis servers in one JVM: a cluster of one grows as the
 * primary lists new peers, joins are admitted or refused, a removed peer is taken out, and a peer
 * whose addresses are cleared resets to factory settings at its next start.
 */
@Timeout(180)
class MembershipTest {
  private static final int CONFLICT = 20005;
  private static final int RESTART_REQUIRED = 20007;
  private static final int JOIN_VERSION = 20011;
  private static final int JOIN_OPTION_KEYS = 20013;
  private static final int JOIN_ROUND_TRIP = 20014;
  private static final int FACTORY_RESET_PENDING = 20017;
  private static final int INVALID_CLUSTERING_CONFIGURATION = 20009;
  private static final int DATABASE_FAILURE = 20010;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private final List<PeerAddress> addresses = new ArrayList<>();
  private final List<ClusterDb> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    for (ClusterDb db : started) {
      try {
        db.close();
      } catch (RuntimeException e) {
        // keep closing the others
      }
    }
  }

  private PeerAddress peer(int i) {
    while (addresses.size() < i) {
      int port = MiniCluster.freePorts(1).get(0);
      addresses.add(new PeerAddress("p" + (addresses.size() + 1), "127.0.0.1", port));
    }
    return addresses.get(i - 1);
  }

  private ClusterDbConfig config(
      int i, List<PeerAddress> peers, UnaryOperator<ClusterDbConfig.Builder> tweak) {
    return tweak
        .apply(
            ClusterDbConfig.builder()
                .clusterName("membership.test")
                .memberId(peer(i).id())
                .peers(peers)
                .dataDir(dir.resolve(peer(i).id()))
                .electionTimeout(MiniCluster.ELECTION_MIN, MiniCluster.ELECTION_MAX)
                .healthCheckInterval(Duration.ofMillis(200))
                .peerFailureTimeout(Duration.ofSeconds(1)))
        .build();
  }

  private ClusterDb start(ClusterDbConfig config) {
    ClusterDb db = ClusterDb.start(config);
    started.add(db);
    return db;
  }

  private static List<String> voters(ClusterDb db) {
    return db.membership().map(Membership::voters).orElse(List.of()).stream()
        .map(PeerAddress::id)
        .sorted()
        .toList();
  }

  /** Null until {@code db}'s clustering page lists {@code id}. */
  private static PeerStatus.State stateOf(ClusterDb db, String id) {
    return db.clusterStatus().peers().stream()
        .filter(p -> p.memberId().equals(id))
        .findFirst()
        .map(PeerStatus::state)
        .orElse(null);
  }

  private ClusterDb clusterOfOne() {
    ClusterDb p1 = start(config(1, List.of(peer(1)), b -> b));
    await()
        .atMost(WAIT)
        .until(() -> p1.clusterClusteringSettings().map(s -> s.peers().size()).orElse(0) == 1);
    p1.blocking().createTable("zones", TableScope.CLUSTER);
    p1.blocking().put("zones", "z1", "before");
    return p1;
  }

  @Test
  void aClusterOfOneGrowsPeerByPeerAndWritesNeverStall() throws Exception {
    ClusterDb p1 = clusterOfOne();
    assertThat(voters(p1)).containsExactly("p1");

    // Step 2 of the seed: the new address in the first empty slot on the primary.
    List<PeerAddress> two = List.of(peer(1), peer(2));
    p1.saveClusteringSettings(p1.clusteringSettings().withPeers(two)).join();
    await().atMost(WAIT).until(() -> stateOf(p1, "p2") == PeerStatus.State.UNKNOWN);
    await().atMost(WAIT).until(() -> stateOf(p1, "p2") == PeerStatus.State.FAILED);
    assertThat(MiniCluster.activeAlarmIds(p1)).doesNotContain(RESTART_REQUIRED);

    // Writes go on through the whole join.
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger written = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              while (writing.get() && failure.get() == null && written.get() < 100_000) {
                try {
                  p1.blocking().put("zones", "w" + written.get(), "x");
                  written.incrementAndGet();
                } catch (RuntimeException e) {
                  failure.set(e);
                }
              }
            });
    writer.start();
    ClusterDb p2 = start(config(2, two, b -> b));
    await().atMost(WAIT).until(() -> voters(p1).equals(List.of("p1", "p2")));
    await().atMost(WAIT).until(() -> stateOf(p1, "p2") == PeerStatus.State.ACTIVE);
    writing.set(false);
    writer.join(30_000);
    assertThat(failure.get()).isNull();
    assertThat(written.get()).isPositive();

    assertThat(p2.blocking().get("zones", "z1").orElseThrow().value().toStringUtf8())
        .isEqualTo("before");
    assertThat(p2.blocking().get("zones", "w" + (written.get() - 1))).isPresent();
    await()
        .atMost(WAIT)
        .until(() -> p2.clusterStatus().database() == ClusterStatus.Database.ACTIVE);
    assertThat(stateOf(p2, "p1")).isEqualTo(PeerStatus.State.ACTIVE);

    // And a third: now a majority of two must agree.
    List<PeerAddress> three = List.of(peer(1), peer(2), peer(3));
    p1.saveClusteringSettings(p1.clusteringSettings().withPeers(three)).join();
    await().atMost(WAIT).until(() -> MiniCluster.activeAlarmIds(p2).contains(CONFLICT));
    // p2's admin enters the new list too: no conflict, but its list changes only on restart.
    p2.saveClusteringSettings(p2.clusteringSettings().withPeers(three)).join();
    await()
        .atMost(WAIT)
        .until(
            () ->
                !MiniCluster.activeAlarmIds(p2).contains(CONFLICT)
                    && MiniCluster.activeAlarmIds(p2).contains(RESTART_REQUIRED));
    ClusterDb p3 = start(config(3, three, b -> b));
    await().atMost(WAIT).until(() -> voters(p1).equals(List.of("p1", "p2", "p3")));
    assertThat(voters(p3)).containsExactly("p1", "p2", "p3");
    assertThat(p3.blocking().get("zones", "z1")).isPresent();
  }

  @Test
  void aJoinIsRefusedForAnotherVersionOrOtherOptionKeysAndTheConflictingListStaysOut() {
    ClusterDb p1 = clusterOfOne();
    List<PeerAddress> all = List.of(peer(1), peer(2), peer(3), peer(4));
    p1.saveClusteringSettings(p1.clusteringSettings().withPeers(all)).join();

    ClusterDb older = start(config(2, all, b -> b.softwareVersion("0.0.1-old")));
    ClusterDb keyed = start(config(3, all, b -> b.optionKeys(Set.of("advanced-networking"))));
    ClusterDb reordered = start(config(4, List.of(peer(1), peer(2), peer(4), peer(3)), b -> b));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(MiniCluster.activeAlarmIds(older)).contains(JOIN_VERSION);
              assertThat(MiniCluster.activeAlarmIds(keyed)).contains(JOIN_OPTION_KEYS);
              assertThat(MiniCluster.activeAlarmIds(reordered)).contains(CONFLICT);
            });
    for (ClusterDb refused : List.of(older, keyed, reordered)) {
      assertThat(refused.clusterStatus().database()).isEqualTo(ClusterStatus.Database.JOINING);
    }
    assertThat(voters(p1)).containsExactly("p1");
    // The refused peers never held the cluster's data.
    assertThat(older.membership()).isEmpty();
  }

  @Test
  void aRemovedPeerLeavesTheGroupAndResetsToFactorySettingsAtItsNextStart() throws Exception {
    ClusterDb p1 = clusterOfOne();
    List<PeerAddress> two = List.of(peer(1), peer(2));
    p1.saveClusteringSettings(p1.clusteringSettings().withPeers(two)).join();
    Path certificate = Files.writeString(dir.resolve("p2-server.pem"), "certificate");
    ClusterDbConfig p2Config =
        config(
            2,
            two,
            b -> b.factoryResetKeeps(Set.of("lan")).factoryResetRemoves(List.of(certificate)));
    ClusterDb p2 = start(p2Config);
    await().atMost(WAIT).until(() -> voters(p1).equals(List.of("p1", "p2")));
    p2.blocking().createTable("lan", TableScope.PEER);
    p2.blocking().put("lan", "address", "10.0.0.2");
    p2.blocking().createTable("dial-plan", TableScope.PEER);
    p2.blocking().put("dial-plan", "rule", "1");

    // Remove p2 on the primary: it leaves the group; the primary writes alone again; p2 is told
    // and its database stops.
    p1.saveClusteringSettings(p1.clusteringSettings().withPeers(List.of(peer(1)))).join();
    await().atMost(WAIT).until(() -> voters(p1).equals(List.of("p1")));
    p1.blocking().put("zones", "after", "removal");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(p2.clusterStatus().database()).isEqualTo(ClusterStatus.Database.STOPPED);
              assertThat(MiniCluster.activeAlarmIds(p2)).contains(DATABASE_FAILURE);
            });
    assertThat(p2.blocking().get("lan", "address")).isPresent();

    // p2's admin clears its addresses: a reset is scheduled; restoring them cancels it.
    ClusteringSettings original = p2.clusteringSettings();
    p2.saveClusteringSettings(original.withPeers(List.of())).join();
    await()
        .atMost(WAIT)
        .until(() -> MiniCluster.activeAlarmIds(p2).contains(FACTORY_RESET_PENDING));
    p2.saveClusteringSettings(original).join();
    await()
        .atMost(WAIT)
        .until(() -> !MiniCluster.activeAlarmIds(p2).contains(FACTORY_RESET_PENDING));
    p2.saveClusteringSettings(original.withPeers(List.of())).join();

    Path selfSigned = p2Config.dataDir().resolve("tls").resolve("peer.crt");
    X509Certificate before = Pem.readCertificates(selfSigned).get(0);
    p2.close();
    started.remove(p2);
    ClusterDb reset = start(p2Config);
    // The reset took the peer's certificate and key with it; the peer made new ones.
    assertThat(Pem.readCertificates(selfSigned).get(0)).isNotEqualTo(before);
    assertThat(reset.clusteringSettings().peers()).containsExactly(peer(2));
    assertThat(reset.blocking().get("lan", "address")).isPresent();
    assertThat(reset.blocking().listTables(org.clusterdb.api.Consistency.LOCAL))
        .extracting(org.clusterdb.api.Table::name)
        .containsExactly("lan");
    assertThat(Files.exists(certificate)).isFalse();
    assertThat(MiniCluster.activeAlarmIds(reset)).isEmpty();
    // Its own cluster of one, without the data of the cluster it left.
    await()
        .atMost(WAIT)
        .until(() -> reset.clusterClusteringSettings().map(s -> s.peers().size()).orElse(0) == 1);
    assertThat(voters(reset)).containsExactly("p2");
    assertThat(voters(p1)).containsExactly("p1");
  }

  @Test
  void settingsThatCannotWorkRaiseInvalidClusteringConfigurationUntilFixed() {
    ClusterDb p1 = clusterOfOne();
    ClusteringSettings fine = p1.clusteringSettings();
    ClusteringSettings enforceOnIps =
        new ClusteringSettings(
            fine.name(),
            fine.primary(),
            ClusteringSettings.TlsMode.ENFORCE,
            fine.ipVersion(),
            fine.peers(),
            false,
            java.util.Map.of());
    // Forced: the self-signed certificates here would not pass Enforce's check of the switch.
    p1.saveClusteringSettings(enforceOnIps, true).join();
    await()
        .atMost(WAIT)
        .until(() -> MiniCluster.activeAlarmIds(p1).contains(INVALID_CLUSTERING_CONFIGURATION));
    p1.saveClusteringSettings(fine).join();
    await()
        .atMost(WAIT)
        .until(() -> !MiniCluster.activeAlarmIds(p1).contains(INVALID_CLUSTERING_CONFIGURATION));
  }

  @Test
  void aJoinOverALinkSlowerThanThePrimarysLimitIsRefused() {
    // The round trip is measured for real; the primary's limit is set below any network's.
    ClusterDb p1 = start(config(1, List.of(peer(1)), b -> b.maxRoundTrip(Duration.ofNanos(1))));
    await()
        .atMost(WAIT)
        .until(() -> p1.clusterClusteringSettings().map(s -> s.peers().size()).orElse(0) == 1);
    List<PeerAddress> two = List.of(peer(1), peer(2));
    p1.saveClusteringSettings(p1.clusteringSettings().withPeers(two)).join();
    ClusterDb p2 = start(config(2, two, b -> b));
    await().atMost(WAIT).until(() -> MiniCluster.activeAlarmIds(p2).contains(JOIN_ROUND_TRIP));
    assertThat(p2.clusterStatus().database()).isEqualTo(ClusterStatus.Database.JOINING);
    assertThat(voters(p1)).containsExactly("p1");
  }
}
