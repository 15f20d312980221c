package org.clusterdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.TableScope;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.core.MiniCluster;
import org.clusterdb.proto.api.v1.KVGrpc;
import org.clusterdb.proto.api.v1.RangeRequest;
import org.clusterdb.server.config.PeerEndpoint;
import org.clusterdb.server.config.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server run from its configuration file, restarted in place, in this JVM: a restart that finds
 * its database unusable goes on serving status and alarms, as a first start does, instead of ending
 * the process.
 */
@Timeout(120)
class ServerRunnerTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private ServerRunner runner;

  @AfterEach
  void stop() {
    if (runner != null) {
      runner.stop();
    }
  }

  @Test
  void aRestartThatFindsTheDatabaseUnusableServesStatusAndAlarmsUntilStopped() throws Exception {
    List<Integer> ports = MiniCluster.freePorts(2);
    PeerEndpoint self = new PeerEndpoint("p1", "127.0.0.1", ports.get(0), ports.get(1));
    Path data = dir.resolve("data");
    ServerConfig config =
        ServerConfig.builder()
            .clusterName("runner.clusterdb")
            .memberId("p1")
            .peers(List.of(self))
            .dataDir(data)
            .shutdownGrace(Duration.ofMillis(500))
            .build();
    Path file = Files.writeString(dir.resolve("p1.yaml"), config.toYaml());
    runner = ServerRunner.start(file, c -> c);
    ServerRunner running = runner;
    CompletableFuture<Boolean> ended =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return running.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            });
    try (ClusterDbClient client =
        ClusterDbClient.builder()
            .endpoints(self.clientAddress())
            .requestTimeout(Duration.ofSeconds(10))
            .build()) {
      client.blocking().createTable("t", TableScope.CLUSTER);
      client.blocking().put("t", "k", "v");

      // A restore cut off while the peer ran: found only when the database starts again.
      Files.writeString(data.resolve("restore.incomplete"), "/backups/p1.cdb");
      assertThat(client.restart(Optional.empty()).restarting()).isTrue();

      await()
          .atMost(WAIT)
          .ignoreException(ClusterDbException.class)
          .until(() -> client.clusterStatus().database() == ClusterStatus.Database.STOPPED);
      assertThat(client.alarms()).filteredOn(Alarm::active).extracting(Alarm::id).contains(20010);
      // One raw call: the client would retry the refusal until its deadline.
      ManagedChannel ch = GrpcTestChannels.insecure(self.clientAddress());
      try {
        assertThatThrownBy(
                () ->
                    KVGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .range(
                            RangeRequest.newBuilder()
                                .setTable("t")
                                .setKey(ByteString.copyFromUtf8("k"))
                                .build()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE))
            .hasMessageContaining("a restore from /backups/p1.cdb was interrupted");
      } finally {
        ch.shutdownNow();
      }
      assertThat(ended).isNotDone();
    }
    runner.stop();
    assertThat(ended.get(30, TimeUnit.SECONDS)).as("ended serving a failed database").isFalse();
    runner = null;
  }
}
