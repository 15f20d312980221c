package org.clusterdb.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.clusterdb.core.storage.ReadView;
import org.clusterdb.core.storage.StateStore;
import org.clusterdb.core.storage.WriteView;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.Put;
import org.clusterdb.proto.log.v1.Txn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDigestTest {
  @TempDir Path dir;

  @Test
  void equalStatesDigestAlikeAndAnyDifferenceShows() throws Exception {
    try (StateStore a = StateStore.open(dir.resolve("a"), false);
        StateStore b = StateStore.open(dir.resolve("b"), false)) {
      for (StateStore s : new StateStore[] {a, b}) {
        apply(s, create("zones"));
        apply(s, put("zones", "edge", "traversal"));
      }
      assertThat(digest(a)).isEqualTo(digest(b));

      apply(b, put("zones", "edge", "neighbor"));
      assertThat(digest(a)).isNotEqualTo(digest(b));
    }
  }

  @Test
  void aStoppedDigestGivesNothing() throws Exception {
    try (StateStore s = StateStore.open(dir.resolve("s"), false)) {
      apply(s, create("zones"));
      for (int i = 0; i < 10; i++) {
        apply(s, put("zones", "k" + i, "v"));
      }
      AtomicInteger asked = new AtomicInteger();
      try (ReadView view = s.read()) {
        assertThat(StateDigest.of(view, () -> asked.incrementAndGet() > 3)).isEmpty();
      }
      assertThat(asked.get()).isLessThan(10);
    }
  }

  private static byte[] digest(StateStore s) {
    try (ReadView view = s.read()) {
      return StateDigest.of(view);
    }
  }

  private static void apply(StateStore s, LogEntry entry) {
    try (WriteView batch = s.write()) {
      new Applier(new HistoryPolicy(100, 1 << 20)).apply(entry, batch);
      s.commit(batch, null);
    }
  }

  private static LogEntry create(String table) {
    return LogEntry.newBuilder()
        .setCreateTable(org.clusterdb.proto.log.v1.CreateTable.newBuilder().setName(table))
        .build();
  }

  private static LogEntry put(String table, String key, String value) {
    return LogEntry.newBuilder()
        .setTxn(
            Txn.newBuilder()
                .addSuccess(
                    Op.newBuilder()
                        .setPut(
                            Put.newBuilder()
                                .setTable(table)
                                .setKey(com.google.protobuf.ByteString.copyFromUtf8(key))
                                .setValue(com.google.protobuf.ByteString.copyFromUtf8(value)))))
        .build();
  }
}
