package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's "change the primary" with real processes and the CLI, while the old primary is killed:
 * cluster writes are refused naming the old primary, the change on the new primary commits with the
 * two survivors, writes resume there, and each peer raises "Cluster primary mismatch" until its own
 * setting agrees, the returning old primary included.
 */
@Timeout(300)
class ChangePrimaryIT {
  private static final String MISMATCH = "Alarm 20008";

  @TempDir Path dir;

  @Test
  void changeThePrimaryWhileTheOldPrimaryIsDown() throws Exception {
    try (ServerProcesses cluster =
        ServerProcesses.start(3, dir, b -> b.healthCheckInterval(Duration.ofMillis(300)))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> cluster.awaitLeader() == 0);
      assertThat(cli(cluster, 0, "table", "create", "zones").exit()).isZero();
      assertThat(cli(cluster, 0, "put", "zones", "a", "1").exit()).isZero();

      cluster.kill(0);
      Cli refused = cli(cluster, 1, "put", "zones", "b", "2", "--timeout", "5s");
      assertThat(refused.exit()).isEqualTo(1);
      assertThat(refused.err()).contains("PRIMARY_UNAVAILABLE", "p1");

      // Step 1, on the new primary.
      Cli change = cli(cluster, 1, "primary", "2");
      assertThat(change.exit()).as(change.err()).isZero();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> cli(cluster, 1, "put", "zones", "b", "2").exit() == 0);

      // Step 2, on every other peer: p3 mismatches until its admin agrees.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> cli(cluster, 2, "xstatus").out().contains(MISMATCH));
      assertThat(cli(cluster, 2, "primary", "2").exit()).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> !cli(cluster, 2, "xstatus").out().contains(MISMATCH));

      // The old primary comes back as a subordinate and is changed last.
      cluster.restart(0);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> cli(cluster, 0, "xstatus").out().contains(MISMATCH));
      Cli shown = cli(cluster, 0, "primary");
      assertThat(shown.out()).contains("Configuration primary: peer 2 (p2)", "own setting: peer 1");
      assertThat(cli(cluster, 0, "primary", "2").exit()).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> cli(cluster, 0, "xstatus").exit() == 0);
      assertThat(cli(cluster, 0, "put", "zones", "c", "3").exit()).isZero();
      assertThat(cluster.awaitLeader()).isEqualTo(1);
      assertThat(Files.readString(cluster.log(2)))
          .contains("Event=\"Alarm Raised\" Id=\"20008\"", "Event=\"Alarm Lowered\" Id=\"20008\"");
    }
  }

  private static Cli cli(ServerProcesses cluster, int peer, String... args)
      throws IOException, InterruptedException {
    return Cli.on(cluster, peer, args);
  }
}
