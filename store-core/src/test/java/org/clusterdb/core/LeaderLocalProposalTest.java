package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.Op;
import org.clusterdb.api.RequestId;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.clusterdb.api.TxnResult;
import org.clusterdb.core.config.WritePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identified writes go to the leader the member knows, to its own Raft server when it leads; when
 * leadership moves with such writes pending, they are sent again to the next leader and still apply
 * once.
 */
@Timeout(180)
class LeaderLocalProposalTest {
  @TempDir Path dir;

  /**
   * Ratis completes a local submission on its own threads, some holding its server lock; a
   * continuation that submits again from there blocks on that lock (a leader went silent under load
   * this way). So callers must be called back on the member's own threads.
   */
  @Test
  void theLeaderAnswersAnIdentifiedWriteOnItsOwnThreadsNotRatiss() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      int leader = cluster.awaitLeader();
      ClusterDb db = cluster.member(leader);
      db.blocking().createTable("t", TableScope.CLUSTER);
      Bytes client = Bytes.of("client-reply-thread");
      String caller = Thread.currentThread().getName();
      List<String> threads = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        Txn put = Txn.of(Op.put("t", Bytes.of("k" + i), Bytes.of("v")));
        threads.add(
            db.forRequest(new RequestId(client, i, 0))
                .txn(put)
                .thenApply(r -> Thread.currentThread().getName())
                .get(30, TimeUnit.SECONDS));
      }
      // A write already complete when the callback is attached runs it on the caller's thread.
      assertThat(threads)
          .allMatch(name -> name.startsWith("clusterdb-replies-") || name.equals(caller))
          .anyMatch(name -> name.startsWith("clusterdb-replies-"));
    }
  }

  @Test
  void identifiedWritesPendingWhenTheLeaderStepsDownSucceedOnceUnderTheNextLeader()
      throws Exception {
    try (MiniCluster cluster =
        MiniCluster.start(
            3,
            dir,
            b ->
                b.writePolicy(WritePolicy.ANY_LEADER)
                    .requestTimeout(Duration.ofSeconds(60))
                    // Long enough that stopping both followers leaves it leading for a while.
                    .electionTimeout(Duration.ofSeconds(4), Duration.ofSeconds(5)))) {
      int leader = cluster.awaitLeader();
      ClusterDb db = cluster.member(leader);
      db.blocking().createTable("t", TableScope.CLUSTER);
      List<Integer> followers = new ArrayList<>(cluster.running());
      followers.remove(Integer.valueOf(leader));
      followers.forEach(cluster::stop);

      Bytes client = Bytes.of("client-local-proposal");
      List<CompletableFuture<TxnResult>> writes = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        Txn put = Txn.of(Op.put("t", Bytes.of("k" + i), Bytes.of("v" + i)));
        writes.add(db.forRequest(new RequestId(client, i, 0)).txn(put));
      }
      // Alone it cannot commit them, and it steps down once a majority's heartbeats are missing.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> db.status().role() != MemberStatus.Role.LEADER);
      assertThat(writes).noneMatch(CompletableFuture::isDone);
      followers.forEach(cluster::restart);

      for (CompletableFuture<TxnResult> w : writes) {
        assertThat(w.get(90, TimeUnit.SECONDS).succeeded()).isTrue();
      }
      BlockingKeyValueStore any = cluster.member(cluster.awaitLeader()).blocking();
      for (int i = 1; i <= 5; i++) {
        KeyValue kv = any.get("t", Bytes.of("k" + i), Consistency.LINEARIZABLE).orElseThrow();
        assertThat(kv.value()).isEqualTo(Bytes.of("v" + i));
        assertThat(kv.version()).as("k%d written once", i).isEqualTo(1);
      }
    }
  }

  @Test
  void identifiedWritesOnAFollowerWhileTheLeaderIsDownApplyOnceUnderTheNextLeader()
      throws Exception {
    try (MiniCluster cluster =
        MiniCluster.start(3, dir, b -> b.writePolicy(WritePolicy.ANY_LEADER))) {
      int leader = cluster.awaitLeader();
      cluster.member(leader).blocking().createTable("t", TableScope.CLUSTER);
      int follower = cluster.aFollower();
      ClusterDb db = cluster.member(follower);
      Bytes client = Bytes.of("client-forward");
      List<CompletableFuture<TxnResult>> writes = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        Txn put = Txn.of(Op.put("t", Bytes.of("k" + i), Bytes.of("v" + i)));
        writes.add(db.forRequest(new RequestId(client, i, 0)).txn(put));
        if (i == 5) {
          // Some are in flight to it, the rest are proposed while no leader is known.
          cluster.stop(leader);
        }
      }

      for (CompletableFuture<TxnResult> w : writes) {
        assertThat(w.get(60, TimeUnit.SECONDS).succeeded()).isTrue();
      }
      int next = cluster.awaitLeader();
      assertThat(next).isNotEqualTo(leader);
      BlockingKeyValueStore any = cluster.member(next).blocking();
      for (int i = 1; i <= 10; i++) {
        KeyValue kv = any.get("t", Bytes.of("k" + i), Consistency.LINEARIZABLE).orElseThrow();
        assertThat(kv.value()).isEqualTo(Bytes.of("v" + i));
        assertThat(kv.version()).as("k%d written once", i).isEqualTo(1);
      }
    }
  }
}
