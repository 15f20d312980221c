package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.ClusteringSettings.IpVersion;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.api.TableScope;
import org.clusterdb.client.ClusterDbClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Cluster IP version IPv6: three server processes on ::1, over TLS, end to end. */
@Timeout(180)
class Ipv6ClusterIT {
  @TempDir Path dir;

  @Test
  void aClusterOnIpv6LoopbackReplicatesAndReportsEveryPeerActive() throws Exception {
    try (ServerProcesses cluster =
        ServerProcesses.prepare(3, dir, "::1", (i, b) -> b.ipVersion(IpVersion.IPV6))) {
      for (int i = 0; i < 3; i++) {
        cluster.restart(i);
      }
      assertThat(cluster.peer(0).clientAddress()).startsWith("[::1]:");
      cluster.awaitLeader();
      try (ClusterDbClient c = cluster.client()) {
        c.blocking().createTable("t", TableScope.CLUSTER);
        c.blocking().put("t", "k", "v6");
      }
      for (int i = 0; i < 3; i++) {
        int peer = i;
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () -> {
                  try (ClusterDbClient c = cluster.client(peer)) {
                    return c.blocking()
                        .get("t", Bytes.of("k"), Consistency.LOCAL)
                        .map(KeyValue::value)
                        .equals(java.util.Optional.of(Bytes.of("v6")));
                  }
                });
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                try (ClusterDbClient c = cluster.client(0)) {
                  ClusterStatus s = c.clusterStatus();
                  return s.database() == ClusterStatus.Database.ACTIVE
                      && s.peers().stream()
                          .allMatch(
                              p ->
                                  p.state() == PeerStatus.State.THIS_SYSTEM
                                      || p.state() == PeerStatus.State.ACTIVE);
                }
              });
    }
  }
}
