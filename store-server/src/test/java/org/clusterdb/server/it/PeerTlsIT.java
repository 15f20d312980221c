package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings.TlsMode;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.TableScope;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.client.MemberClusteringSettings;
import org.clusterdb.core.security.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server processes on "localhost" with certificates from one CA made here; p3's names another
 * host. Enforce keeps p3 out of the cluster; Permissive lets it in.
 */
@Timeout(240)
class PeerTlsIT {
  @TempDir Path dir;

  private ServerProcesses start(TlsMode mode, boolean wrongPeer3) throws Exception {
    PeerCertificates certs = PeerCertificates.create(dir.resolve("certs"));
    ServerProcesses cluster =
        ServerProcesses.prepare(
            3,
            dir,
            "localhost",
            (i, b) ->
                b.tlsMode(mode)
                    .tls(
                        certs.issue(
                            i,
                            i == 2 && wrongPeer3 ? "wrong.example.com" : "localhost",
                            KeyType.EC)));
    for (int i = 0; i < 3; i++) {
      cluster.restart(i);
    }
    return cluster;
  }

  /** Whether peer {@code i}'s replica holds t/k; a replica without table t does not. */
  private static boolean has(ServerProcesses cluster, int i) {
    try (ClusterDbClient c = cluster.client(i)) {
      return c.blocking().get("t", org.clusterdb.api.Bytes.of("k"), Consistency.LOCAL).isPresent();
    } catch (ClusterDbException e) {
      if (e.code() == ErrorCode.UNKNOWN_TABLE) {
        return false;
      }
      throw e;
    }
  }

  private static void writeOnThePrimary(ServerProcesses cluster) {
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              try (ClusterDbClient c = cluster.client(0)) {
                try {
                  c.blocking().createTable("t", TableScope.CLUSTER);
                } catch (ClusterDbException e) {
                  if (e.code() != ErrorCode.TABLE_EXISTS) {
                    throw e;
                  }
                }
                c.blocking().put("t", "k", "v");
                return true;
              }
            });
  }

  @Test
  void enforceKeepsOutAPeerWhoseCertificateNamesAnotherHost() throws Exception {
    try (ServerProcesses cluster = start(TlsMode.ENFORCE, true)) {
      writeOnThePrimary(cluster);
      await().atMost(Duration.ofSeconds(60)).until(() -> has(cluster, 1));

      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  Files.readString(cluster.log(0))
                      .lines()
                      .anyMatch(
                          l ->
                              l.contains("peer certificate invalid")
                                  && l.contains("wrong.example.com")
                                  && l.contains(
                                      "Invalid (Common Name in certificate does not match)")));
      assertThat(has(cluster, 2)).isFalse();
    }
  }

  @Test
  void permissiveLetsInAPeerWhoseCertificateNamesAnotherHost() throws Exception {
    try (ServerProcesses cluster = start(TlsMode.PERMISSIVE, true)) {
      writeOnThePrimary(cluster);
      for (int i = 1; i < 3; i++) {
        int peer = i;
        await().atMost(Duration.ofSeconds(60)).until(() -> has(cluster, peer));
      }
    }
  }

  /**
   * The seed's procedure: with every certificate Valid, set Enforce on each peer (primary first),
   * which raises "Restart required" (20007), then restart the peers one at a time; the cluster
   * serves throughout, and each peer's alarm clears as it restarts into Enforce.
   */
  @Test
  void permissiveToEnforceByTheSeedsProcedureKeepsTheClusterServing() throws Exception {
    try (ServerProcesses cluster = start(TlsMode.PERMISSIVE, false)) {
      writeOnThePrimary(cluster);
      enforcePendingRestart(cluster);
      for (int i = 0; i < 3; i++) {
        int peer = i;
        cluster.restart(i);
        cluster.awaitLeader();
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(() -> !cluster.activeAlarms(peer).contains(RESTART_REQUIRED));
        cluster.writeAcknowledged("after-restart-" + i);
      }
      for (int i = 0; i < 3; i++) {
        int peer = i;
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                () -> {
                  try (ClusterDbClient c = cluster.client(peer)) {
                    return c.blocking()
                        .get("t", org.clusterdb.api.Bytes.of("after-restart-2"), Consistency.LOCAL)
                        .isPresent();
                  }
                });
        assertThat(cluster.activeAlarms(peer)).doesNotContain(RESTART_REQUIRED);
        try (ClusterDbClient c = cluster.client(peer)) {
          assertThat(c.clusteringSettings().own().tlsMode()).isEqualTo(TlsMode.ENFORCE);
        }
      }
    }
  }

  /**
   * Once every certificate shows Valid, saves TLS mode Enforce on each peer in peer-list order and
   * waits until each raises "Restart required" (20007).
   */
  static void enforcePendingRestart(ServerProcesses cluster) {
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              try (ClusterDbClient c = cluster.client(0)) {
                return c.clusterStatus().peers().stream()
                    .allMatch(p -> p.certificate().map(t -> t.equals("Valid")).orElse(false));
              }
            });
    for (int i = 0; i < cluster.size(); i++) {
      try (ClusterDbClient c = cluster.client(i)) {
        MemberClusteringSettings s = c.clusteringSettings();
        // Without force: every certificate is Valid, so the switch is not refused.
        c.saveClusteringSettings(s.memberId(), s.own().withTlsMode(TlsMode.ENFORCE), false);
      }
    }
    for (int i = 0; i < cluster.size(); i++) {
      int peer = i;
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> cluster.activeAlarms(peer).contains(RESTART_REQUIRED));
    }
  }

  private static final int RESTART_REQUIRED = 20007;
}
