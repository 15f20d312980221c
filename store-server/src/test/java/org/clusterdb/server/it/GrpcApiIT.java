package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.clusterdb.api.TableScope;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.api.v1.KVGrpc;
import org.clusterdb.proto.api.v1.PutRequest;
import org.clusterdb.proto.api.v1.PutResponse;
import org.clusterdb.proto.api.v1.RequestId;
import org.clusterdb.server.GrpcTestChannels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The raw gRPC API of server processes, as other tools (grpcurl, health checkers) see it. */
@Timeout(180)
class GrpcApiIT {
  @TempDir Path dir;

  /**
   * The duplicate-write guard across processes: the same request id sent to two different peers
   * (what a client does when a reply is lost and it retries elsewhere) applies once.
   */
  @Test
  void aRetriedWriteOnAnotherPeerAppliesOnce() throws Exception {
    try (ServerProcesses cluster = ServerProcesses.start(3, dir);
        ClusterDbClient client = cluster.client()) {
      cluster.awaitLeader();
      client.blocking().createTable("t", TableScope.CLUSTER);
      RequestId id =
          RequestId.newBuilder()
              .setClientId(ByteString.copyFromUtf8("retrying-client-1"))
              .setSeq(1)
              .build();
      PutRequest put =
          PutRequest.newBuilder()
              .setTable("t")
              .setKey(ByteString.copyFromUtf8("counter"))
              .setValue(ByteString.copyFromUtf8("1"))
              .setRequestId(id)
              .build();

      PutResponse first = send(cluster, 0, put);
      PutResponse retry = send(cluster, 2, put);
      PutResponse again = send(cluster, 1, put);

      assertThat(retry.getHeader().getRevision()).isEqualTo(first.getHeader().getRevision());
      assertThat(again.getHeader().getRevision()).isEqualTo(first.getHeader().getRevision());
      assertThat(client.blocking().get("t", "counter").orElseThrow().version()).isEqualTo(1);

      PutResponse next =
          send(cluster, 1, put.toBuilder().setRequestId(id.toBuilder().setSeq(2)).build());
      assertThat(next.getHeader().getRevision()).isGreaterThan(first.getHeader().getRevision());
      assertThat(client.blocking().get("t", "counter").orElseThrow().version()).isEqualTo(2);
    }
  }

  @Test
  void healthAndReflectionServeStandardTools() throws Exception {
    try (ServerProcesses cluster = ServerProcesses.start(3, dir)) {
      cluster.awaitLeader();
      ManagedChannel ch = GrpcTestChannels.insecure(cluster.peer(1).clientAddress());
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    HealthGrpc.newBlockingStub(ch)
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus()
                        == HealthCheckResponse.ServingStatus.SERVING);

        List<String> services = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<ServerReflectionRequest> requests =
            ServerReflectionGrpc.newStub(ch)
                .serverReflectionInfo(
                    new StreamObserver<>() {
                      @Override
                      public void onNext(ServerReflectionResponse r) {
                        r.getListServicesResponse()
                            .getServiceList()
                            .forEach(s -> services.add(s.getName()));
                      }

                      @Override
                      public void onError(Throwable t) {
                        done.countDown();
                      }

                      @Override
                      public void onCompleted() {
                        done.countDown();
                      }
                    });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(services)
            .contains(
                "clusterdb.api.v1.KV",
                "clusterdb.api.v1.Watch",
                "clusterdb.api.v1.Cluster",
                "clusterdb.api.v1.Maintenance",
                "grpc.health.v1.Health");
      } finally {
        ch.shutdownNow();
        ch.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static PutResponse send(ServerProcesses cluster, int peer, PutRequest put)
      throws InterruptedException {
    ManagedChannel ch = GrpcTestChannels.insecure(cluster.peer(peer).clientAddress());
    try {
      return KVGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS).put(put);
    } finally {
      ch.shutdownNow();
      ch.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
