package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.TableScope;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.core.config.WritePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server processes under plain Raft (ANY_LEADER): kill -9 the leader while writing; writes go
 * on under the next leader and nothing acknowledged is lost. Under the default PRIMARY_ONLY policy
 * the same kill makes cluster tables read-only instead: see {@link PrimaryUnavailableIT}.
 */
@Timeout(240)
class ProcessFailoverIT {
  @TempDir Path dir;

  @Test
  void leaderKilledUnderWriteLoadLosesNoAcknowledgedWrite() throws Exception {
    try (ServerProcesses cluster =
            ServerProcesses.start(3, dir, b -> b.writePolicy(WritePolicy.ANY_LEADER));
        ClusterDbClient client = cluster.client()) {
      int leader = cluster.awaitLeader();
      BlockingKeyValueStore db = client.blocking();
      db.createTable("t", TableScope.CLUSTER);

      Map<String, String> acked = new ConcurrentHashMap<>();
      AtomicInteger indeterminate = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      Thread writer =
          new Thread(
              () -> {
                // Bounded in count; the test also stops it.
                for (int i = 0; i < 5000 && !stop.get(); i++) {
                  try {
                    db.put("t", "k" + i, "v" + i);
                    acked.put("k" + i, "v" + i);
                  } catch (ClusterDbException e) {
                    if (!e.definite()) {
                      indeterminate.incrementAndGet();
                    }
                  }
                }
              });
      writer.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= 50);

      cluster.kill(leader);
      int before = acked.size();
      int newLeader = cluster.awaitLeader();
      assertThat(newLeader).isNotEqualTo(leader);
      await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= before + 50);
      stop.set(true);
      writer.join(60_000);

      for (Map.Entry<String, String> e : acked.entrySet()) {
        assertThat(db.get("t", e.getKey()))
            .as("acknowledged write %s", e.getKey())
            .map(KeyValue::value)
            .contains(Bytes.of(e.getValue()));
      }
      long stored = db.range("t", KeyRange.all(), ReadOptions.DEFAULT.withCountOnly(true)).count();
      assertThat(stored).isBetween((long) acked.size(), (long) acked.size() + indeterminate.get());

      // The killed peer comes back from its data directory and catches up.
      cluster.restart(leader);
      try (ClusterDbClient back = cluster.client(leader)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                () ->
                    back.range("t", KeyRange.all(), ReadOptions.local().withCountOnly(true))
                            .join()
                            .count()
                        == stored);
      }
    }
  }

  @Test
  void sigtermStopsAPeerCleanlyAndItRestartsConsistent() throws Exception {
    try (ServerProcesses cluster = ServerProcesses.start(3, dir);
        ClusterDbClient client = cluster.client()) {
      cluster.awaitLeader();
      BlockingKeyValueStore db = client.blocking();
      db.createTable("t", TableScope.CLUSTER);
      for (int i = 0; i < 100; i++) {
        db.put("t", "k" + i, "v" + i);
      }
      int victim = 1;
      long started = System.nanoTime();
      int exit = cluster.terminate(victim);
      // A JVM ended by SIGTERM after its shutdown hook exits with 143.
      assertThat(exit).isIn(0, 143);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
      db.put("t", "after", "x");

      cluster.restart(victim);
      try (ClusterDbClient back = cluster.client(victim)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                () ->
                    back.range("t", KeyRange.all(), ReadOptions.local().withCountOnly(true))
                            .join()
                            .count()
                        == 101);
      }
    }
  }
}
