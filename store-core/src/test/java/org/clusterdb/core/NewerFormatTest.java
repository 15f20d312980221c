package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.raftlog.LogProtoUtils;
import org.apache.ratis.server.raftlog.RaftLog;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.TableScope;
import org.clusterdb.core.storage.StateStore;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.Put;
import org.clusterdb.proto.log.v1.SnapshotMeta;
import org.clusterdb.proto.log.v1.Txn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A member refuses, by name and number, data a newer build wrote in a format it does not read. */
@Timeout(120)
class NewerFormatTest {
  @TempDir Path dir;

  /**
   * Skipping the snapshot would start the member from the log alone, which was purged up to it: a
   * replica without the snapshot's writes.
   */
  @Test
  void aSnapshotInANewerFormatStopsTheStartInsteadOfBeingSkipped() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(1, dir)) {
      cluster.awaitLeader();
      ClusterDb db = cluster.member(0);
      db.blocking().createTable("t", TableScope.CLUSTER);
      db.blocking().put("t", "k", "v");
      db.snapshot().get(30, TimeUnit.SECONDS);
      cluster.stop(0);

      List<Path> metas;
      try (Stream<Path> files = Files.walk(dir.resolve("p1").resolve("raft"))) {
        metas = files.filter(p -> p.getFileName().toString().equals("snapshot.meta")).toList();
      }
      assertThat(metas).hasSize(1);
      Path meta = metas.get(0);
      SnapshotMeta newer =
          SnapshotMeta.parseFrom(Files.readAllBytes(meta)).toBuilder()
              .setFormatVersionValue(2)
              .build();
      Files.write(meta, newer.toByteArray());

      assertThatThrownBy(() -> cluster.restart(0))
          .isInstanceOf(ClusterDbException.class)
          .hasMessageContaining("snapshot " + meta.getParent())
          .hasMessageContaining("has format 2; this build (clusterdb ")
          .hasMessageContaining("reads format 1");
    }
  }

  /**
   * What a newer leader would append, committed: a put in format 2. Applying it as format 1 could
   * diverge from the peers that read it right; the member stops applying and its database stops.
   */
  @Test
  void aCommittedLogEntryInANewerFormatStopsTheDatabaseInsteadOfBeingApplied() throws Exception {
    try (MiniCluster cluster =
        MiniCluster.start(1, dir, b -> b.healthCheckInterval(Duration.ofMillis(200)))) {
      cluster.awaitLeader();
      ClusterDb db = cluster.member(0);
      db.blocking().createTable("t", TableScope.CLUSTER);
      db.blocking().put("t", "before", "v");
      LogEntry newer =
          LogEntry.newBuilder()
              .setFormatVersionValue(2)
              .setTxn(
                  Txn.newBuilder()
                      .addSuccess(
                          Op.newBuilder()
                              .setPut(
                                  Put.newBuilder()
                                      .setTable("t")
                                      .setKey(com.google.protobuf.ByteString.copyFromUtf8("after"))
                                      .setValue(com.google.protobuf.ByteString.copyFromUtf8("v")))))
              .build();

      // The leader's own checks refuse such a proposal, so append it past them, as a newer
      // leader's log would hold it.
      RaftServer.Division division = division(db);
      RaftLog log = division.getRaftLog();
      long index = log.getNextIndex();
      log.appendEntry(
              LogProtoUtils.toLogEntryProto(
                  StateMachineLogEntryProto.newBuilder()
                      .setLogData(
                          org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(
                              newer.toByteArray()))
                      .setCallId(index)
                      .setClientId(ClientId.randomId().toByteString())
                      .build(),
                  division.getInfo().getCurrentTerm(),
                  index))
          .get(30, TimeUnit.SECONDS);

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(db.status().role()).isEqualTo(MemberStatus.Role.STOPPED);
                assertThat(MiniCluster.activeAlarmIds(db)).contains(20010);
              });
      assertThat(db.status().appliedIndex()).isLessThan(index);
      cluster.stop(0);
      try (StateStore state = StateStore.open(dir.resolve("p1").resolve("state"), false)) {
        // Nothing from the entry on reached the state.
        assertThat(state.applied().getIndex()).isLessThan(index);
      }
    }
  }

  /** The member's Raft group, for appending what its own checks would refuse. */
  private static RaftServer.Division division(ClusterDb db) throws Exception {
    Object node = field(db, "node");
    RaftServer server = (RaftServer) field(node, "server");
    return server.getDivision((RaftGroupId) field(node, "groupId"));
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    Field f = owner.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(owner);
  }
}
