package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.UsageReport;
import org.clusterdb.client.ClusterDbClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared usage on three server processes: each peer's row published through it over gRPC, the
 * totals and capacity through the CLI, and a kill -9'd peer's row gone once its lease runs out.
 */
@Timeout(240)
class UsageIT {
  @TempDir Path dir;

  private static UsageReport report(ServerProcesses cluster, int i) {
    try (ClusterDbClient c = cluster.client(i)) {
      return BlockingKeyValueStore.await(c.usageReport());
    }
  }

  @Test
  void aKilledPeersUsageGoesWithItsLeaseAndTheCliShowsTotalsAndCapacity() throws Exception {
    try (ServerProcesses cluster =
        ServerProcesses.start(
            3, dir, b -> b.platform("Medium VM").optionKeys(List.of("rich-media-sessions=100")))) {
      int leader = cluster.awaitLeader();
      String endpoints = "--endpoints=" + String.join(",", cluster.endpoints());
      for (int i = 0; i < 3; i++) {
        try (ClusterDbClient c = cluster.client(i)) {
          String id = "p" + (i + 1);
          assertThat(
                  BlockingKeyValueStore.await(
                          c.publishUsage(
                              id, Map.of("registrations", 10L * (i + 1), "audio-calls", i + 1L)))
                      .memberId())
              .isEqualTo(id);
          // A client that reached another member than it meant writes nothing there.
          String other = "p" + ((i + 1) % 3 + 1);
          try {
            BlockingKeyValueStore.await(c.publishUsage(other, Map.of("registrations", 1L)));
            throw new AssertionError("published into " + other + "'s row through " + id);
          } catch (ClusterDbException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.field()).contains("member_id");
          }
        }
      }

      Cli usage = Cli.run("xstatus", "usage", endpoints);
      assertThat(usage.exit()).as(usage.err()).isZero();
      assertThat(usage.out())
          .contains("Peer p3 (Medium VM, lease ")
          .contains("audio-calls=3 registrations=30; licences rich-media-sessions=100")
          .contains("Cluster total: audio-calls=6 registrations=60")
          .contains("Pooled licences: rich-media-sessions=300");
      Cli capacity = Cli.run("xstatus", "capacity", endpoints);
      assertThat(capacity.exit()).as(capacity.err()).isZero();
      // Medium VM: a quarter of 10,000 registrations, 800 audio calls, 400 RMS a peer.
      assertThat(capacity.out())
          .contains("Platform: Medium VM")
          .contains("Peers: 3 configured, 3 publishing usage")
          .containsPattern("registrations +7500 +7500 +60 +0")
          .containsPattern("audio-calls +600 +600 +6 +594")
          .containsPattern("rms +300 +300 +0 +300");

      int victim = leader == 2 ? 1 : 2;
      String victimId = "p" + (victim + 1);
      long killed = System.nanoTime();
      cluster.kill(victim);
      int survivor = leader;
      UsageReport after =
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(200))
              .ignoreExceptions()
              .until(() -> report(cluster, survivor), r -> r.peers().size() == 2);
      long goneAfterMs = (System.nanoTime() - killed) / 1_000_000;
      // The lease (5 s) was kept alive every third of it: the row outlives the kill by two thirds.
      assertThat(goneAfterMs).isGreaterThanOrEqualTo(3000);
      assertThat(after.peers()).extracting(p -> p.memberId()).doesNotContain(victimId);
      long victimRegistrations = 10L * (victim + 1);
      assertThat(after.totals()).containsEntry("registrations", 60 - victimRegistrations);
      assertThat(after.licenses()).containsEntry("rich-media-sessions", 200L);
      assertThat(after.liveCapacity()).containsEntry("registrations", 5000L);
      assertThat(after.capacity()).containsEntry("registrations", 7500L);

      // Back, and publishing again: the cluster counts it once more.
      cluster.restart(victim);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () -> {
                try (ClusterDbClient c = cluster.client(victim)) {
                  BlockingKeyValueStore.await(
                      c.publishUsage(victimId, Map.of("registrations", 5L)));
                  return true;
                }
              });
      UsageReport back = report(cluster, survivor);
      assertThat(back.peers()).hasSize(3);
      assertThat(back.totals()).containsEntry("registrations", 65 - victimRegistrations);
      System.out.println("usage row of the killed peer gone after ms=" + goneAfterMs);
    }
  }
}
