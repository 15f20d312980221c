package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.clusterdb.server.it.MembershipIT.activeAlarms;
import static org.clusterdb.server.it.MembershipIT.allActive;
import static org.clusterdb.server.it.MembershipIT.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.TableScope;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.core.CorruptionTest;
import org.clusterdb.core.MiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's "database failure" with a real server process: a peer whose Raft log was damaged while
 * it was down stays up but serves no data, shows Database failure (20010) on its clustering page
 * and refuses reads naming the damage; the documented recovery (stop, purge, start) brings it back
 * Active with the cluster's data, and the alarm clears.
 */
@Timeout(300)
class DatabaseFailureIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(500);

  @TempDir Path dir;

  /** Whether peer {@code i}'s own replica holds {@code key} in {@code table}. */
  static boolean holds(ServerProcesses cluster, int i, String table, String key) {
    try (ClusterDbClient c = cluster.client(i)) {
      return c.blocking().get(table, Bytes.of(key), Consistency.LOCAL).isPresent();
    }
  }

  private static HttpResponse<String> get(String uri) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aDamagedPeerRefusesToServeAndThePurgeRecoveryBringsItBack() throws Exception {
    List<Integer> httpPorts = MiniCluster.freePorts(3);
    try (ServerProcesses cluster =
        ServerProcesses.prepare(3, dir, (i, b) -> b.httpPort(httpPorts.get(i)))) {
      for (int i = 0; i < 3; i++) {
        cluster.restart(i);
      }
      cluster.awaitLeader();
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 0));
      try (ClusterDbClient c = cluster.client(0)) {
        c.blocking().createTable("zones", TableScope.CLUSTER);
        for (int i = 0; i < 10; i++) {
          c.blocking().put("zones", "k" + i, "value-" + i);
        }
      }
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .ignoreExceptions()
          .until(() -> holds(cluster, 2, "zones", "k9"));
      cluster.terminate(2);
      Path data = dir.resolve("p3").resolve("data");
      CorruptionTest.flipIn(CorruptionTest.files(data.resolve("raft"), "log_"), "value-7");

      cluster.restart(2);
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> activeAlarms(cluster, 2).contains("Alarm 20010"));
      assertThat(cluster.isAlive(2)).as("the damaged peer stays up to say why").isTrue();
      Cli page = cli(cluster, 2, "xstatus");
      assertThat(page.out()).contains("Stopped").contains("20010");
      // Its status page says so too, and it is alive but never ready.
      String http = "http://127.0.0.1:" + httpPorts.get(2);
      JsonObject status =
          JsonParser.parseString(get(http + "/status.json").body()).getAsJsonObject();
      assertThat(status.getAsJsonObject("status").get("database").getAsString())
          .isEqualTo("STOPPED");
      assertThat(status.getAsJsonObject("alarms").getAsJsonArray("alarms").toString())
          .contains("\"id\":20010");
      assertThat(
              status.getAsJsonObject("settings").getAsJsonObject("own").get("name").getAsString())
          .as("its own settings, from its own tables, which are intact")
          .isEqualTo("it.clusterdb");
      Cli settings = cli(cluster, 2, "clustering");
      assertThat(settings.exit()).as(settings.err()).isZero();
      assertThat(settings.out()).contains("it.clusterdb");
      assertThat(get(http + "/").body()).contains("System &gt; Clustering");
      assertThat(get(http + "/ready").statusCode()).isEqualTo(503);
      assertThat(get(http + "/health").statusCode()).isEqualTo(200);
      Cli read = cli(cluster, 2, "get", "zones", "k1", "--local");
      assertThat(read.exit()).isNotZero();
      assertThat(read.err())
          .contains("cannot be used and the peer does not serve")
          .contains("Raft log segment")
          .contains("purge");
      // The others carry on without it.
      try (ClusterDbClient c = cluster.client(0)) {
        c.blocking().put("zones", "while-failed", "x");
      }

      cluster.terminate(2);
      Cli purged = Cli.run("purge", "--config", cluster.config(2).toString(), "--confirm");
      assertThat(purged.exit()).as(purged.err()).isZero();
      cluster.restart(2);
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 0));
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .ignoreExceptions()
          .until(
              () -> holds(cluster, 2, "zones", "while-failed") && holds(cluster, 2, "zones", "k7"));
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> !activeAlarms(cluster, 2).contains("Alarm 20010"));
    }
  }
}
