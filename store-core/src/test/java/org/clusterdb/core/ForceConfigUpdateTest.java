package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.TableScope;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.storage.StateStore;
import org.clusterdb.core.storage.WriteView;
import org.clusterdb.proto.log.v1.StoredValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's ForceConfigUpdate on real members: a subordinate whose cluster tables went wrong
 * behind the log's back fails the synchronisation check (20001); ForceConfigUpdate discards them,
 * receives the primary's by snapshot install, verifies the digest, lowers the alarm and keeps the
 * peer's own tables. On the primary it is refused.
 */
@Timeout(180)
public class ForceConfigUpdateTest {
  private static final int REPLICATION_MANUAL_SYNC = 20001;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private static ClusterDbConfig.Builder quick(ClusterDbConfig.Builder b) {
    return b.healthCheckInterval(Duration.ofMillis(200))
        .peerFailureTimeout(Duration.ofSeconds(1))
        .syncCheckInterval(Duration.ofSeconds(1))
        // Small segments and gap: the primary's snapshot then drops its closed log segments, so
        // the subordinate receives the tables whole.
        .maxValueBytes(8 * 1024)
        .maxRequestBytes(16 * 1024)
        .logSegmentBytes(80 * 1024)
        .logPurgeGap(1);
  }

  @Test
  void aDivergedSubordinateIsResyncedFromThePrimaryAndItsOwnTablesStay() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    try (MiniCluster cluster = MiniCluster.start(3, dir, registry, ForceConfigUpdateTest::quick)) {
      ClusterDb primary = cluster.member(cluster.awaitLeader());
      assertThat(primary.config().memberId()).isEqualTo("p1");
      primary.blocking().createTable("zones", TableScope.CLUSTER);
      for (int i = 0; i < 20; i++) {
        primary.blocking().put("zones", "k" + i, "value-" + i);
      }
      // Enough log to fill a few segments.
      for (int i = 0; i < 60; i++) {
        primary.blocking().put("zones", "bulk" + i, "x".repeat(4000));
      }
      cluster.member(2).blocking().createTable("lan", TableScope.PEER);
      cluster.member(2).blocking().put("lan", "address", "10.0.0.3");
      cluster.awaitConverged();

      // p3's copy goes wrong while it is down, as a bad disk or a bug would make it.
      cluster.stop(2);
      overwrite(cluster.config(2).dataDir().resolve("state"), "zones", "k5", "wrong");
      ClusterDb p3 = cluster.restart(2);
      await()
          .atMost(WAIT)
          .until(() -> MiniCluster.activeAlarmIds(p3).contains(REPLICATION_MANUAL_SYNC));
      assertThat(value(p3, "k5")).isEqualTo("wrong");

      assertThatThrownBy(() -> primary.forceConfigUpdate(WAIT, Resync.Progress.NONE))
          .isInstanceOfSatisfying(
              ClusterDbException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
          .hasMessageContaining("configuration primary");

      List<String> stages = new CopyOnWriteArrayList<>();
      Resync r =
          p3.forceConfigUpdate(
              WAIT, (stage, done, total) -> stages.add(stage + " " + done + "/" + total));
      cluster.replace(2, r.db());
      assertThat(r.verified()).as("digest equal to the primary's").isTrue();
      assertThat(r.bySnapshot()).as("received by snapshot install").isTrue();
      assertThat(stages.get(0)).startsWith("snapshot on the primary");
      assertThat(stages)
          .anyMatch(s -> s.startsWith("receiving the primary's configuration " + r.index()))
          .anyMatch(s -> s.startsWith("verifying"));
      ClusterDb resynced = r.db();
      assertThat(value(resynced, "k5")).isEqualTo("value-5");
      assertThat(MiniCluster.activeAlarmIds(resynced)).doesNotContain(REPLICATION_MANUAL_SYNC);
      assertThat(value(resynced, "lan", "address")).isEqualTo("10.0.0.3");
      assertThat(registry.find("clusterdb.raft.apply").tag("member", "p3").timers())
          .as("the member started again records into the registry it was given")
          .hasSize(1);
      // It serves and replicates as before.
      primary.blocking().put("zones", "after", "resync");
      await()
          .atMost(WAIT)
          .ignoreException(ClusterDbException.class)
          .until(() -> cluster.holds(2, "zones", "after"));
    }
  }

  /**
   * Writes {@code value} under {@code key} straight into a stopped member's cluster tables, behind
   * the log's back, as a bad disk or a bug would.
   */
  public static void overwrite(Path stateDir, String table, String key, String value)
      throws java.io.IOException {
    try (StateStore state = StateStore.open(stateDir, false);
        WriteView w = state.write()) {
      w.put(
          table,
          key.getBytes(StandardCharsets.UTF_8),
          StoredValue.newBuilder()
              .setValue(ByteString.copyFromUtf8(value))
              .setCreateRevision(1)
              .setModRevision(1)
              .setVersion(1)
              .build());
      state.commit(w, null);
    }
  }

  private static String value(ClusterDb db, String key) {
    return value(db, "zones", key);
  }

  private static String value(ClusterDb db, String table, String key) {
    return db.blocking()
        .get(table, org.clusterdb.api.Bytes.of(key), Consistency.LOCAL)
        .map(KeyValue::value)
        .map(v -> v.toStringUtf8())
        .orElse(null);
  }
}
