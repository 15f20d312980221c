package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.clusterdb.api.TableScope;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.api.v1.KVGrpc;
import org.clusterdb.proto.api.v1.PutRequest;
import org.clusterdb.proto.api.v1.PutResponse;
import org.clusterdb.proto.api.v1.RequestId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The duplicate-write guard across processes: the same request id sent to two different peers (what
 * a client does when a reply is lost and it retries elsewhere) applies once.
 */
@Timeout(180)
class DuplicateWriteIT {
  @TempDir Path dir;

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

  private static PutResponse send(ServerProcesses cluster, int peer, PutRequest put)
      throws InterruptedException {
    ManagedChannel ch =
        NettyChannelBuilder.forTarget(cluster.peer(peer).clientAddress()).usePlaintext().build();
    try {
      return KVGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS).put(put);
    } finally {
      ch.shutdownNow();
      ch.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
