package org.clusterdb.core.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.TableScope;
import org.clusterdb.core.ClusterDb;
import org.clusterdb.core.MiniCluster;
import org.clusterdb.core.config.ClusterDbConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary that lost its whole database must find the cluster still running and wait to be added
 * back; a cluster of one of its own would acknowledge writes that the real cluster then erases.
 */
@Timeout(180)
class WipedPrimaryTest {
  @TempDir Path dir;

  /** The members are p1, p2, p3; p1 is the configured primary. */
  private static final int PRIMARY = 0;

  @Test
  void theProbeOfAStartingPrimaryFindsTheRunningCluster() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      cluster.awaitLeader();
      ClusterDbConfig primary = cluster.config(PRIMARY);
      assertThat(primary.primaryPeer().id()).isEqualTo(primary.memberId());

      assertThat(
              RaftNode.existingMember(
                  primary, RaftNode.groupId(primary), RaftNode.tls(primary, List::of).parameters()))
          .isPresent();
    }
  }

  @Test
  void aWriteOnAWipedPrimaryRestartedWhileTheClusterRunsIsNotLost() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      int leader = cluster.awaitLeader();
      BlockingKeyValueStore db = cluster.member(leader).blocking();
      db.createTable("t", TableScope.CLUSTER);
      db.put("t", "before", "1");

      cluster.wipe(PRIMARY);
      ClusterDb restarted = cluster.restart(PRIMARY);
      // Cluster tables are read-only until the primary leads again, and leadership moves to it
      // once it has caught up: definite, retryable refusals (PRIMARY_UNAVAILABLE, NO_LEADER while
      // the leader steps down), retried as a client would. A fork's "no such table" is neither.
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptionsMatching(
              e -> e instanceof ClusterDbException c && c.definite() && c.code().retryable())
          .until(
              () -> {
                restarted.blocking().put("t", "after", "2");
                return true;
              });

      int now = cluster.awaitLeader();
      BlockingKeyValueStore other =
          cluster.member(now == PRIMARY ? cluster.aFollower() : now).blocking();
      assertThat(other.get("t", Bytes.of("after"), Consistency.LINEARIZABLE))
          .map(KeyValue::value)
          .contains(Bytes.of("2"));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  restarted.blocking().get("t", Bytes.of("before"), Consistency.LOCAL).isPresent());
    }
  }
}
