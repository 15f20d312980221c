package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.PutResult;
import org.clusterdb.api.TableScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationTest {
  @TempDir static Path dir;
  MiniCluster cluster;

  @BeforeAll
  void startCluster() {
    cluster = MiniCluster.start(3, dir);
    cluster.awaitLeader();
    cluster.member(0).blocking().createTable("zones", TableScope.CLUSTER);
  }

  @AfterAll
  void stopCluster() {
    cluster.close();
  }

  @Test
  void writeAcknowledgedOnLeaderIsLinearizablyReadableOnEveryPeer() {
    int leader = cluster.awaitLeader();
    PutResult put = cluster.member(leader).blocking().put("zones", "z1", "edge");
    for (int i = 0; i < cluster.size(); i++) {
      // No waiting: a linearizable read on any peer reflects every acknowledged write.
      KeyValue kv = cluster.member(i).blocking().get("zones", "z1").orElseThrow();
      assertThat(kv.value()).isEqualTo(Bytes.of("edge"));
      assertThat(kv.modRevision()).isEqualTo(put.header().revision());
    }
  }

  @Test
  void writeThroughAFollowerIsForwardedToTheLeader() {
    int follower = cluster.aFollower();
    PutResult put = cluster.member(follower).blocking().put("zones", "via-follower", "ok");
    assertThat(put.header().memberId()).isEqualTo(cluster.config(follower).memberId());
    int leader = cluster.awaitLeader();
    assertThat(cluster.member(leader).blocking().get("zones", "via-follower"))
        .map(KeyValue::value)
        .contains(Bytes.of("ok"));
  }

  @Test
  void localReadsConvergeOnEveryPeer() {
    int leader = cluster.awaitLeader();
    long revision = 0;
    for (int i = 0; i < 20; i++) {
      revision =
          cluster.member(leader).blocking().put("zones", "k" + i, "v" + i).header().revision();
    }
    long target = revision;
    for (int i = 0; i < cluster.size(); i++) {
      ClusterDb member = cluster.member(i);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> member.blocking().get("zones", Bytes.of("k19"), Consistency.LOCAL).isPresent());
      var local =
          member
              .range(
                  "zones",
                  org.clusterdb.api.KeyRange.prefix("k"),
                  org.clusterdb.api.ReadOptions.local())
              .join();
      assertThat(local.header().revision()).isGreaterThanOrEqualTo(target);
      assertThat(local.count()).isEqualTo(20);
    }
  }

  @Test
  void revisionsIncreaseByOnePerWriteAndKeyMetadataTracksWrites() {
    var db = cluster.member(cluster.awaitLeader()).blocking();
    PutResult first = db.put("zones", "meta", "a");
    PutResult second = db.put("zones", "meta", "b");
    assertThat(second.header().revision()).isEqualTo(first.header().revision() + 1);
    assertThat(second.previous()).map(KeyValue::value).contains(Bytes.of("a"));
    KeyValue kv = db.get("zones", "meta").orElseThrow();
    assertThat(kv.createRevision()).isEqualTo(first.header().revision());
    assertThat(kv.modRevision()).isEqualTo(second.header().revision());
    assertThat(kv.version()).isEqualTo(2);
  }
}
