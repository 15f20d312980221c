package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Lease;
import org.clusterdb.api.LeaseKeeper;
import org.clusterdb.api.LeaseStatus;
import org.clusterdb.api.Op;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Leases on a three-member in-process cluster, Raft and RocksDB real. */
@Timeout(120)
class LeaseTest {
  private static final Duration TTL = Duration.ofSeconds(2);

  @TempDir Path dir;

  private static boolean present(ClusterDb db, String table, String key) {
    return db.blocking().get(table, Bytes.of(key), Consistency.LOCAL).isPresent();
  }

  private static ErrorCode code(Throwable t) {
    return org.clusterdb.api.BlockingKeyValueStore.unwrap(t).code();
  }

  @Test
  void anExpiredLeaseDeletesItsKeysOnEveryReplicaAtOneRevisionAndWatchersSeeTheDeletes()
      throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      int leader = cluster.awaitLeader();
      cluster.member(leader).blocking().createTable("usage", TableScope.CLUSTER);
      // Granted and written through a follower: the commands find the leader themselves.
      ClusterDb follower = cluster.member(cluster.aFollower());
      Lease lease = follower.leases().grant(TTL).join();
      long granted = System.nanoTime();
      assertThat(lease.ttl()).isEqualTo(TTL);
      follower.blocking().put("usage", Bytes.of("p2/registrations"), Bytes.of("12"), lease.id());
      follower
          .txn(
              new Txn(
                  List.of(),
                  List.of(Op.put("usage", Bytes.of("p2/calls"), Bytes.of("3"), lease.id())),
                  List.of()))
          .join();
      long revision = follower.blocking().put("usage", "config", "not leased").header().revision();
      LeaseStatus status = follower.leases().timeToLive(lease.id()).join();
      assertThat(status.keys())
          .extracting(k -> k.table() + "/" + k.key().toStringUtf8())
          .containsExactlyInAnyOrder("usage/p2/registrations", "usage/p2/calls");
      assertThat(status.remaining()).isLessThanOrEqualTo(TTL);

      List<WatchEvent> seen = new CopyOnWriteArrayList<>();
      List<Watch> watches = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int member = i;
        watches.add(
            cluster
                .member(i)
                .watch(
                    WatchRequest.table("usage").fromRevision(revision + 1),
                    (rev, events) -> {
                      if (member == 0) {
                        seen.addAll(events);
                      }
                    }));
      }

      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                for (int i = 0; i < 3; i++) {
                  if (present(cluster.member(i), "usage", "p2/registrations")
                      || present(cluster.member(i), "usage", "p2/calls")) {
                    return false;
                  }
                }
                return true;
              });
      assertThat(System.nanoTime() - granted)
          .as("not before its TTL")
          .isGreaterThanOrEqualTo(TTL.toNanos());
      for (int i = 0; i < 3; i++) {
        assertThat(present(cluster.member(i), "usage", "config")).isTrue();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
      assertThat(seen).allMatch(e -> e.type() == WatchEvent.Type.DELETE);
      assertThat(seen).extracting(WatchEvent::revision).containsOnly(revision + 1);
      assertThat(seen)
          .extracting(e -> e.kv().key().toStringUtf8())
          .containsExactlyInAnyOrder("p2/registrations", "p2/calls");
      assertThatThrownBy(() -> follower.leases().keepAlive(lease.id()).join())
          .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LEASE_NOT_FOUND));
      assertThatThrownBy(
              () -> follower.blocking().put("usage", Bytes.of("late"), Bytes.of("x"), lease.id()))
          .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LEASE_NOT_FOUND));
      watches.forEach(Watch::close);
    }
  }

  @Test
  void keepAlivesKeepALeasePastItsTtlAndARevokeEndsItAtOnce() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      int leader = cluster.awaitLeader();
      ClusterDb db = cluster.member(leader);
      db.blocking().createTable("usage", TableScope.CLUSTER);
      Lease lease = db.leases().grant(TTL).join();
      db.blocking().put("usage", Bytes.of("p1"), Bytes.of("5"), lease.id());

      // Two and a half TTLs of keep-alives, a quarter TTL apart.
      for (int i = 0; i < 10; i++) {
        TimeUnit.MILLISECONDS.sleep(TTL.toMillis() / 4);
        assertThat(db.leases().keepAlive(lease.id()).join().ttl()).isEqualTo(TTL);
      }
      for (int i = 0; i < 3; i++) {
        assertThat(present(cluster.member(i), "usage", "p1")).as("member %d", i).isTrue();
      }

      long revision = db.leases().revoke(lease.id()).join();
      assertThat(db.blocking().get("usage", Bytes.of("p1"), Consistency.LOCAL)).isEmpty();
      assertThat(db.status().revision()).isGreaterThanOrEqualTo(revision);
      assertThatThrownBy(() -> db.leases().timeToLive(lease.id()).join())
          .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LEASE_NOT_FOUND));
    }
  }

  /**
   * A keep-alive loop from a surviving member carries a lease across the death of the leader, which
   * is also the configuration primary: leases are not configuration.
   */
  @Test
  void keepAlivesAcrossALeaderKillKeepTheLease() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      int leader = cluster.awaitLeader();
      cluster.member(leader).blocking().createTable("usage", TableScope.CLUSTER);
      int survivor = cluster.aFollower();
      ClusterDb db = cluster.member(survivor);
      Lease lease = db.leases().grant(Duration.ofSeconds(3)).join();
      db.blocking().put("usage", Bytes.of("p" + survivor), Bytes.of("1"), lease.id());

      AtomicBoolean killed = new AtomicBoolean();
      AtomicInteger keptAfterKill = new AtomicInteger();
      AtomicInteger failedAfterKill = new AtomicInteger();
      List<ClusterDbException> refusals = new CopyOnWriteArrayList<>();
      try (LeaseKeeper keeper =
          LeaseKeeper.start(
              db.leases(),
              lease,
              new LeaseKeeper.Listener() {
                @Override
                public void kept(Lease l) {
                  if (killed.get()) {
                    keptAfterKill.incrementAndGet();
                  }
                }

                @Override
                public void failed(ClusterDbException e) {
                  if (killed.get()) {
                    failedAfterKill.incrementAndGet();
                  }
                }

                @Override
                public void lost(ClusterDbException e) {
                  refusals.add(e);
                }
              })) {
        cluster.stop(leader);
        killed.set(true);
        // Ten keep-alives past the kill: three TTLs, through the election.
        await().atMost(Duration.ofSeconds(30)).until(() -> keptAfterKill.get() >= 10);
        assertThat(keeper.running()).isTrue();
      }
      assertThat(cluster.awaitLeader()).isNotEqualTo(leader);
      assertThat(refusals).as("the lease was never gone").isEmpty();
      System.out.printf("keep-alives failed during the failover: %d%n", failedAfterKill.get());
      LeaseStatus status = db.leases().timeToLive(lease.id()).join();
      assertThat(status.keys()).hasSize(1);
      assertThat(present(db, "usage", "p" + survivor)).isTrue();
    }
  }

  /**
   * The new leader does not know when the old one last saw a keep-alive, so it extends every lease
   * by an election timeout: a lease kept alive just before the leader died lives its whole TTL.
   */
  @Test
  void aChangeOfLeaderDoesNotExpireALeaseEarly() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      int leader = cluster.awaitLeader();
      cluster.member(leader).blocking().createTable("usage", TableScope.CLUSTER);
      int survivor = cluster.aFollower();
      ClusterDb db = cluster.member(survivor);
      Lease lease = db.leases().grant(TTL).join();
      db.blocking().put("usage", Bytes.of("k"), Bytes.of("1"), lease.id());

      db.leases().keepAlive(lease.id()).join();
      long acknowledged = System.nanoTime();
      cluster.stop(leader);

      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !present(db, "usage", "k"));
      assertThat(System.nanoTime() - acknowledged)
          .as("deleted no sooner than a TTL after the last acknowledged keep-alive")
          .isGreaterThanOrEqualTo(TTL.toNanos());
      assertThat(cluster.awaitLeader()).isNotEqualTo(leader);
    }
  }

  @Test
  void badTtlsAndLeasesOnPeerTablesAreRefusedWithTheField() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      int leader = cluster.awaitLeader();
      ClusterDb db = cluster.member(leader);
      db.blocking().createTable("mine", TableScope.PEER);

      for (Duration ttl : List.of(Duration.ofMillis(1_500), Duration.ofDays(31))) {
        assertThatThrownBy(() -> db.leases().grant(ttl).join())
            .satisfies(
                t -> {
                  ClusterDbException e = org.clusterdb.api.BlockingKeyValueStore.unwrap(t);
                  assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                  assertThat(e.field()).contains("ttl");
                });
      }
      Lease lease = db.leases().grant(TTL).join();
      assertThatThrownBy(() -> db.blocking().put("mine", Bytes.of("k"), Bytes.of("v"), lease.id()))
          .satisfies(
              t -> {
                ClusterDbException e = org.clusterdb.api.BlockingKeyValueStore.unwrap(t);
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.field()).contains("lease");
              });
      assertThat(db.blocking().get("mine", Bytes.of("k"), Consistency.LOCAL)).isEmpty();
    }
  }
}
