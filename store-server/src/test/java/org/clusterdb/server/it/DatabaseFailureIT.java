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
import org.clusterdb.core.CorruptionTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's "database failure" with a real server process: a peer whose Raft log was damaged while
 * it was down stays up but serves no data, shows Database failure (20010) on its clustering page
 * and refuses reads naming the damage; the documented recovery (stop, purge, start) brings it back
 * Active with the cluster's data, and the alarm clears.
 */
@Timeout(300)
class DatabaseFailureIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(500);

  @TempDir Path dir;

  /** Whether peer {@code i}'s own replica holds {@code key} in {@code table}. */
  static boolean holds(ServerProcesses cluster, int i, String table, String key) {
    try (ClusterDbClient c = cluster.client(i)) {
      return c.blocking().get(table, Bytes.of(key), Consistency.LOCAL).isPresent();
    }
  }

  @Test
  void aDamagedPeerRefusesToServeAndThePurgeRecoveryBringsItBack() throws Exception {
    try (ServerProcesses cluster = ServerProcesses.start(3, dir)) {
      cluster.awaitLeader();
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 0));
      try (ClusterDbClient c = cluster.client(0)) {
        c.blocking().createTable("zones", TableScope.CLUSTER);
        for (int i = 0; i < 10; i++) {
          c.blocking().put("zones", "k" + i, "value-" + i);
        }
      }
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .ignoreExceptions()
          .until(() -> holds(cluster, 2, "zones", "k9"));
      cluster.terminate(2);
      Path data = dir.resolve("p3").resolve("data");
      CorruptionTest.flipIn(CorruptionTest.files(data.resolve("raft"), "log_"), "value-7");

      cluster.restart(2);
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> activeAlarms(cluster, 2).contains("Alarm 20010"));
      assertThat(cluster.isAlive(2)).as("the damaged peer stays up to say why").isTrue();
      Cli page = cli(cluster, 2, "xstatus");
      assertThat(page.out()).contains("Stopped").contains("20010");
      Cli read = cli(cluster, 2, "get", "zones", "k1", "--local");
      assertThat(read.exit()).isNotZero();
      assertThat(read.err()).contains("is damaged").contains("purge");
      // The others carry on without it.
      try (ClusterDbClient c = cluster.client(0)) {
        c.blocking().put("zones", "while-failed", "x");
      }

      cluster.terminate(2);
      Cli purged = Cli.run("purge", "--config", cluster.config(2).toString(), "--confirm");
      assertThat(purged.exit()).as(purged.err()).isZero();
      cluster.restart(2);
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 0));
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .ignoreExceptions()
          .until(
              () -> holds(cluster, 2, "zones", "while-failed") && holds(cluster, 2, "zones", "k7"));
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> !activeAlarms(cluster, 2).contains("Alarm 20010"));
    }
  }
}
