package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.PrimaryUnavailableException;
import org.clusterdb.api.TableOptions;
import org.clusterdb.api.TableScope;
import org.clusterdb.core.config.WritePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The configuration primary leads whenever it can, and only it takes cluster writes. */
@Timeout(180)
class PrimaryTest {
  @TempDir Path dir;

  @Test
  void thePrimaryTakesLeadershipBackOnceItIsCaughtUp() {
    try (MiniCluster cluster = MiniCluster.start(3, dir, b -> b.primary(2))) {
      assertThat(cluster.awaitLeader()).isEqualTo(1);
      cluster.member(1).blocking().createTable("zones", TableScope.CLUSTER);
      cluster.member(1).blocking().put("zones", "a", "1");

      cluster.stop(1);
      // Another member leads meanwhile: reads still work, cluster writes do not.
      int interim = cluster.awaitLeader();
      assertThat(interim).isNotEqualTo(1);
      assertThat(cluster.member(interim).blocking().get("zones", "a"))
          .map(KeyValue::value)
          .contains(Bytes.of("1"));

      cluster.restart(1);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.member(1).status().role() == MemberStatus.Role.LEADER);
      assertThat(cluster.member(0).blocking().put("zones", "b", "2").header().revision())
          .isPositive();
    }
  }

  /**
   * Lease keep-alives and peer-owned rows are written while the primary is down and go on when it
   * is back: a log that never rests must not keep the lead from it.
   */
  @Test
  void thePrimaryTakesTheLeadBackUnderWritesExemptFromThePolicy() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      cluster.awaitLeader();
      cluster.member(1).blocking().createTable("presence", TableOptions.peerOwned());
      cluster.stop(0);
      int interim = cluster.awaitLeader();
      java.util.concurrent.atomic.AtomicBoolean writing =
          new java.util.concurrent.atomic.AtomicBoolean(true);
      java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
      List<Thread> writers = new ArrayList<>();
      for (int i = 1; i < 3; i++) {
        ClusterDb m = cluster.member(i);
        String me = cluster.config(i).memberId();
        Thread t =
            new Thread(
                () -> {
                  // Bounded by the flag and by the test's timeout.
                  while (writing.get()) {
                    try {
                      m.blocking().put("presence", me, Long.toString(written.incrementAndGet()));
                    } catch (ClusterDbException e) {
                      // A change of leader: the next put goes on.
                    }
                  }
                });
        t.setDaemon(true);
        t.start();
        writers.add(t);
      }
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> written.get() > 50);
        cluster.restart(0);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> cluster.member(0).status().role() == MemberStatus.Role.LEADER);
        assertThat(written.get()).as("writes went on throughout").isGreaterThan(50);
      } finally {
        writing.set(false);
        for (Thread t : writers) {
          t.join(10_000);
        }
      }
      assertThat(interim).isNotZero();
    }
  }

  @Test
  void whileThePrimaryIsDownClusterTablesAreReadOnlyAndPeerTablesWritable() {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      cluster.awaitLeader();
      var db = cluster.member(1).blocking();
      db.createTable("zones", TableScope.CLUSTER);
      db.createTable("lan", TableScope.PEER);
      long before = db.put("zones", "a", "1").header().revision();

      cluster.stop(0);
      int leader = cluster.awaitLeader();
      assertThat(leader).isNotZero();
      assertThatThrownBy(() -> db.put("zones", "b", "2"))
          .isInstanceOfSatisfying(
              PrimaryUnavailableException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.PRIMARY_UNAVAILABLE);
                assertThat(e.definite()).isTrue();
                assertThat(e.primaryId()).isEqualTo("p1");
                assertThat(e.getMessage()).contains("p1");
              });
      assertThatThrownBy(() -> db.createTable("more", TableScope.CLUSTER))
          .isInstanceOf(PrimaryUnavailableException.class);
      assertThat(db.get("zones", "b")).isEmpty();
      assertThat(cluster.member(2).status().revision()).isEqualTo(before);

      db.put("lan", "ipv4", "10.0.0.2");
      assertThat(db.get("lan", "ipv4")).map(KeyValue::value).contains(Bytes.of("10.0.0.2"));

      cluster.restart(0);
      assertThat(cluster.awaitLeader()).isZero();
      assertThat(db.put("zones", "b", "2").header().revision()).isEqualTo(before + 1);
    }
  }

  @Test
  void anyLeaderPolicyIsPlainRaft() {
    try (MiniCluster cluster =
        MiniCluster.start(3, dir, b -> b.writePolicy(WritePolicy.ANY_LEADER))) {
      int leader = cluster.awaitLeader();
      cluster.member(leader).blocking().createTable("zones", TableScope.CLUSTER);
      cluster.stop(leader);
      int next = cluster.awaitLeader();
      assertThat(cluster.member(next).blocking().put("zones", "a", "1").header().revision())
          .isPositive();
    }
  }
}
