package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.server.config.PeerEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's membership procedures with real server processes and the CLI: create a cluster of one
 * and add peers 2 and 3, a conflicting peer list is refused, a join is refused for its version and
 * its option keys, a peer is removed and resets to factory settings on its restart, and a pending
 * reset is cancelled by restoring the list.
 */
@Timeout(400)
class MembershipIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(500);

  @TempDir Path dir;

  @Test
  void createAClusterOfOneThenAddPeersTwoAndThree() throws Exception {
    try (ServerProcesses cluster =
        ServerProcesses.prepare(3, dir, (i, b) -> b.healthCheckInterval(Duration.ofMillis(300)))) {
      List<PeerEndpoint> all = List.of(cluster.peer(0), cluster.peer(1), cluster.peer(2));
      cluster.rewriteConfig(0, b -> b.peers(all.subList(0, 1)).healthCheckInterval(ms(300)));
      cluster.rewriteConfig(1, b -> b.peers(all.subList(0, 2)).healthCheckInterval(ms(300)));
      cluster.rewriteConfig(2, b -> b.peers(all).healthCheckInterval(ms(300)));

      // Create the cluster of one on the primary.
      cluster.restart(0);
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 0));
      ok(cluster, 0, "table", "create", "zones");
      ok(cluster, 0, "put", "zones", "z1", "edge");

      // Add peer 2 on the primary: Failed until it is configured and started, then Active.
      Cli added = cli(cluster, 0, "clustering", "add-peer", peerArg(cluster, 1));
      assertThat(added.exit()).as(added.err()).isZero();
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> state(cluster, 0, "p2") == PeerStatus.State.FAILED);
      assertThat(cli(cluster, 0, "xstatus").out()).contains("Failed");
      cluster.restart(1);
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 0));
      assertThat(cli(cluster, 1, "get", "zones", "z1").out()).contains("edge");

      // Add peer 3: peer 2's own list now conflicts with the primary's until its admin
      // enters it, and then needs a restart.
      ok(cluster, 0, "clustering", "add-peer", peerArg(cluster, 2));
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> activeAlarms(cluster, 1).contains("Alarm 20005"));
      ok(cluster, 1, "clustering", "add-peer", peerArg(cluster, 2));
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(
              () -> {
                String alarms = activeAlarms(cluster, 1);
                return !alarms.contains("Alarm 20005") && alarms.contains("Alarm 20007");
              });
      cluster.restart(2);
      assertThat(cluster.terminate(1)).isIn(0, 143);
      cluster.restart(1);
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 0));
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> !activeAlarms(cluster, 1).contains("Alarm 20007"));
      Cli page = cli(cluster, 2, "xstatus");
      assertThat(page.out()).contains("This system", "Active as p1", "Active as p2");
      assertThat(cli(cluster, 2, "get", "zones", "z1").out()).contains("edge");
      ok(cluster, 0, "put", "zones", "z2", "three");
    }
  }

  @Test
  void joinsAreRefusedForVersionAndOptionKeysAndARemovedPeerResets() throws Exception {
    try (ServerProcesses cluster =
        ServerProcesses.prepare(3, dir, (i, b) -> b.healthCheckInterval(ms(300)))) {
      cluster.rewriteConfig(1, b -> b.healthCheckInterval(ms(300)).softwareVersion("0.0.1-old"));
      cluster.rewriteConfig(
          2, b -> b.healthCheckInterval(ms(300)).optionKeys(List.of("advanced-networking")));
      cluster.restart(0);
      cluster.restart(1);
      cluster.restart(2);
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .untilAsserted(
              () -> {
                assertThat(activeAlarms(cluster, 1)).contains("Alarm 20011");
                assertThat(activeAlarms(cluster, 2)).contains("Alarm 20013");
              });
      assertThat(cli(cluster, 1, "xstatus").out()).contains("Joining");

      // A peer list that differs from the primary's (same peers, other order) is refused too.
      String reordered =
          peerArg(cluster, 0) + "," + peerArg(cluster, 2) + "," + peerArg(cluster, 1);
      ok(cluster, 2, "clustering", "set", "--peers", reordered);
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(
              () -> {
                String alarms = activeAlarms(cluster, 2);
                return alarms.contains("Alarm 20005") && !alarms.contains("Alarm 20013");
              });
      ok(cluster, 2, "clustering", "set", "--peers", peersArg(cluster, 3));
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(
              () -> {
                String alarms = activeAlarms(cluster, 2);
                return !alarms.contains("Alarm 20005") && alarms.contains("Alarm 20013");
              });
      assertThat(Files.readString(cluster.log(0)))
          .contains("join refused member=p1 peer=p2 reason=VERSION")
          .contains("join refused member=p1 peer=p3 reason=OPTION_KEYS")
          .contains("join refused member=p1 peer=p3 reason=CONFLICT");

      // Fixed on their side, both join.
      assertThat(cluster.terminate(1)).isIn(0, 143);
      assertThat(cluster.terminate(2)).isIn(0, 143);
      cluster.rewriteConfig(1, b -> b.healthCheckInterval(ms(300)));
      cluster.rewriteConfig(2, b -> b.healthCheckInterval(ms(300)));
      cluster.restart(1);
      cluster.restart(2);
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 0));
      ok(cluster, 0, "table", "create", "zones");
      ok(cluster, 0, "put", "zones", "z1", "edge");
      ok(cluster, 2, "table", "create", "lan", "--scope", "PEER");

      // Remove peer 3 on the primary: the other two carry on.
      ok(cluster, 0, "clustering", "remove-peer", "p3");
      await().atMost(WAIT).pollInterval(POLL).until(() -> state(cluster, 0, "p3") == null);
      ok(cluster, 0, "put", "zones", "z2", "without-p3");
      // p3 is told: its database stops, and it keeps serving its peer tables.
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> activeAlarms(cluster, 2).contains("Alarm 20010"));
      assertThat(cli(cluster, 2, "xstatus").out()).contains("Stopped");
      ok(cluster, 2, "put", "lan", "address", "10.0.0.3");

      // Peer 3's admin clears its list: a reset is pending; restoring the list cancels it.
      String original = peersArg(cluster, 3);
      ok(cluster, 2, "clustering", "set", "--peers", "");
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> activeAlarms(cluster, 2).contains("Alarm 20017"));
      ok(cluster, 2, "clustering", "set", "--peers", original, "--primary", "1");
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> !activeAlarms(cluster, 2).contains("Alarm 20017"));

      // Cleared again and restarted: peer 3 resets and runs alone, without the cluster's data.
      ok(cluster, 2, "clustering", "set", "--peers", "");
      assertThat(cluster.terminate(2)).isIn(0, 143);
      cluster.restart(2);
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 2));
      assertThat(Files.readString(cluster.log(2))).contains("factory reset done member=p3");
      Cli tables = cli(cluster, 2, "table", "list");
      assertThat(tables.out()).doesNotContain("zones").doesNotContain("lan");
      assertThat(cli(cluster, 2, "clustering").out())
          .contains(cluster.peer(2).peerAddress().address())
          .doesNotContain(cluster.peer(0).peerAddress().address());
      ok(cluster, 0, "xstatus");
    }
  }

  /** Runs the CLI on {@code peer} and asserts it succeeded, showing its errors if not. */
  static Cli ok(ServerProcesses cluster, int peer, String... args)
      throws IOException, InterruptedException {
    Cli c = cli(cluster, peer, args);
    assertThat(c.exit()).as("%s: %s %s", String.join(" ", args), c.out(), c.err()).isZero();
    return c;
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  static String peerArg(ServerProcesses cluster, int i) {
    PeerEndpoint p = cluster.peer(i);
    return p.id() + "=" + p.peerAddress().address();
  }

  static String peersArg(ServerProcesses cluster, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append(peerArg(cluster, i));
    }
    return b.toString();
  }

  /**
   * The peer's active alarms, as the clustering page lists them ("Alarm <id>"). Polled through the
   * Java client: a CLI run is a JVM start.
   */
  static String activeAlarms(ServerProcesses cluster, int peer) {
    try (ClusterDbClient c = cluster.client(peer)) {
      StringBuilder b = new StringBuilder();
      for (Alarm a : c.alarms()) {
        if (a.active()) {
          b.append("Alarm ").append(a.id()).append('\n');
        }
      }
      return b.toString();
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** What {@code xstatus} exits 0 for: the database and every listed peer Active. */
  static boolean allActive(ServerProcesses cluster, int peer) {
    try (ClusterDbClient c = cluster.client(peer)) {
      ClusterStatus s = c.clusterStatus();
      return s.database() == ClusterStatus.Database.ACTIVE
          && s.peers().stream()
              .allMatch(
                  p ->
                      p.state() == PeerStatus.State.ACTIVE
                          || p.state() == PeerStatus.State.THIS_SYSTEM);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** How {@code peer} shows {@code id}; null if it does not list it, UNKNOWN if it did not say. */
  static PeerStatus.State state(ServerProcesses cluster, int peer, String id) {
    try (ClusterDbClient c = cluster.client(peer)) {
      return c.clusterStatus().peers().stream()
          .filter(p -> p.memberId().equals(id))
          .findFirst()
          .map(PeerStatus::state)
          .orElse(null);
    } catch (RuntimeException e) {
      return PeerStatus.State.UNKNOWN;
    }
  }

  static Cli cli(ServerProcesses cluster, int peer, String... args)
      throws IOException, InterruptedException {
    return Cli.on(cluster, peer, args);
  }
}
