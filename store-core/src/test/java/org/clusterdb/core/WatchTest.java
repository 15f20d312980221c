package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.CompactedException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Op;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class WatchTest {
  @TempDir Path dir;

  /** Records deliveries: revisions must strictly increase, per the listener contract. */
  static final class Recorder implements WatchListener {
    final List<Long> revisions = new CopyOnWriteArrayList<>();
    final List<WatchEvent> events = new CopyOnWriteArrayList<>();
    final AtomicReference<ClusterDbException> error = new AtomicReference<>();

    @Override
    public void onEvents(long revision, List<WatchEvent> batch) {
      revisions.add(revision);
      events.addAll(batch);
    }

    @Override
    public void onError(ClusterDbException e) {
      error.set(e);
    }

    List<String> keys() {
      List<String> keys = new ArrayList<>();
      events.forEach(e -> keys.add(e.type() + ":" + e.kv().key().toStringUtf8()));
      return keys;
    }
  }

  @Test
  void watchFromAnOldRevisionGetsExactlyTheLaterEventsInOrderOnEveryPeer() {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      BlockingKeyValueStore db = cluster.member(cluster.awaitLeader()).blocking();
      db.createTable("zones", TableScope.CLUSTER);
      long start = 0;
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        long rev = db.put("zones", "z" + i, "v" + i).header().revision();
        if (i == 4) {
          start = rev + 1;
        }
        if (i > 4) {
          expected.add("PUT:z" + i);
        }
      }
      db.txn(
          Txn.of(
              Op.put("zones", Bytes.of("za"), Bytes.of("1")),
              Op.delete("zones", org.clusterdb.api.KeyRange.key("z0"))));
      expected.add("PUT:za");
      expected.add("DELETE:z0");
      cluster.awaitConverged();

      List<Recorder> recorders = new ArrayList<>();
      List<Watch> watches = new ArrayList<>();
      for (int i = 0; i < cluster.size(); i++) {
        Recorder r = new Recorder();
        watches.add(cluster.member(i).watch(WatchRequest.table("zones").fromRevision(start), r));
        recorders.add(r);
      }
      db.put("zones", "live", "x");
      expected.add("PUT:live");
      db.put("zones", "z9", "again");
      expected.add("PUT:z9");

      for (Recorder r : recorders) {
        await().atMost(Duration.ofSeconds(10)).until(() -> r.events.size() >= expected.size());
        assertThat(r.keys()).isEqualTo(expected);
        assertThat(r.revisions).isSorted().doesNotHaveDuplicates();
        assertThat(r.revisions.get(0)).isEqualTo(start);
      }
      watches.forEach(Watch::close);
    }
  }

  @Test
  void watchWithAPrefixSeesOnlyMatchingKeys() {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      BlockingKeyValueStore db = cluster.member(cluster.awaitLeader()).blocking();
      db.createTable("rules", TableScope.CLUSTER);
      Recorder r = new Recorder();
      try (Watch w =
          cluster.member(1).watch(WatchRequest.table("rules").withPrefix(Bytes.of("sip/")), r)) {
        db.put("rules", "h323/a", "1");
        db.put("rules", "sip/a", "2");
        db.put("rules", "sip/b", "3");
        await().atMost(Duration.ofSeconds(10)).until(() -> r.events.size() >= 2);
        assertThat(r.keys()).containsExactly("PUT:sip/a", "PUT:sip/b");
        assertThat(w.nextRevision()).isEqualTo(r.revisions.get(1) + 1);
      }
    }
  }

  @Test
  void watchFromACompactedRevisionFailsWithTheOldestAvailable() {
    try (MiniCluster cluster = MiniCluster.start(3, dir, b -> b.watchHistoryRevisions(5))) {
      BlockingKeyValueStore db = cluster.member(cluster.awaitLeader()).blocking();
      db.createTable("t", TableScope.CLUSTER);
      long last = 0;
      for (int i = 0; i < 20; i++) {
        last = db.put("t", "k" + i, "v").header().revision();
      }
      cluster.awaitConverged();
      Recorder r = new Recorder();
      cluster.member(0).watch(WatchRequest.table("t").fromRevision(2), r);
      await().atMost(Duration.ofSeconds(10)).until(() -> r.error.get() != null);
      assertThat(r.error.get()).isInstanceOf(CompactedException.class);
      assertThat(r.error.get().code()).isEqualTo(ErrorCode.COMPACTED);
      long oldest = ((CompactedException) r.error.get()).oldestRevision();
      assertThat(oldest).isEqualTo(last - 5 + 1);

      // From the oldest retained revision the history is complete.
      Recorder ok = new Recorder();
      cluster.member(0).watch(WatchRequest.table("t").fromRevision(oldest), ok);
      await().atMost(Duration.ofSeconds(10)).until(() -> ok.revisions.size() == 5);
      assertThat(ok.revisions).containsExactly(oldest, oldest + 1, oldest + 2, oldest + 3, last);
      assertThat(ok.error.get()).isNull();
    }
  }
}
