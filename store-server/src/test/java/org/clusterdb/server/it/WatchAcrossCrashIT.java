package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.client.ClusterDbClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A watch served by a peer that is killed resumes elsewhere with no gap and no duplicate. */
@Timeout(240)
class WatchAcrossCrashIT {
  @TempDir Path dir;

  @Test
  void watchResumesOnAnotherPeerWithoutGapOrDuplicate() throws Exception {
    try (ServerProcesses cluster = ServerProcesses.start(3, dir);
        ClusterDbClient writer = cluster.client()) {
      int leader = cluster.awaitLeader();
      int served = (leader + 1) % 3;
      int other = (leader + 2) % 3;
      BlockingKeyValueStore db = writer.blocking();
      db.createTable("t", TableScope.CLUSTER);
      long start = db.put("t", "k0", "v").header().revision();

      List<Long> revisions = new CopyOnWriteArrayList<>();
      List<String> keys = new CopyOnWriteArrayList<>();
      List<ClusterDbException> errors = new CopyOnWriteArrayList<>();
      try (ClusterDbClient watcher =
              ClusterDbClient.builder()
                  .endpoints(
                      List.of(
                          cluster.peer(served).clientAddress(),
                          cluster.peer(other).clientAddress()))
                  .build();
          Watch w =
              watcher.watch(
                  WatchRequest.table("t").fromRevision(start),
                  new WatchListener() {
                    @Override
                    public void onEvents(long revision, List<WatchEvent> events) {
                      revisions.add(revision);
                      events.forEach(e -> keys.add(e.kv().key().toStringUtf8()));
                    }

                    @Override
                    public void onError(ClusterDbException e) {
                      errors.add(e);
                    }
                  })) {
        List<Long> written = new ArrayList<>(List.of(start));
        for (int i = 1; i <= 30; i++) {
          written.add(db.put("t", "k" + i, "v").header().revision());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> revisions.size() >= 31);

        cluster.kill(served);
        for (int i = 31; i <= 60; i++) {
          written.add(db.put("t", "k" + i, "v").header().revision());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> revisions.size() >= 61);

        assertThat(errors).isEmpty();
        assertThat(revisions).containsExactlyElementsOf(written);
        assertThat(keys).hasSize(61).doesNotHaveDuplicates();
        assertThat(w.nextRevision()).isEqualTo(written.get(60) + 1);
      }
    }
  }
}
