package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.Compare;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.Op;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(180)
class RestartTest {
  @TempDir Path dir;

  @Test
  void restartingEveryPeerGivesBackIdenticalStateAndRevision() {
    try (MiniCluster cluster =
        MiniCluster.start(3, dir, b -> b.snapshotEveryEntries(25).logPurgeGap(4))) {
      BlockingKeyValueStore db = cluster.member(cluster.awaitLeader()).blocking();
      db.createTable("zones", TableScope.CLUSTER);
      db.createTable("rules", TableScope.CLUSTER);
      for (int i = 0; i < 60; i++) {
        db.put("zones", "zone-" + i, "v" + i);
        if (i % 3 == 0) {
          db.txn(
              Txn.when(Compare.version("rules", Bytes.of("r" + i)).equalTo(0))
                  .then(
                      Op.put("rules", Bytes.of("r" + i), Bytes.of("allow")),
                      Op.delete("zones", KeyRange.key("zone-" + (i / 2)))));
        }
      }
      long revision = cluster.awaitConverged();
      List<List<KeyValue>> before = snapshotOfEveryPeer(cluster);

      for (int i = 0; i < cluster.size(); i++) {
        cluster.stop(i);
      }
      for (int i = 0; i < cluster.size(); i++) {
        cluster.restart(i);
      }
      // A cold start of every member (log replay, elections, the primary taking the lead back)
      // shares two cores with the other fork in CI: give it more than a single failover.
      int leader = cluster.awaitLeader(Duration.ofSeconds(90));
      assertThat(cluster.awaitConverged()).isEqualTo(revision);
      assertThat(snapshotOfEveryPeer(cluster)).isEqualTo(before);

      // The next write continues the same revision sequence: nothing was applied twice.
      long next = cluster.member(leader).blocking().put("zones", "after", "x").header().revision();
      assertThat(next).isEqualTo(revision + 1);
    }
  }

  private static List<List<KeyValue>> snapshotOfEveryPeer(MiniCluster cluster) {
    List<List<KeyValue>> all = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      for (String table : List.of("zones", "rules")) {
        all.add(cluster.member(i).range(table, KeyRange.all(), ReadOptions.local()).join().kvs());
      }
    }
    return all;
  }
}
