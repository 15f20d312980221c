package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.clusterdb.core.MiniCluster;
import org.clusterdb.server.GrpcTestChannels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real server processes with {@code server.httpPort}: {@code /metrics} scraped over HTTP and parsed
 * strictly, request counters moving with writes made through the CLI, and {@code /ready} following
 * the quorum while {@code /health} stays up.
 */
@Timeout(300)
class MetricsIT {
  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private List<Integer> httpPorts;

  @Test
  void metricsAreScrapedAndReadyFollowsTheQuorum() throws Exception {
    httpPorts = MiniCluster.freePorts(3);
    try (ServerProcesses cluster =
        ServerProcesses.prepare(3, dir, (i, b) -> b.httpPort(httpPorts.get(i)))) {
      for (int i = 0; i < 3; i++) {
        cluster.restart(i);
      }
      cluster.awaitLeader();
      for (int i = 0; i < 3; i++) {
        int peer = i;
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .untilAsserted(() -> assertThat(get(peer, "/ready").statusCode()).isEqualTo(200));
      }
      String endpoints = String.join(",", cluster.endpoints());
      assertThat(Cli.run("table", "create", "t", "--endpoints", endpoints).exit()).isZero();
      double putsBefore = total("put", "OK");
      double unknownBefore = total("put", "UNKNOWN_TABLE");

      for (int i = 0; i < 5; i++) {
        assertThat(Cli.run("put", "t", "k" + i, "v", "--endpoints", endpoints).exit()).isZero();
      }
      assertThat(Cli.run("put", "no_such_table", "k", "v", "--endpoints", endpoints).exit())
          .isNotZero();

      assertThat(total("put", "OK")).isGreaterThanOrEqualTo(putsBefore + 5);
      assertThat(total("put", "UNKNOWN_TABLE")).isEqualTo(unknownBefore + 1);
      for (int i = 0; i < 3; i++) {
        PrometheusText t = scrape(i);
        String member = cluster.peer(i).id();
        assertThat(t.types()).containsEntry("clusterdb_requests_seconds", "histogram");
        assertThat(t.find("jvm_memory_used_bytes", Map.of("member", member))).isNotEmpty();
        assertThat(t.find("process_uptime_seconds", Map.of("member", member))).isNotEmpty();
        assertThat(t.find("clusterdb_alarms_active", Map.of("member", member, "id", "20004")))
            .isNotEmpty();
        assertThat(t.sum("clusterdb_raft_applied_index", Map.of("member", member))).isPositive();
      }
      assertThat(
              scrape(0).sum("clusterdb_raft_leader", Map.of())
                  + scrape(1).sum("clusterdb_raft_leader", Map.of())
                  + scrape(2).sum("clusterdb_raft_leader", Map.of()))
          .as("one leader among the three")
          .isEqualTo(1);

      // Peer 1 alone has no quorum: not ready, still alive.
      cluster.kill(1);
      cluster.kill(2);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                HttpResponse<String> ready = get(0, "/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).startsWith("not ready: ");
              });
      assertThat(get(0, "/health").statusCode()).isEqualTo(200);
      awaitGrpcHealth(cluster, 0, HealthCheckResponse.ServingStatus.NOT_SERVING);

      cluster.restart(1);
      cluster.restart(2);
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(get(0, "/ready").statusCode()).isEqualTo(200));
      awaitGrpcHealth(cluster, 0, HealthCheckResponse.ServingStatus.SERVING);
      assertThat(get(0, "/health").statusCode()).isEqualTo(200);
      assertThat(get(0, "/nothing-here").statusCode()).isEqualTo(404);
    }
  }

  /** Waits until peer {@code i}'s gRPC health service says {@code status}, as /ready does. */
  private static void awaitGrpcHealth(
      ServerProcesses cluster, int i, HealthCheckResponse.ServingStatus status) {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(grpcHealth(cluster, i)).isEqualTo(status));
  }

  private static HealthCheckResponse.ServingStatus grpcHealth(ServerProcesses cluster, int i) {
    ManagedChannel ch = GrpcTestChannels.insecure(cluster.peer(i).clientAddress());
    try {
      return HealthGrpc.newBlockingStub(ch)
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance())
          .getStatus();
    } finally {
      ch.shutdownNow();
    }
  }

  /** {@code clusterdb_requests_seconds_count} of one operation and code, summed over the peers. */
  private double total(String operation, String code) throws IOException, InterruptedException {
    double sum = 0;
    for (int i = 0; i < 3; i++) {
      sum +=
          scrape(i)
              .sum(
                  "clusterdb_requests_seconds_count", Map.of("operation", operation, "code", code));
    }
    return sum;
  }

  private PrometheusText scrape(int peer) throws IOException, InterruptedException {
    HttpResponse<String> r = get(peer, "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
    return PrometheusText.parse(r.body());
  }

  private HttpResponse<String> get(int peer, String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts.get(peer) + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
