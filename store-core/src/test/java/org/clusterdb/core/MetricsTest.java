package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.Op;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.RequestId;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The meters of {@code ClusterDb.start(config, registry)} move as the cluster works. */
@Timeout(180)
class MetricsTest {
  @TempDir Path dir;

  private final MeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void requestsAreTimedByOperationAndCodeAndWatchersCounted() {
    try (MiniCluster cluster = MiniCluster.start(3, dir, registry, b -> b)) {
      int leader = cluster.awaitLeader();
      ClusterDb member = cluster.member(leader);
      String id = cluster.config(leader).memberId();
      BlockingKeyValueStore db = member.blocking();
      double rangesBefore = requests(id, "range", "OK");

      db.createTable("config", TableScope.CLUSTER);
      db.put("config", "a", "1");
      BlockingKeyValueStore.await(
          member
              .forRequest(new RequestId(Bytes.of("client"), 1, 0))
              .put("config", Bytes.of("b"), Bytes.of("2")));
      db.get("config", "a");
      db.deleteRange("config", KeyRange.prefix(Bytes.of("b")));
      db.txn(Txn.of(Op.put("config", Bytes.of("c"), Bytes.of("3"))));
      db.listTables(Consistency.LINEARIZABLE);
      Watch watch = member.watch(WatchRequest.table("config"), (revision, events) -> {});
      assertThat(watchers(id, "cluster")).isEqualTo(1);
      watch.close();
      assertThat(watchers(id, "cluster")).isZero();
      assertThatThrownBy(() -> db.createTable("config", TableScope.CLUSTER))
          .isInstanceOf(ClusterDbException.class);
      assertThatThrownBy(() -> db.put("clusterdb.reserved", "k", "v"))
          .isInstanceOf(ClusterDbException.class);
      assertThatThrownBy(() -> db.range("no_such_table", KeyRange.all(), ReadOptions.DEFAULT))
          .isInstanceOf(ClusterDbException.class);
      db.dropTable("config");

      assertThat(requests(id, "createTable", "OK")).isEqualTo(1);
      assertThat(requests(id, "put", "OK")).isEqualTo(2);
      assertThat(requests(id, "range", "OK")).isGreaterThanOrEqualTo(rangesBefore + 1);
      assertThat(requests(id, "deleteRange", "OK")).isEqualTo(1);
      assertThat(requests(id, "txn", "OK")).isEqualTo(1);
      assertThat(requests(id, "listTables", "OK")).isEqualTo(1);
      assertThat(requests(id, "watch", "OK")).isEqualTo(1);
      assertThat(requests(id, "dropTable", "OK")).isEqualTo(1);
      assertThat(requests(id, "createTable", "TABLE_EXISTS")).isEqualTo(1);
      assertThat(requests(id, "put", "INVALID_ARGUMENT")).isEqualTo(1);
      assertThat(requests(id, "range", "UNKNOWN_TABLE")).isEqualTo(1);
      assertThat(
              timer("clusterdb.requests", id, "operation", "put", "code", "OK")
                  .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
          .isPositive();

      // Replication: the leader timed each commit; every member timed its applies.
      assertThat(timer("clusterdb.raft.commit", id).count()).isPositive();
      for (int i = 0; i < 3; i++) {
        String m = cluster.config(i).memberId();
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(timer("clusterdb.raft.apply", m).count()).isPositive());
      }
      assertThat(gauge("clusterdb.raft.leader", id)).isEqualTo(1);
      assertThat(gauge("clusterdb.raft.applied.index", id)).isPositive();
    }
    assertThat(registry.getMeters())
        .as("closing a member removes its meters")
        .noneMatch(m -> m.getId().getName().startsWith("clusterdb."));
  }

  @Test
  void followerLagAlarmsAndLeaderChangesFollowTheCluster() {
    try (MiniCluster cluster =
        MiniCluster.start(
            3,
            dir,
            registry,
            b ->
                b.healthCheckInterval(Duration.ofMillis(250))
                    .peerFailureTimeout(Duration.ofSeconds(1)))) {
      int leader = cluster.awaitLeader();
      String id = cluster.config(leader).memberId();
      int follower = cluster.aFollower();
      String followerId = cluster.config(follower).memberId();
      BlockingKeyValueStore db = cluster.member(leader).blocking();
      db.createTable("config", TableScope.CLUSTER);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(lag(id, followerId)).isZero());
      assertThat(gauge("clusterdb.alarms.active", id, "id", "20004")).isZero();

      cluster.stop(follower);
      for (int i = 0; i < 20; i++) {
        db.put("config", "k" + i, "v" + i);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(lag(id, followerId)).isGreaterThanOrEqualTo(20);
                assertThat(gauge("clusterdb.alarms.active", id, "id", "20004")).isEqualTo(1);
              });

      cluster.restart(follower);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(lag(id, followerId)).isZero();
                assertThat(gauge("clusterdb.alarms.active", id, "id", "20004")).isZero();
              });

      // The restarted follower counts from its own start; the other one saw the first election.
      int other = 3 - leader - follower;
      String otherId = cluster.config(other).memberId();
      double changes = counter("clusterdb.raft.leader.changes", otherId);
      assertThat(changes).isGreaterThanOrEqualTo(1);
      cluster.stop(leader);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(counter("clusterdb.raft.leader.changes", otherId))
                      .isGreaterThan(changes));
      assertThat(registry.find("clusterdb.raft.follower.lag").tag("member", id).gauges())
          .as("a stopped member's rows are gone")
          .isEmpty();
    }
  }

  @Test
  void snapshotsTakenAndInstalledAreCountedWithTheirSize() throws Exception {
    try (MiniCluster cluster =
        MiniCluster.start(
            3,
            dir,
            registry,
            b ->
                b.snapshotEveryEntries(40)
                    .maxValueBytes(16 * 1024)
                    .maxRequestBytes(64 * 1024)
                    .logSegmentBytes(160 * 1024)
                    .logPurgeGap(8))) {
      int leader = cluster.awaitLeader();
      String id = cluster.config(leader).memberId();
      BlockingKeyValueStore db = cluster.member(leader).blocking();
      db.createTable("config", TableScope.CLUSTER);
      db.put("config", "first", "x".repeat(4000));
      long taken = timer("clusterdb.snapshot.take", id).count();

      cluster.member(leader).snapshot().get();

      assertThat(timer("clusterdb.snapshot.take", id).count()).isEqualTo(taken + 1);
      DistributionSummary size = summary("clusterdb.snapshot.size", id);
      assertThat(size.count()).isEqualTo(taken + 1);
      assertThat(size.max()).isGreaterThan(4000);

      int follower = cluster.aFollower();
      String followerId = cluster.config(follower).memberId();
      String value = "x".repeat(4000);
      for (int i = 0; i < 200; i++) {
        db.put("config", "key-" + i, value + i);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.member(leader).logStartIndex() > 50);
      cluster.wipe(follower);
      cluster.restart(follower);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(counter("clusterdb.snapshot.installs", followerId))
                      .isGreaterThanOrEqualTo(1));
    }
  }

  private double requests(String member, String operation, String code) {
    Timer t =
        registry
            .find("clusterdb.requests")
            .tags("member", member, "operation", operation, "code", code)
            .timer();
    return t == null ? 0 : t.count();
  }

  private double watchers(String member, String scope) {
    return gauge("clusterdb.watchers", member, "scope", scope);
  }

  private double lag(String member, String peer) {
    Gauge g =
        registry.find("clusterdb.raft.follower.lag").tags("member", member, "peer", peer).gauge();
    assertThat(g).as("lag of %s on %s", peer, member).isNotNull();
    return g.value();
  }

  private Timer timer(String name, String member, String... tags) {
    return found(registry.find(name).tag("member", member).tags(tags).timer(), name);
  }

  private DistributionSummary summary(String name, String member) {
    return found(registry.find(name).tag("member", member).summary(), name);
  }

  private double counter(String name, String member) {
    Counter c = registry.find(name).tag("member", member).counter();
    return found(c, name).count();
  }

  private double gauge(String name, String member, String... tags) {
    return found(registry.find(name).tag("member", member).tags(tags).gauge(), name).value();
  }

  private static <M extends Meter> M found(M meter, String name) {
    assertThat(meter).as("meter %s", name).isNotNull();
    return meter;
  }
}
