package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.api.TableScope;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.client.MemberClusteringSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's "Change Cluster to use FQDNs", with real processes: three peers on 127.0.0.1..3 named
 * by IP, the address mapping entered on the primary, then for each peer N in turn its address
 * changed to its FQDN on every peer and peer N restarted. The FQDNs end in {@code .test}, which DNS
 * never answers: only the replicated mapping resolves them.
 */
@Timeout(600)
class FqdnRollingChangeIT {
  private static final List<String> IPS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private static String fqdn(int i) {
    return "p" + (i + 1) + ".rolling.clusterdb.test";
  }

  @Test
  void peersMoveFromIpToFqdnOneAtATimeWithoutLosingTheClusterOrAnAcknowledgedWrite()
      throws Exception {
    try (ServerProcesses cluster = ServerProcesses.prepare(IPS, dir, (i, b) -> b)) {
      for (int i = 0; i < IPS.size(); i++) {
        cluster.restart(i);
      }
      cluster.awaitLeader();
      try (ClusterDbClient c = cluster.client()) {
        c.blocking().createTable("t", TableScope.CLUSTER);
      }
      Map<String, String> mappings = new LinkedHashMap<>();
      for (int i = 0; i < IPS.size(); i++) {
        mappings.put(fqdn(i), IPS.get(i));
      }
      // Entered on the primary only: it replicates to the others.
      save(cluster, 0, s -> withMapping(s, mappings));
      for (int i = 0; i < IPS.size(); i++) {
        int peer = i;
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                () ->
                    settings(cluster, peer)
                        .cluster()
                        .map(s -> s.addressMapping() && s.mappings().equals(mappings))
                        .orElse(false));
      }

      try (Writer writer = new Writer(cluster)) {
        for (int n = 0; n < IPS.size(); n++) {
          int changed = n;
          // The primary first, then every other peer, as the seed recommends.
          for (int j = 0; j < IPS.size(); j++) {
            save(cluster, j, s -> withHost(s, changed, fqdn(changed)));
          }
          cluster.writeAcknowledged("during-" + n);
          cluster.terminate(n);
          cluster.restart(n);
          awaitActiveWithPeerAt(cluster, n);
          cluster.writeAcknowledged("after-" + n);
        }
        writer.stop();
        assertThat(writer.acknowledged()).isNotEmpty();
        List<String> keys = new ArrayList<>(writer.acknowledged());
        for (int n = 0; n < IPS.size(); n++) {
          keys.add("during-" + n);
          keys.add("after-" + n);
        }
        for (int i = 0; i < IPS.size(); i++) {
          int peer = i;
          await()
              .atMost(Duration.ofSeconds(60))
              .ignoreExceptions()
              .until(() -> missing(cluster, peer, keys).isEmpty());
        }
      }
      // The Raft group itself names every peer by its FQDN, the primary included.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  lastMembershipChange(cluster)
                      .map(
                          line ->
                              line.contains("voters=[p1@" + fqdn(0))
                                  && line.contains("p2@" + fqdn(1))
                                  && line.contains("p3@" + fqdn(2)))
                      .orElse(false));
      for (int i = 0; i < IPS.size(); i++) {
        MemberClusteringSettings s = settings(cluster, i);
        assertThat(s.own().peers()).extracting(PeerAddress::host).containsExactly(hosts());
        assertThat(s.cluster().orElseThrow().peers())
            .extracting(PeerAddress::host)
            .containsExactly(hosts());
      }
    }
  }

  @Test
  void peersConfiguredByFqdnsOnlyTheMappingKnowsFormAClusterFromTheFirstStart() throws Exception {
    List<String> names = List.of(first(0), first(1), first(2));
    Map<String, String> mappings = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      mappings.put(names.get(i), IPS.get(i));
    }
    try (ServerProcesses cluster =
        ServerProcesses.prepare(names, dir, (i, b) -> b.addressMapping(true).mappings(mappings))) {
      for (int i = 0; i < names.size(); i++) {
        cluster.restart(i);
      }
      // Clients do not know the mapping: they dial the addresses the peers listen on.
      List<String> endpoints = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        endpoints.add(IPS.get(i) + ":" + cluster.peer(i).clientPort());
      }
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(
              () -> {
                try (ClusterDbClient c =
                    ClusterDbClient.builder().endpoints(endpoints.subList(0, 1)).build()) {
                  c.blocking().createTable("t", TableScope.CLUSTER);
                  c.blocking().put("t", "k", "v");
                  return true;
                }
              });
      for (int i = 0; i < names.size(); i++) {
        String endpoint = endpoints.get(i);
        int index = i;
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                () -> {
                  try (ClusterDbClient c =
                      ClusterDbClient.builder().endpoints(List.of(endpoint)).build()) {
                    ClusterStatus s = c.clusterStatus();
                    return c.blocking().get("t", Bytes.of("k"), Consistency.LOCAL).isPresent()
                        && s.database() == ClusterStatus.Database.ACTIVE
                        && s.peers().stream()
                            .allMatch(
                                p ->
                                    p.host().equals(names.get(p.index() - 1))
                                        && p.resolvedAddress()
                                            .equals(Optional.of(IPS.get(p.index() - 1)))
                                        && (p.state() == PeerStatus.State.ACTIVE
                                            || p.state() == PeerStatus.State.THIS_SYSTEM))
                        && c.clusteringSettings()
                            .listenAddress()
                            .equals(Optional.of(IPS.get(index)));
                  }
                });
      }
    }
  }

  private static String first(int i) {
    return "p" + (i + 1) + ".first.clusterdb.test";
  }

  /** The primary's log line of its last change to the Raft group's members. */
  private static Optional<String> lastMembershipChange(ServerProcesses cluster)
      throws java.io.IOException {
    try (var lines = java.nio.file.Files.lines(cluster.log(0))) {
      return lines.filter(l -> l.contains("group membership changed")).reduce((a, b) -> b);
    }
  }

  private static String[] hosts() {
    return new String[] {fqdn(0), fqdn(1), fqdn(2)};
  }

  private static ClusteringSettings withMapping(ClusteringSettings s, Map<String, String> m) {
    return new ClusteringSettings(
        s.name(), s.primary(), s.tlsMode(), s.ipVersion(), s.peers(), true, m);
  }

  private static ClusteringSettings withHost(ClusteringSettings s, int index, String host) {
    List<PeerAddress> peers = new ArrayList<>(s.peers());
    PeerAddress p = peers.get(index);
    peers.set(index, new PeerAddress(p.id(), host, p.port()));
    return s.withPeers(peers);
  }

  private static MemberClusteringSettings settings(ServerProcesses cluster, int peer) {
    try (ClusterDbClient c = cluster.client(peer)) {
      return c.clusteringSettings();
    }
  }

  /** Saves peer {@code peer}'s own settings, changed, as an admin does on its clustering page. */
  private static void save(
      ServerProcesses cluster, int peer, UnaryOperator<ClusteringSettings> change) {
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              try (ClusterDbClient c = cluster.client(peer)) {
                MemberClusteringSettings read = c.clusteringSettings();
                c.saveClusteringSettings(read.memberId(), change.apply(read.own()), false);
                return true;
              }
            });
  }

  /**
   * Every peer reports the database active and every other peer active, peer {@code n} at its FQDN
   * resolved through the mapping. On a timeout, says what each peer last reported; the peers' logs
   * stay in the test's directory.
   */
  private static void awaitActiveWithPeerAt(ServerProcesses cluster, int n) {
    for (int i = 0; i < IPS.size(); i++) {
      int viewer = i;
      java.util.concurrent.atomic.AtomicReference<Object> last =
          new java.util.concurrent.atomic.AtomicReference<>("no answer");
      try {
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(250))
            .ignoreExceptions()
            .until(
                () -> {
                  try (ClusterDbClient c = cluster.client(viewer)) {
                    ClusterStatus s = c.clusterStatus();
                    last.set(s);
                    PeerStatus changed = s.peers().get(n);
                    return s.database() == ClusterStatus.Database.ACTIVE
                        && s.peers().stream()
                            .allMatch(
                                p ->
                                    p.state() == PeerStatus.State.ACTIVE
                                        || p.state() == PeerStatus.State.THIS_SYSTEM)
                        && changed.host().equals(fqdn(n))
                        && changed.resolvedAddress().equals(Optional.of(IPS.get(n)));
                  }
                });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            "after peer "
                + (n + 1)
                + "'s restart, peer "
                + (viewer + 1)
                + " reported "
                + last.get()
                + "; logs in "
                + cluster.log(viewer).getParent().getParent(),
            e);
      }
    }
  }

  /** The keys of {@code keys} peer {@code peer}'s replica does not hold. */
  private static List<String> missing(ServerProcesses cluster, int peer, List<String> keys) {
    try (ClusterDbClient c = cluster.client(peer)) {
      return keys.stream()
          .filter(k -> c.blocking().get("t", Bytes.of(k), Consistency.LOCAL).isEmpty())
          .toList();
    }
  }

  /** Writes a new key every 100 ms through any peer; keeps the keys whose write succeeded. */
  private static final class Writer implements AutoCloseable {
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    Writer(ServerProcesses cluster) {
      thread =
          new Thread(
              () -> {
                try (ClusterDbClient c =
                    ClusterDbClient.builder()
                        .endpoints(cluster.endpoints())
                        .requestTimeout(Duration.ofSeconds(3))
                        .build()) {
                  for (int i = 0; running; i++) {
                    String key = "bg-" + i;
                    try {
                      c.blocking().put("t", key, "v");
                      acknowledged.add(key);
                    } catch (RuntimeException e) {
                      // Not acknowledged: may or may not be applied, so not checked.
                    }
                    Thread.sleep(100);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "fqdn-it-writer");
      thread.setDaemon(true);
      thread.start();
    }

    Set<String> acknowledged() {
      return acknowledged;
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(Duration.ofSeconds(30).toMillis());
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }
}
