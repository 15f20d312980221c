package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Op;
import org.clusterdb.api.PutResult;
import org.clusterdb.api.RequestId;
import org.clusterdb.api.Table;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.clusterdb.api.TxnResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A remote client's retried write, arriving at any member, applies once. */
@Timeout(120)
class RequestDedupTest {
  @TempDir Path dir;

  @Test
  void aRetriedWriteOnAnotherMemberAppliesOnceAndGetsTheFirstOutcome() {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      int leader = cluster.awaitLeader();
      BlockingKeyValueStore db = cluster.member(leader).blocking();
      db.createTable("t", TableScope.CLUSTER);
      Bytes client = Bytes.of("client-0123456789");
      Txn incr = Txn.of(Op.put("t", Bytes.of("counter"), Bytes.of("1")));

      TxnResult first = cluster.member(0).forRequest(new RequestId(client, 1, 0)).txn(incr).join();
      TxnResult retry = cluster.member(2).forRequest(new RequestId(client, 1, 0)).txn(incr).join();

      assertThat(retry.header().revision()).isEqualTo(first.header().revision());
      assertThat(((PutResult) retry.results().get(0)).previous()).isEmpty();
      assertThat(db.get("t", "counter").orElseThrow().version()).isEqualTo(1);

      // A new seq is a new write.
      cluster.member(1).forRequest(new RequestId(client, 2, 1)).txn(incr).join();
      assertThat(db.get("t", "counter").orElseThrow().version()).isEqualTo(2);
    }
  }

  @Test
  void aRetriedCreateTableReturnsTheFirstSuccessNotTableExists() {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      cluster.awaitLeader();
      RequestId id = new RequestId(Bytes.of("client-a"), 7, 0);
      Table created =
          cluster.member(0).forRequest(id).createTable("zones", TableScope.CLUSTER).join();
      Table again =
          cluster.member(1).forRequest(id).createTable("zones", TableScope.CLUSTER).join();
      assertThat(again).isEqualTo(created);

      ClusterDbException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              ClusterDbException.class,
              () -> cluster.member(1).blocking().createTable("zones", TableScope.CLUSTER));
      assertThat(e.code()).isEqualTo(ErrorCode.TABLE_EXISTS);
    }
  }
}
