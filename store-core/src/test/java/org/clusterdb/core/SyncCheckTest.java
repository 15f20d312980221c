package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.clusterdb.api.TableScope;
import org.clusterdb.core.storage.ReadView;
import org.clusterdb.core.storage.StateStore;
import org.clusterdb.core.storage.WriteView;
import org.clusterdb.proto.log.v1.StoredValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(180)
class SyncCheckTest {
  private static final int MANUAL_SYNC = 20001;

  @TempDir Path dir;

  @Test
  void aSubordinateWhoseTablesDifferFromThePrimarysRaisesTheReplicationAlarmUntilTheyMatch()
      throws Exception {
    try (MiniCluster cluster =
        MiniCluster.start(3, dir, b -> b.syncCheckInterval(Duration.ofMillis(300)))) {
      cluster.awaitLeader();
      ClusterDb primary = cluster.member(0);
      primary.blocking().createTable("zones", TableScope.CLUSTER);
      for (int i = 0; i < 20; i++) {
        primary.blocking().put("zones", "zone-" + i, "rule-" + i);
      }
      // Healthy replicas pass the check, the primary included, and raise nothing.
      for (int i = 0; i < 3; i++) {
        ClusterDb db = cluster.member(i);
        long after = db.status().appliedIndex();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> db.clusterStatus().syncCheckedIndex() > after);
        assertThat(MiniCluster.activeAlarmIds(db)).doesNotContain(MANUAL_SYNC);
      }

      // Change one row of p3's replica behind Raft's back, as a bad disk would.
      cluster.stop(2);
      Path state = cluster.config(2).dataDir().resolve("state");
      StoredValue original = overwrite(state, "zone-7", "rotten");
      cluster.restart(2);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> MiniCluster.activeAlarmIds(cluster.member(2)).contains(MANUAL_SYNC));
      assertThat(cluster.member(2).alarms().get(0).detail())
          .isEqualTo(
              "Cluster replication error: manual synchronization of configuration is required");
      for (int i = 0; i < 2; i++) {
        assertThat(MiniCluster.activeAlarmIds(cluster.member(i))).doesNotContain(MANUAL_SYNC);
      }

      // Once the replica holds the primary's data again, the next check lowers the alarm.
      cluster.stop(2);
      restore(state, "zone-7", original);
      cluster.restart(2);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !MiniCluster.activeAlarmIds(cluster.member(2)).contains(MANUAL_SYNC));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.member(2).clusterStatus().syncCheckedIndex() > 0);
    }
  }

  private static StoredValue overwrite(Path state, String key, String value) throws Exception {
    try (StateStore store = StateStore.open(state, true)) {
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      StoredValue original;
      try (ReadView view = store.read()) {
        original = view.get("zones", k).orElseThrow();
      }
      write(store, k, original.toBuilder().setValue(ByteString.copyFromUtf8(value)).build());
      return original;
    }
  }

  private static void restore(Path state, String key, StoredValue original) throws Exception {
    try (StateStore store = StateStore.open(state, true)) {
      write(store, key.getBytes(StandardCharsets.UTF_8), original);
    }
  }

  private static void write(StateStore store, byte[] key, StoredValue value) {
    try (WriteView batch = store.write()) {
      batch.put("zones", key, value);
      store.commit(batch, null);
    }
  }
}
