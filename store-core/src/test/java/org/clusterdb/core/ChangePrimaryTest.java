package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.PrimaryUnavailableException;
import org.clusterdb.api.TableScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The seed's "change the primary", with the old primary down. */
@Timeout(180)
class ChangePrimaryTest {
  private static final int PRIMARY_MISMATCH = 20008;

  @TempDir Path dir;

  @Test
  void theNewPrimaryTakesOverWhileTheOldIsDownAndMismatchesClearOncePeersAgree() {
    try (MiniCluster cluster =
        MiniCluster.start(3, dir, b -> b.healthCheckInterval(Duration.ofMillis(200)))) {
      cluster.awaitLeader();
      cluster.member(0).blocking().createTable("zones", TableScope.CLUSTER);
      cluster.member(0).blocking().put("zones", "a", "1");

      cluster.stop(0);
      assertThatThrownBy(() -> cluster.member(1).blocking().put("zones", "b", "2"))
          .isInstanceOfSatisfying(
              PrimaryUnavailableException.class, e -> assertThat(e.primaryId()).isEqualTo("p1"));

      // On the new primary first: the cluster's primary changes with p1 down.
      cluster.member(1).setPrimary(2).join();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.member(1).status().role() == MemberStatus.Role.LEADER);
      assertThat(cluster.member(1).blocking().put("zones", "b", "2").header().revision())
          .isPositive();

      // p3 still names p1 until its admin changes it: a mismatch, lowered once it agrees.
      ClusterDb p3 = cluster.member(2);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                ClusterStatus s = p3.clusterStatus();
                assertThat(s.primaryId()).isEqualTo("p2");
                assertThat(s.ownPrimary()).isEqualTo(1);
                assertThat(MiniCluster.activeAlarmIds(p3)).contains(PRIMARY_MISMATCH);
              });
      p3.setPrimary(2).join();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !MiniCluster.activeAlarmIds(p3).contains(PRIMARY_MISMATCH));

      // The old primary returns as a subordinate: it does not take leadership back.
      cluster.restart(0);
      ClusterDb p1 = cluster.member(0);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(p1.clusterStatus().primaryId()).isEqualTo("p2");
                assertThat(MiniCluster.activeAlarmIds(p1)).contains(PRIMARY_MISMATCH);
              });
      assertThat(cluster.member(1).status().role()).isEqualTo(MemberStatus.Role.LEADER);
      assertThat(p1.blocking().put("zones", "c", "3").header().revision()).isPositive();
      p1.setPrimary(2).join();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !MiniCluster.activeAlarmIds(p1).contains(PRIMARY_MISMATCH));
      assertThat(cluster.member(1).status().role()).isEqualTo(MemberStatus.Role.LEADER);
    }
  }

  @Test
  void anIndexThatNamesNoPeerIsRefused() {
    try (MiniCluster cluster = MiniCluster.start(1, dir)) {
      cluster.awaitLeader();
      for (int bad : List.of(0, 2, -1)) {
        assertThatThrownBy(() -> cluster.member(0).setPrimary(bad).join())
            .hasCauseInstanceOf(ClusterDbException.class)
            .cause()
            .satisfies(
                e -> {
                  ClusterDbException c = (ClusterDbException) e;
                  assertThat(c.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                  assertThat(c.field()).contains("primary");
                });
      }
    }
  }
}
