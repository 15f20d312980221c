package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.TableScope;
import org.clusterdb.core.config.ClusterDbConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(180)
class SnapshotTest {
  @TempDir Path dir;

  /**
   * Frequent snapshots, small log segments and a small purge gap, so the log really shrinks; and
   * frequent synchronisation checks, so that digests run across snapshots and installs.
   */
  private static ClusterDbConfig.Builder compacting(ClusterDbConfig.Builder b) {
    return b.syncCheckInterval(Duration.ofMillis(100))
        .snapshotEveryEntries(40)
        .maxValueBytes(16 * 1024)
        .maxRequestBytes(64 * 1024)
        .logSegmentBytes(160 * 1024)
        .logPurgeGap(8);
  }

  @Test
  void wipedFollowerIsRestoredBySnapshotInstallWithIdenticalState() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir, SnapshotTest::compacting)) {
      int leader = cluster.awaitLeader();
      BlockingKeyValueStore db = cluster.member(leader).blocking();
      db.createTable("config", TableScope.CLUSTER);
      int follower = cluster.aFollower();
      String value = "x".repeat(4000);
      for (int i = 0; i < 300; i++) {
        db.put("config", "key-" + i, value + i);
      }
      // The leader's log no longer starts at the beginning: replay alone cannot rebuild a peer.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.member(cluster.awaitLeader()).logStartIndex() > 50);

      cluster.wipe(follower);
      assertThat(Files.exists(cluster.config(follower).dataDir())).isFalse();
      for (int i = 300; i < 320; i++) {
        db.put("config", "key-" + i, value + i);
      }
      long revision = db.put("config", "final", "done").header().revision();

      ClusterDb restored = cluster.restart(follower);
      await().atMost(Duration.ofSeconds(60)).until(() -> restored.status().revision() >= revision);

      MemberStatus status = restored.status();
      assertThat(status.snapshotsInstalled()).isGreaterThanOrEqualTo(1);
      assertThat(rows(restored, "config")).isEqualTo(rows(cluster.member(leader), "config"));
      assertThat(rows(restored, "config")).hasSize(321);

      // The installed replica passes the synchronisation check like the others.
      long applied = restored.status().appliedIndex();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> restored.clusterStatus().syncCheckedIndex() > applied);
      assertThat(restored.alarms()).noneMatch(a -> a.active() && a.id() == 20001);
    }
  }

  /** Far below the entry trigger, a few large entries still bring a snapshot on every member. */
  @Test
  void aSnapshotIsTakenOnceTheAppliedEntriesHoldItsByteLimitWhateverTheirCount() {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      int leader = cluster.awaitLeader();
      BlockingKeyValueStore db = cluster.member(leader).blocking();
      db.createTable("blobs", TableScope.CLUSTER);
      byte[] big = new byte[1024 * 1024 - 4096];
      new java.util.Random(7).nextBytes(big);
      long entries = ClusterDbConfig.SNAPSHOT_EVERY_BYTES / big.length + 2;
      assertThat(entries).isLessThan(ClusterDbConfig.DEFAULT_SNAPSHOT_EVERY_ENTRIES / 100);
      for (int i = 0; i < entries; i++) {
        db.put("blobs", Bytes.of("b" + i), Bytes.wrap(big));
      }

      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  cluster.running().stream()
                      .allMatch(i -> cluster.member(i).status().snapshotIndex() > 0));
    }
  }

  @Test
  void snapshotOnDemandAndRestartRecoverWithoutReapplying() {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      int leader = cluster.awaitLeader();
      BlockingKeyValueStore db = cluster.member(leader).blocking();
      db.createTable("t", TableScope.CLUSTER);
      for (int i = 0; i < 30; i++) {
        db.put("t", "k" + i, "v" + i);
      }
      long index = cluster.member(leader).snapshot().join();
      assertThat(index).isPositive();
      assertThat(cluster.member(leader).status().snapshotIndex()).isEqualTo(index);
      for (int i = 30; i < 40; i++) {
        db.put("t", "k" + i, "v" + i);
      }
      long revision = cluster.awaitConverged();
      List<KeyValue> before = rows(cluster.member(leader), "t");

      // A second put of k0 after restart must see version 2: no entry applied twice.
      cluster.restart(leader);
      int newLeader = cluster.awaitLeader();
      assertThat(cluster.awaitConverged()).isGreaterThanOrEqualTo(revision);
      assertThat(rows(cluster.member(leader), "t")).isEqualTo(before);
      db = cluster.member(newLeader).blocking();
      assertThat(db.get("t", "k0").orElseThrow().version()).isEqualTo(1);
    }
  }

  static List<KeyValue> rows(ClusterDb member, String table) {
    return member.range(table, KeyRange.all(), ReadOptions.local()).join().kvs();
  }
}
