package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.clusterdb.server.it.MembershipIT.activeAlarms;
import static org.clusterdb.server.it.MembershipIT.allActive;
import static org.clusterdb.server.it.MembershipIT.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.TableScope;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.core.ForceConfigUpdateTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's fix for "Cluster replication error" with real processes: a subordinate whose cluster
 * tables went wrong raises 20001; {@code clusterdb xcommand ForceConfigUpdate} on it discards its
 * configuration, restarts its database, receives the primary's, shows its progress and reports the
 * digest verified; the value is right again, the alarm cleared and its own tables untouched.
 */
@Timeout(300)
class ForceConfigUpdateIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(500);

  @TempDir Path dir;

  @Test
  void forceConfigUpdateResyncsADivergedSubordinateAndClearsItsAlarm() throws Exception {
    try (ServerProcesses cluster =
        ServerProcesses.start(
            3,
            dir,
            b ->
                b.syncCheckInterval(Duration.ofSeconds(2))
                    .maxValueBytes(8 * 1024)
                    .maxRequestBytes(16 * 1024)
                    .logSegmentBytes(80 * 1024)
                    .logPurgeGap(1))) {
      cluster.awaitLeader();
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 0));
      try (ClusterDbClient c = cluster.client(0);
          ClusterDbClient p3 = cluster.client(2)) {
        c.blocking().createTable("zones", TableScope.CLUSTER);
        for (int i = 0; i < 40; i++) {
          c.blocking().put("zones", "k" + i, i == 5 ? "value-5" : "x".repeat(4000));
        }
        p3.blocking().createTable("lan", TableScope.PEER);
        p3.blocking().put("lan", "address", "10.0.0.3");
      }
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .ignoreExceptions()
          .until(() -> DatabaseFailureIT.holds(cluster, 2, "zones", "k39"));

      // p3's copy goes wrong while it is down.
      cluster.terminate(2);
      Path state = dir.resolve("p3").resolve("data").resolve("state");
      ForceConfigUpdateTest.overwrite(state, "zones", "k5", "wrong");
      cluster.restart(2);
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> activeAlarms(cluster, 2).contains("Alarm 20001"));

      Cli fix = cli(cluster, 2, "xcommand", "forceconfigupdate");
      assertThat(fix.exit()).as("%s %s", fix.out(), fix.err()).isZero();
      assertThat(fix.out())
          .contains("the primary's snapshot is at index")
          .contains("digest equal to the primary's");
      assertThat(fix.err()).contains("receiving the primary's configuration: 100%");
      try (ClusterDbClient p3 = cluster.client(2)) {
        assertThat(
                p3.blocking()
                    .get("zones", Bytes.of("k5"), Consistency.LOCAL)
                    .orElseThrow()
                    .value()
                    .toStringUtf8())
            .isEqualTo("value-5");
        assertThat(p3.blocking().get("lan", "address").orElseThrow().value().toStringUtf8())
            .isEqualTo("10.0.0.3");
      }
      assertThat(activeAlarms(cluster, 2)).doesNotContain("Alarm 20001");
      Cli onPrimary = cli(cluster, 0, "xcommand", "ForceConfigUpdate");
      assertThat(onPrimary.exit()).isNotZero();
      assertThat(onPrimary.err()).contains("configuration primary");
    }
  }
}
