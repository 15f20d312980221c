package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.Compare;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.Op;
import org.clusterdb.api.Table;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class PeerTablesTest {
  @TempDir Path dir;

  @Test
  void aPeerTableWriteIsInvisibleToOtherPeersAndSurvivesRestart() {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      cluster.awaitLeader();
      ClusterDb p2 = cluster.member(1);
      Table lan = p2.blocking().createTable("lan", TableScope.PEER);
      p2.blocking().put("lan", "ipv4.address", "10.15.13.16");

      for (int other : List.of(0, 2)) {
        assertThatThrownBy(() -> cluster.member(other).blocking().get("lan", "ipv4.address"))
            .isInstanceOfSatisfying(
                ClusterDbException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TABLE));
        assertThat(cluster.member(other).blocking().listTables(Consistency.LOCAL))
            .extracting(Table::name)
            .doesNotContain("lan");
      }
      // The same name as a peer table on another peer holds that peer's own value.
      cluster.member(0).blocking().createTable("lan", TableScope.PEER);
      cluster.member(0).blocking().put("lan", "ipv4.address", "10.15.13.15");

      cluster.restart(1);
      cluster.awaitLeader();
      assertThat(cluster.member(1).blocking().get("lan", "ipv4.address"))
          .map(KeyValue::value)
          .contains(Bytes.of("10.15.13.16"));
      assertThat(cluster.member(0).blocking().get("lan", "ipv4.address"))
          .map(KeyValue::value)
          .contains(Bytes.of("10.15.13.15"));
      assertThat(cluster.member(1).blocking().listTables(Consistency.LOCAL)).contains(lan);
    }
  }

  @Test
  void peerTablesAreWritableWithoutAQuorumAndDoNotMixWithClusterTables() {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      int leader = cluster.awaitLeader();
      cluster.member(leader).blocking().createTable("zones", TableScope.CLUSTER);
      int follower = cluster.aFollower();
      ClusterDb db = cluster.member(follower);
      db.blocking().createTable("local", TableScope.PEER);
      cluster.awaitConverged();

      assertThatThrownBy(() -> db.blocking().createTable("zones", TableScope.PEER))
          .isInstanceOfSatisfying(
              ClusterDbException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.TABLE_EXISTS));
      assertThatThrownBy(() -> db.blocking().createTable("local", TableScope.CLUSTER))
          .isInstanceOfSatisfying(
              ClusterDbException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.TABLE_EXISTS));
      assertThatThrownBy(
              () ->
                  db.blocking()
                      .txn(
                          Txn.of(
                              Op.put("zones", Bytes.of("a"), Bytes.of("1")),
                              Op.put("local", Bytes.of("b"), Bytes.of("2")))))
          .isInstanceOfSatisfying(
              ClusterDbException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.field()).contains("txn");
              });

      // Peer tables keep working with every other peer down.
      for (int i : cluster.running()) {
        if (i != follower) {
          cluster.stop(i);
        }
      }
      db.blocking().put("local", "k", "v1");
      var result =
          db.blocking()
              .txn(
                  Txn.when(Compare.value("local", Bytes.of("k")).equalTo(Bytes.of("v1")))
                      .then(Op.put("local", Bytes.of("k"), Bytes.of("v2"))));
      assertThat(result.succeeded()).isTrue();
      assertThat(db.blocking().get("local", "k").orElseThrow().version()).isEqualTo(2);
    }
  }
}
