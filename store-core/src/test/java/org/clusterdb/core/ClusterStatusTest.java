package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.api.TableScope;
import org.clusterdb.core.cluster.AlarmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ClusterStatusTest {
  private static final Duration CHECK = Duration.ofMillis(200);
  private static final Duration FAILURE = Duration.ofMillis(1500);

  @TempDir Path dir;

  @Test
  void aStoppedPeerFailsAndRaisesTheCommunicationAlarmsWhichClearWhenItReturns() {
    try (MiniCluster cluster =
        MiniCluster.start(3, dir, b -> b.healthCheckInterval(CHECK).peerFailureTimeout(FAILURE))) {
      cluster.awaitLeader();
      for (int i = 0; i < 3; i++) {
        int member = i;
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  ClusterStatus s = cluster.member(member).clusterStatus();
                  assertThat(s.database()).isEqualTo(ClusterStatus.Database.ACTIVE);
                  assertThat(s.peers())
                      .extracting(PeerStatus::state)
                      .containsOnly(PeerStatus.State.THIS_SYSTEM, PeerStatus.State.ACTIVE);
                });
      }
      ClusterStatus p1 = cluster.member(0).clusterStatus();
      assertThat(p1.primaryId()).isEqualTo("p1");
      assertThat(p1.peers().get(0).display()).isEqualTo("This system");
      assertThat(p1.peers().get(1).display())
          .isEqualTo("Active as p2 (Resolved '127.0.0.1' as '127.0.0.1')");

      cluster.stop(2);
      for (int i = 0; i < 2; i++) {
        int member = i;
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  ClusterDb db = cluster.member(member);
                  assertThat(db.clusterStatus().peers().get(2).state())
                      .isEqualTo(PeerStatus.State.FAILED);
                  assertThat(MiniCluster.activeAlarmIds(db)).contains(20004, 20006);
                });
        // The majority still works: this peer's database stays active.
        assertThat(cluster.member(i).clusterStatus().database())
            .isEqualTo(ClusterStatus.Database.ACTIVE);
      }

      cluster.restart(2);
      for (int i = 0; i < 3; i++) {
        int member = i;
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  ClusterDb db = cluster.member(member);
                  assertThat(db.clusterStatus().database())
                      .isEqualTo(ClusterStatus.Database.ACTIVE);
                  assertThat(MiniCluster.activeAlarmIds(db)).doesNotContain(20004, 20006);
                });
      }
      // The lowered alarms stay listed with both times.
      Alarm lowered =
          cluster.member(0).alarms().stream()
              .filter(a -> a.id() == 20004)
              .findFirst()
              .orElseThrow();
      assertThat(lowered.active()).isFalse();
      assertThat(lowered.loweredAt()).isPresent();
    }
  }

  @Test
  void theAlarmTableIsReservedAndHiddenFromTheTableList() {
    try (MiniCluster cluster = MiniCluster.start(1, dir)) {
      cluster.awaitLeader();
      ClusterDb db = cluster.member(0);
      assertThat(db.blocking().listTables(org.clusterdb.api.Consistency.LOCAL)).isEmpty();
      for (Runnable write :
          List.<Runnable>of(
              () -> db.blocking().put(AlarmRegistry.TABLE, "20004", "x"),
              () -> db.blocking().dropTable(AlarmRegistry.TABLE),
              () -> db.blocking().createTable("clusterdb.mine", TableScope.CLUSTER))) {
        assertThatThrownBy(write::run)
            .isInstanceOfSatisfying(
                ClusterDbException.class,
                e -> {
                  assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                  assertThat(e.getMessage()).contains("reserved");
                });
      }
    }
  }
}
