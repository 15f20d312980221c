package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.clusterdb.api.Admission;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.Lease;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.TableOptions;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.UsageReport;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.core.fsm.TableNames;
import org.clusterdb.proto.log.v1.AuditRecord;
import org.clusterdb.proto.log.v1.UsageRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Peer-owned rows and shared usage on a three-member in-process cluster, Raft and RocksDB real. */
@Timeout(180)
class SharedUsageTest {
  private static final int RMS_PER_PEER = 5;

  @TempDir Path dir;

  private static ErrorCode code(Throwable t) {
    return BlockingKeyValueStore.unwrap(t).code();
  }

  @Test
  void aMemberWritesOnlyItsOwnRowsAndMayWhileThePrimaryIsDown() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      int leader = cluster.awaitLeader();
      BlockingKeyValueStore primary = cluster.member(leader).blocking();
      primary.createTable("presence", TableOptions.peerOwned());
      primary.createTable("zones", TableScope.CLUSTER);
      int other = cluster.aFollower();
      String me = cluster.config(other).memberId();
      String them = cluster.config(leader).memberId();
      BlockingKeyValueStore sub = cluster.member(other).blocking();

      sub.put("presence", me, "up");
      sub.put("presence", me + "/calls", "3");
      assertThat(sub.get("presence", Bytes.of(me)).orElseThrow().value().toStringUtf8())
          .isEqualTo("up");
      assertThat(primary.listTables(org.clusterdb.api.Consistency.LINEARIZABLE))
          .anySatisfy(
              t -> {
                assertThat(t.name()).isEqualTo("presence");
                assertThat(t.peerOwnedRows()).isTrue();
              });

      // Another member's row, a key that only starts like mine, a range beyond mine: refused.
      for (String key : List.of(them, them + "/calls", me + "x")) {
        assertThatThrownBy(() -> sub.put("presence", key, "forged"))
            .isInstanceOfSatisfying(
                ClusterDbException.class,
                e -> {
                  assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
                  assertThat(e.field().orElseThrow()).contains("put.key");
                });
      }
      assertThatThrownBy(() -> sub.deleteRange("presence", KeyRange.all()))
          .isInstanceOfSatisfying(
              ClusterDbException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
      sub.deleteRange("presence", KeyRange.prefix(me + "/"));
      assertThat(sub.get("presence", Bytes.of(me + "/calls"))).isEmpty();
      assertThat(primary.get("presence", Bytes.of(them))).isEmpty();
      // Runtime state, not configuration: only the table's creation is audited.
      List<AuditRecord> audited = new ArrayList<>();
      for (org.clusterdb.api.KeyValue kv :
          primary.range(TableNames.AUDIT, KeyRange.all(), ReadOptions.DEFAULT).kvs()) {
        AuditRecord a = AuditRecord.parseFrom(kv.value().toByteArray());
        if (a.getTable().equals("presence")) {
          audited.add(a);
        }
      }
      assertThat(audited)
          .extracting(AuditRecord::getAction)
          .containsExactly(AuditRecord.Action.CREATE_TABLE);

      // The primary stops: configuration is read-only, a member's own rows are not.
      cluster.stop(leader);
      int next = cluster.awaitLeader();
      assertThat(next).isNotEqualTo(leader);
      assertThatThrownBy(() -> sub.put("zones", "z", "1"))
          .isInstanceOfSatisfying(
              ClusterDbException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.PRIMARY_UNAVAILABLE));
      sub.put("presence", me, "still up");
      assertThatThrownBy(() -> sub.put("presence", them, "taken over"))
          .isInstanceOfSatisfying(
              ClusterDbException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
      // The exemption is for writes of peer-owned rows only, even in one transaction.
      assertThatThrownBy(
              () ->
                  sub.txn(
                      org.clusterdb.api.Txn.of(
                          org.clusterdb.api.Op.put("presence", Bytes.of(me), Bytes.of("a")),
                          org.clusterdb.api.Op.put("zones", Bytes.of("z"), Bytes.of("b")))))
          .isInstanceOfSatisfying(
              ClusterDbException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.PRIMARY_UNAVAILABLE));
    }
  }

  @Test
  void peerTablesCannotHavePeerOwnedRows() {
    try (MiniCluster cluster = MiniCluster.start(1, dir)) {
      cluster.awaitLeader();
      assertThatThrownBy(
              () ->
                  cluster
                      .member(0)
                      .blocking()
                      .createTable("mine", new TableOptions(TableScope.PEER, false, true)))
          .isInstanceOfSatisfying(
              ClusterDbException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.field()).contains("options.peerOwnedRows");
              });
    }
  }

  @Test
  void usageRowsAddUpAndAStoppedMembersRowGoesWithItsLease() throws Exception {
    try (MiniCluster cluster =
        MiniCluster.start(
            3,
            dir,
            b ->
                b.platform("Medium VM")
                    .optionKeys(Set.of("rich-media-sessions=" + RMS_PER_PEER, "expressway")))) {
      cluster.awaitLeader();
      for (int i = 0; i < 3; i++) {
        cluster
            .member(i)
            .usage()
            .publish(Map.of("registrations", 10L * (i + 1), "audio-calls", (long) i))
            .get();
      }
      UsageReport r = cluster.member(0).usage().report().get();
      assertThat(r.peers()).extracting(p -> p.memberId()).containsExactly("p1", "p2", "p3");
      assertThat(r.totals()).containsEntry("registrations", 60L).containsEntry("audio-calls", 3L);
      assertThat(r.licenses()).containsEntry("rich-media-sessions", 3L * RMS_PER_PEER);
      assertThat(r.configuredPeers()).isEqualTo(3);
      // Medium VM: 2,500 registrations a peer, 7,500 for three.
      assertThat(r.capacity()).containsEntry("registrations", 7500L);
      assertThat(r.remaining()).containsEntry("rms", 3L * RMS_PER_PEER);
      // Registrations need licences and no peer has any.
      assertThat(r.remaining()).containsEntry("registrations", 0L);
      long lease = r.peers().get(2).lease();
      assertThat(lease).isPositive();

      // The rows are ordinary replicated state: attached to each member's lease.
      assertThat(
              cluster
                  .member(1)
                  .blocking()
                  .get(TableNames.USAGE, Bytes.of("p3"), org.clusterdb.api.Consistency.LOCAL)
                  .orElseThrow()
                  .lease())
          .isEqualTo(lease);

      cluster.stop(2);
      UsageReport after =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> cluster.member(0).usage().report().get(), u -> u.peers().size() == 2);
      assertThat(after.totals()).containsEntry("registrations", 30L);
      assertThat(after.licenses()).containsEntry("rich-media-sessions", 2L * RMS_PER_PEER);
      assertThat(after.liveCapacity()).containsEntry("registrations", 5000L);
      assertThat(after.capacity()).containsEntry("registrations", 7500L);
      Lease gone = new Lease(lease, Duration.ofSeconds(5));
      assertThatThrownBy(() -> cluster.member(0).leases().timeToLive(gone.id()).get())
          .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.LEASE_NOT_FOUND));
    }
  }

  /**
   * Three members admit RMS sessions at once, round after round, against the licences they pool;
   * every revision of the usage table, as a watch saw it from the start, stays within the pool, and
   * each round ends with the pool exactly used.
   */
  @Test
  void concurrentAdmissionsOnThreeMembersNeverExceedThePooledLicences() throws Exception {
    int rounds = 6;
    int pool = 3 * RMS_PER_PEER;
    try (MiniCluster cluster =
        MiniCluster.start(
            3,
            dir,
            b ->
                b.platform("Large VM").optionKeys(Set.of("rich-media-sessions=" + RMS_PER_PEER)))) {
      cluster.awaitLeader();
      for (int i = 0; i < 3; i++) {
        cluster.member(i).usage().publish(Map.of()).get();
      }
      long from = cluster.member(0).currentHeader().revision() + 1;
      Map<String, Long> rmsByMember = new HashMap<>();
      ConcurrentLinkedQueue<String> over = new ConcurrentLinkedQueue<>();
      long[] lastSeen = {0};
      cluster
          .member(0)
          .watch(
              new WatchRequest(TableNames.USAGE, Bytes.EMPTY, from),
              (revision, events) -> {
                synchronized (rmsByMember) {
                  for (WatchEvent e : events) {
                    String id = e.kv().key().toStringUtf8();
                    if (e.type() == WatchEvent.Type.DELETE) {
                      rmsByMember.remove(id);
                    } else {
                      rmsByMember.put(id, rms(e.kv().value().toByteArray()));
                    }
                  }
                  long sum = rmsByMember.values().stream().mapToLong(Long::longValue).sum();
                  if (sum > pool) {
                    over.add("revision " + revision + ": " + rmsByMember);
                  }
                  lastSeen[0] = revision;
                }
              });
      ExecutorService threads = Executors.newFixedThreadPool(3);
      try {
        for (int round = 0; round < rounds; round++) {
          CyclicBarrier start = new CyclicBarrier(3);
          List<Future<Integer>> admitted = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            ClusterDb m = cluster.member(i);
            admitted.add(
                threads.submit(
                    () -> {
                      start.await();
                      int n = 0;
                      // Bounded: the pool is 15, so at most 15 succeed in all.
                      for (int tries = 0; tries <= pool; tries++) {
                        Admission a = m.usage().admit("rms", 1).get();
                        if (!a.admitted()) {
                          assertThat(a.used()).isEqualTo(pool);
                          assertThat(a.limit()).isEqualTo(pool);
                          return n;
                        }
                        n++;
                      }
                      return n;
                    }));
          }
          int total = 0;
          for (Future<Integer> f : admitted) {
            total += f.get();
          }
          assertThat(total).as("admitted in round %d", round).isEqualTo(pool);
          UsageReport r = cluster.member(1).usage().report().get();
          assertThat(r.totals()).containsEntry("rms", (long) pool);
          assertThat(r.remaining()).containsEntry("rms", 0L);
          List<CompletableFuture<?>> releases = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            long mine = r.peers().get(i).counters().getOrDefault("rms", 0L);
            if (mine > 0) {
              releases.add(cluster.member(i).usage().release("rms", mine));
            }
          }
          CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new)).get();
        }
      } finally {
        threads.shutdownNow();
      }
      long end = cluster.member(0).currentHeader().revision();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                synchronized (rmsByMember) {
                  return lastSeen[0] >= end;
                }
              });
      assertThat(over).isEmpty();
      // Each round wrote at least the pool's admissions and a release: the watch saw them all.
      assertThat(end - from).isGreaterThanOrEqualTo((long) rounds * (pool + 1));
    }
  }

  private static long rms(byte[] value) {
    try {
      return UsageRecord.parseFrom(value).getCountersOrDefault("rms", 0L);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void badUsageIsRefusedWithTheField() {
    try (MiniCluster cluster = MiniCluster.start(1, dir)) {
      cluster.awaitLeader();
      ClusterDb m = cluster.member(0);
      assertThatThrownBy(() -> m.usage().admit("RMS!", 1).get())
          .satisfies(e -> assertThat(BlockingKeyValueStore.unwrap(e).field()).contains("kind"));
      assertThatThrownBy(() -> m.usage().publish(Map.of("Bad Kind", 1L)).get())
          .satisfies(e -> assertThat(BlockingKeyValueStore.unwrap(e).field()).contains("counters"));
      assertThatThrownBy(() -> m.usage().admit("rms", 0).get())
          .satisfies(e -> assertThat(BlockingKeyValueStore.unwrap(e).field()).contains("n"));
      assertThatThrownBy(() -> m.usage().publish(Map.of("rms", -1L)).get())
          .satisfies(
              e -> assertThat(BlockingKeyValueStore.unwrap(e).field()).contains("counters.rms"));
    }
  }
}
