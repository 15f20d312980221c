package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.PrimaryUnavailableException;
import org.clusterdb.api.TableScope;
import org.clusterdb.client.ClusterDbClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's rule with real processes: while the configuration primary is down, cluster tables are
 * read-only (a definite, typed PRIMARY_UNAVAILABLE naming the primary) and peer tables stay
 * writable; when the primary is back it leads again and writes are accepted.
 */
@Timeout(240)
class PrimaryUnavailableIT {
  @TempDir Path dir;

  @Test
  void clusterWritesWaitForThePrimary() throws Exception {
    try (ServerProcesses cluster = ServerProcesses.start(3, dir)) {
      // The primary, peer 1, leads; another peer may win the first election and hand over.
      await().atMost(Duration.ofSeconds(60)).until(() -> cluster.awaitLeader() == 0);
      try (ClusterDbClient client = cluster.client()) {
        client.blocking().createTable("zones", TableScope.CLUSTER);
        client.blocking().put("zones", "a", "1");
      }

      cluster.kill(0);
      assertThat(cluster.awaitLeader()).isNotZero();
      try (ClusterDbClient survivors =
          ClusterDbClient.builder()
              .endpoints(List.of(cluster.peer(1).clientAddress(), cluster.peer(2).clientAddress()))
              .requestTimeout(Duration.ofSeconds(3))
              .build()) {
        // While the survivors settle on a leader a write may time out; the typed refusal must come.
        AtomicReference<Throwable> refusal = new AtomicReference<>();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  try {
                    survivors.blocking().put("zones", "b", "2");
                    throw new AssertionError("a cluster write was accepted without the primary");
                  } catch (PrimaryUnavailableException e) {
                    refusal.set(e);
                    return true;
                  } catch (ClusterDbException e) {
                    assertThat(e.code()).isIn(ErrorCode.TIMEOUT, ErrorCode.NO_LEADER);
                    return false;
                  }
                });
        assertThat(refusal.get())
            .isInstanceOfSatisfying(
                PrimaryUnavailableException.class,
                e -> {
                  assertThat(e.code()).isEqualTo(ErrorCode.PRIMARY_UNAVAILABLE);
                  assertThat(e.definite()).isTrue();
                  assertThat(e.primaryId()).isEqualTo("p1");
                });
        assertThat(survivors.blocking().get("zones", "a"))
            .map(KeyValue::value)
            .contains(Bytes.of("1"));
        assertThat(survivors.blocking().get("zones", "b")).isEmpty();
      }
      try (ClusterDbClient peer2 = cluster.client(1)) {
        peer2.blocking().createTable("lan", TableScope.PEER);
        peer2.blocking().put("lan", "ipv4", "10.0.0.2");
        assertThat(peer2.blocking().get("lan", "ipv4")).isPresent();
      }

      cluster.restart(0);
      await().atMost(Duration.ofSeconds(60)).until(() -> cluster.awaitLeader() == 0);
      try (ClusterDbClient client = cluster.client()) {
        client.blocking().put("zones", "b", "2");
        assertThat(client.blocking().get("zones", "b"))
            .map(KeyValue::value)
            .contains(Bytes.of("2"));
      }
    }
  }
}
