package org.clusterdb.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.clusterdb.core.fsm.StateReader;
import org.clusterdb.proto.log.v1.AppliedIndex;
import org.clusterdb.proto.log.v1.Event;
import org.clusterdb.proto.log.v1.HistoryRecord;
import org.clusterdb.proto.log.v1.KeyValue;
import org.clusterdb.proto.log.v1.StoredValue;
import org.clusterdb.proto.log.v1.TableMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class StateStoreTest {
  @TempDir Path dir;

  @Test
  void emptyStoreHasDefaultMetadata() throws IOException {
    try (StateStore store = StateStore.open(dir.resolve("s"), false);
        ReadView v = store.read()) {
      assertThat(store.revision()).isZero();
      assertThat(store.applied()).isEqualTo(AppliedIndex.getDefaultInstance());
      assertThat(v.revision()).isZero();
      assertThat(v.historyOldest()).isEqualTo(1);
      assertThat(v.historyBytes()).isZero();
      assertThat(v.tables()).isEmpty();
      assertThat(v.historyAtOrAfter(0)).isEmpty();
      assertThat(store.dir()).isEqualTo(dir.resolve("s"));
    }
  }

  @Test
  void aStoreOfAnUnknownFormatIsRefused() throws Exception {
    Path path = dir.resolve("s");
    try (StateStore store = StateStore.open(path, true)) {
      store.db().put(store.meta(), StateStore.META_FORMAT, Keys.revision(2));
    }
    assertThatThrownBy(() -> StateStore.open(path, true))
        .isInstanceOf(UnknownFormatException.class)
        .hasMessageContaining("state store " + path + " has format 2")
        .hasMessageContaining("reads format 1");
    // Refusing must not damage it: the data is still there for a build that reads it.
    assertThat(Files.exists(path.resolve("CURRENT"))).isTrue();
  }

  @Test
  void anInterruptedRestoreIsUndoneOnOpen() throws IOException {
    Path path = dir.resolve("s");
    try (StateStore store = StateStore.open(path, false);
        WriteView w = store.write()) {
      w.setRevision(7);
      store.commit(w, null);
    }
    // A crash between the two renames of a restore leaves only the old directory.
    Files.move(path, dir.resolve("s.old"));
    Files.createDirectories(dir.resolve("s.restore"));
    try (StateStore store = StateStore.open(path, false)) {
      assertThat(store.revision()).isEqualTo(7);
    }
    assertThat(Files.exists(dir.resolve("s.old"))).isFalse();
    assertThat(Files.exists(dir.resolve("s.restore"))).isFalse();
  }

  @Test
  void commitWithAppliedIndexPersistsAcrossReopen() throws IOException {
    Path path = dir.resolve("s");
    AppliedIndex applied = AppliedIndex.newBuilder().setTerm(3).setIndex(42).build();
    try (StateStore store = StateStore.open(path, true)) {
      try (WriteView w = store.write()) {
        w.putTable(table("t", 1));
        w.put("t", bytes("k"), value("v", 2));
        w.setRevision(2);
        w.setHistoryOldest(2);
        w.setHistoryBytes(17);
        w.putHistory(2, history("t", "k"));
        store.commit(w, applied);
      }
      assertThat(store.applied()).isEqualTo(applied);
    }

    try (StateStore store = StateStore.open(path, true);
        ReadView v = store.read()) {
      assertThat(store.applied()).isEqualTo(applied);
      assertThat(store.revision()).isEqualTo(2);
      assertThat(v.historyOldest()).isEqualTo(2);
      assertThat(v.historyBytes()).isEqualTo(17);
      assertThat(v.table("t")).contains(table("t", 1));
      assertThat(v.get("t", bytes("k"))).contains(value("v", 2));
      assertThat(v.historyAtOrAfter(0).orElseThrow().record()).isEqualTo(history("t", "k"));
    }
  }

  @Test
  void commitWithoutAppliedIndexKeepsThePreviousOne() throws IOException {
    AppliedIndex applied = AppliedIndex.newBuilder().setTerm(1).setIndex(5).build();
    try (StateStore store = StateStore.open(dir.resolve("s"), false)) {
      try (WriteView w = store.write()) {
        w.setRevision(1);
        store.commit(w, applied);
      }
      try (WriteView w = store.write()) {
        w.setRevision(2);
        store.commit(w, null);
      }
      assertThat(store.applied()).isEqualTo(applied);
      assertThat(store.revision()).isEqualTo(2);
    }
  }

  @Test
  void writeViewClosedWithoutCommitLeavesNothing() throws IOException {
    Path path = dir.resolve("s");
    try (StateStore store = StateStore.open(path, false)) {
      try (WriteView w = store.write()) {
        w.putTable(table("t", 1));
        w.put("t", bytes("k"), value("v", 1));
        w.setRevision(1);
        w.putHistory(1, history("t", "k"));
        // The batch reads its own writes...
        assertThat(w.revision()).isEqualTo(1);
        assertThat(w.get("t", bytes("k"))).contains(value("v", 1));
        assertThat(w.table("t")).isPresent();
        assertThat(w.historyAtOrAfter(0)).isPresent();
      }
      // ...but nobody else does, and closing it abandons it.
      assertEmpty(store);
      assertThat(store.applied()).isEqualTo(AppliedIndex.getDefaultInstance());
    }
    try (StateStore store = StateStore.open(path, false)) {
      assertEmpty(store);
    }
  }

  @Test
  void writeViewReadsItsOwnWritesOverTheCommittedState() throws IOException {
    try (StateStore store = StateStore.open(dir.resolve("s"), false)) {
      try (WriteView w = store.write()) {
        w.put("t", bytes("a"), value("1", 1));
        w.put("t", bytes("b"), value("2", 1));
        w.put("t", bytes("c"), value("3", 1));
        store.commit(w, null);
      }
      try (WriteView w = store.write()) {
        w.delete("t", bytes("b"));
        w.put("t", bytes("c"), value("3'", 2));
        w.put("t", bytes("d"), value("4", 2));

        assertThat(w.get("t", bytes("b"))).isEmpty();
        assertThat(keysAndValues(w, "t")).containsExactly("61=1", "63=3'", "64=4");
        // Not visible outside the batch.
        try (ReadView v = store.read()) {
          assertThat(keysAndValues(v, "t")).containsExactly("61=1", "62=2", "63=3");
        }
        store.commit(w, null);
      }
      try (ReadView v = store.read()) {
        assertThat(keysAndValues(v, "t")).containsExactly("61=1", "63=3'", "64=4");
      }
    }
  }

  @Test
  void readViewIsAStableSnapshot() throws IOException {
    try (StateStore store = StateStore.open(dir.resolve("s"), false)) {
      try (WriteView w = store.write()) {
        w.putTable(table("t", 1));
        w.put("t", bytes("a"), value("old", 1));
        w.put("t", bytes("b"), value("gone", 1));
        w.setRevision(1);
        store.commit(w, null);
      }

      try (ReadView snapshot = store.read()) {
        try (WriteView w = store.write()) {
          w.put("t", bytes("a"), value("new", 2));
          w.delete("t", bytes("b"));
          w.put("t", bytes("c"), value("added", 2));
          w.putTable(table("u", 2));
          w.setRevision(2);
          w.putHistory(2, history("t", "a"));
          store.commit(w, AppliedIndex.newBuilder().setTerm(1).setIndex(2).build());
        }

        assertThat(snapshot.revision()).isEqualTo(1);
        assertThat(snapshot.get("t", bytes("a"))).contains(value("old", 1));
        assertThat(snapshot.get("t", bytes("b"))).contains(value("gone", 1));
        assertThat(snapshot.get("t", bytes("c"))).isEmpty();
        assertThat(keysAndValues(snapshot, "t")).containsExactly("61=old", "62=gone");
        assertThat(snapshot.tables()).extracting(TableMeta::getName).containsExactly("t");
        assertThat(snapshot.historyAtOrAfter(0)).isEmpty();

        try (ReadView fresh = store.read()) {
          assertThat(fresh.revision()).isEqualTo(2);
          assertThat(keysAndValues(fresh, "t")).containsExactly("61=new", "63=added");
          assertThat(fresh.tables()).extracting(TableMeta::getName).containsExactly("t", "u");
        }
      }
    }
  }

  @Test
  void scanStaysWithinItsTable() throws IOException {
    byte[][] keysOfA = {
      {0x00},
      {0x00, 0x00},
      {'b'},
      {'b', 0x00},
      {0x7f},
      {(byte) 0x80},
      {(byte) 0xff},
      {(byte) 0xff, (byte) 0xff}
    };
    byte[][] keysOfAb = {{0x00}, {'b'}, {(byte) 0xff}, {(byte) 0xff, 0x00}};
    byte[][] keysOfB = {{0x00}, {(byte) 0xff}};
    try (StateStore store = StateStore.open(dir.resolve("s"), false)) {
      try (WriteView w = store.write()) {
        // Insert in an order that is not the key order.
        for (int i = keysOfA.length - 1; i >= 0; i--) {
          w.put("a", keysOfA[i], value("a", 1));
        }
        for (byte[] k : keysOfAb) {
          w.put("ab", k, value("ab", 1));
        }
        for (byte[] k : keysOfB) {
          w.put("b", k, value("b", 1));
        }
        w.putTable(table("ab", 1));
        w.putTable(table("b", 1));
        w.putTable(table("a", 1));
        store.commit(w, null);
      }

      try (ReadView v = store.read()) {
        assertThat(scan(v, "a", new byte[0], null))
            .containsExactly("00", "0000", "62", "6200", "7f", "80", "ff", "ffff");
        assertThat(scan(v, "ab", new byte[0], null)).containsExactly("00", "62", "ff", "ff00");
        assertThat(scan(v, "b", new byte[0], null)).containsExactly("00", "ff");
        assertThat(scan(v, "c", new byte[0], null)).isEmpty();
        assertThat(scan(v, "", new byte[0], null)).isEmpty();

        // Bounded scans: [start, end).
        assertThat(scan(v, "a", new byte[] {0x00}, new byte[] {'b'})).containsExactly("00", "0000");
        assertThat(scan(v, "a", new byte[] {'b'}, new byte[] {(byte) 0x80}))
            .containsExactly("62", "6200", "7f");
        assertThat(scan(v, "a", new byte[] {(byte) 0xff}, null)).containsExactly("ff", "ffff");
        assertThat(scan(v, "a", new byte[] {(byte) 0xff, 0x00}, null)).containsExactly("ffff");
        assertThat(scan(v, "ab", new byte[] {(byte) 0xff}, new byte[] {(byte) 0xff, 0x00}))
            .containsExactly("ff");

        // Point reads do not leak across tables either.
        assertThat(v.get("a", new byte[] {(byte) 0xff, 0x00})).isEmpty();
        assertThat(v.get("ab", new byte[] {(byte) 0xff, 0x00})).isPresent();
        assertThat(v.get("a", new byte[] {'b', 0x00})).isPresent();
        assertThat(v.get("ab", new byte[] {'b', 0x00})).isEmpty();

        // The visitor can stop the scan.
        List<String> firstTwo = new ArrayList<>();
        v.scan(
            "a",
            new byte[0],
            null,
            (k, val) -> {
              firstTwo.add(HexFormat.of().formatHex(k));
              return firstTwo.size() < 2;
            });
        assertThat(firstTwo).containsExactly("00", "0000");

        assertThat(v.tables()).extracting(TableMeta::getName).containsExactly("a", "ab", "b");
      }

      // The same through a write view, with pending deletes in a neighbouring table.
      try (WriteView w = store.write()) {
        w.delete("ab", new byte[] {(byte) 0xff});
        w.put("ab", new byte[] {(byte) 0xfe}, value("ab", 2));
        assertThat(scan(w, "a", new byte[0], null))
            .containsExactly("00", "0000", "62", "6200", "7f", "80", "ff", "ffff");
        assertThat(scan(w, "ab", new byte[0], null)).containsExactly("00", "62", "fe", "ff00");
      }
    }
  }

  @Test
  void historyIsOrderedByRevisionNumerically() throws IOException {
    try (StateStore store = StateStore.open(dir.resolve("s"), false)) {
      try (WriteView w = store.write()) {
        for (long r : new long[] {70_000, 256, 1, 255}) {
          w.putHistory(r, history("t", "k" + r));
        }
        store.commit(w, null);
      }
      try (ReadView v = store.read()) {
        assertThat(v.historyAtOrAfter(0).orElseThrow().revision()).isEqualTo(1);
        assertThat(v.historyAtOrAfter(2).orElseThrow().revision()).isEqualTo(255);
        assertThat(v.historyAtOrAfter(256).orElseThrow().revision()).isEqualTo(256);
        assertThat(v.historyAtOrAfter(257).orElseThrow().revision()).isEqualTo(70_000);
        assertThat(v.historyAtOrAfter(70_001)).isEmpty();
        StateReader.HistoryEntry e = v.historyAtOrAfter(256).orElseThrow();
        assertThat(e.record()).isEqualTo(history("t", "k256"));
        assertThat(e.size()).isEqualTo(history("t", "k256").getSerializedSize());
      }
      try (WriteView w = store.write()) {
        w.deleteHistory(1);
        w.deleteHistory(255);
        store.commit(w, null);
      }
      try (ReadView v = store.read()) {
        assertThat(v.historyAtOrAfter(0).orElseThrow().revision()).isEqualTo(256);
      }
    }
  }

  @Test
  void tableCatalogPutAndDelete() throws IOException {
    try (StateStore store = StateStore.open(dir.resolve("s"), false)) {
      try (WriteView w = store.write()) {
        w.putTable(table("t", 1));
        w.putTable(table("u", 2));
        store.commit(w, null);
      }
      try (WriteView w = store.write()) {
        w.deleteTable("t");
        store.commit(w, null);
      }
      try (ReadView v = store.read()) {
        assertThat(v.table("t")).isEmpty();
        assertThat(v.table("u")).contains(table("u", 2));
        assertThat(v.tables()).containsExactly(table("u", 2));
      }
    }
  }

  @Test
  void checkpointThenRestoreReproducesTheCheckpointedContent() throws IOException {
    Path state = dir.resolve("state");
    Path checkpoint = dir.resolve("checkpoint");
    String atCheckpoint;
    AppliedIndex applied = AppliedIndex.newBuilder().setTerm(2).setIndex(7).build();
    try (StateStore store = StateStore.open(state, false)) {
      try (WriteView w = store.write()) {
        w.putTable(table("t", 1));
        for (int i = 0; i < 50; i++) {
          w.put("t", bytes("k" + i), value("v" + i, i + 2));
        }
        w.setRevision(51);
        w.putHistory(51, history("t", "k49"));
        w.setHistoryBytes(history("t", "k49").getSerializedSize());
        store.commit(w, applied);
      }
      atCheckpoint = dump(store);
      store.checkpoint(checkpoint);

      // Changes after the checkpoint are not part of it.
      try (WriteView w = store.write()) {
        w.put("t", bytes("later"), value("x", 52));
        w.delete("t", bytes("k0"));
        w.setRevision(52);
        store.commit(w, AppliedIndex.newBuilder().setTerm(2).setIndex(8).build());
      }
      assertThat(dump(store)).isNotEqualTo(atCheckpoint);
    }

    List<String> files;
    try (Stream<Path> list = Files.list(checkpoint)) {
      files = list.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(files).isNotEmpty();

    // Over the existing store directory.
    StateStore.restore(checkpoint, files, state);
    try (StateStore store = StateStore.open(state, false)) {
      assertThat(dump(store)).isEqualTo(atCheckpoint);
      assertThat(store.applied()).isEqualTo(applied);
      assertThat(store.revision()).isEqualTo(51);
    }
    assertThat(Files.exists(dir.resolve("state.restore"))).isFalse();
    assertThat(Files.exists(dir.resolve("state.old"))).isFalse();

    // Into a directory that does not exist yet.
    Path other = dir.resolve("other");
    StateStore.restore(checkpoint, files, other);
    try (StateStore store = StateStore.open(other, false)) {
      assertThat(dump(store)).isEqualTo(atCheckpoint);
      assertThat(store.applied()).isEqualTo(applied);
    }
    // The checkpoint itself is left intact and can still be opened.
    try (StateStore store = StateStore.open(checkpoint, false)) {
      assertThat(dump(store)).isEqualTo(atCheckpoint);
    }
  }

  // ---- helpers ----

  private static void assertEmpty(StateStore store) {
    try (ReadView v = store.read()) {
      assertThat(v.revision()).isZero();
      assertThat(v.tables()).isEmpty();
      assertThat(v.get("t", bytes("k"))).isEmpty();
      assertThat(scan(v, "t", new byte[0], null)).isEmpty();
      assertThat(v.historyAtOrAfter(0)).isEmpty();
    }
  }

  private static String dump(StateStore store) {
    HexFormat hex = HexFormat.of();
    StringBuilder sb = new StringBuilder();
    try (ReadView v = store.read()) {
      sb.append("revision=").append(v.revision());
      sb.append(" oldest=").append(v.historyOldest());
      sb.append(" bytes=").append(v.historyBytes()).append('\n');
      for (TableMeta t : v.tables()) {
        sb.append("table ").append(hex.formatHex(t.toByteArray())).append('\n');
        v.scan(
            t.getName(),
            new byte[0],
            null,
            (k, val) -> {
              sb.append(hex.formatHex(k)).append('=').append(hex.formatHex(val.toByteArray()));
              sb.append('\n');
              return true;
            });
      }
      long r = 0;
      while (true) {
        var h = v.historyAtOrAfter(r);
        if (h.isEmpty()) {
          break;
        }
        sb.append("history ").append(h.get().revision()).append('=');
        sb.append(hex.formatHex(h.get().record().toByteArray())).append('\n');
        r = h.get().revision() + 1;
      }
    }
    return sb.toString();
  }

  private static List<String> scan(StateReader v, String table, byte[] start, byte[] end) {
    List<String> keys = new ArrayList<>();
    v.scan(
        table,
        start,
        end,
        (k, val) -> {
          keys.add(HexFormat.of().formatHex(k));
          return true;
        });
    return keys;
  }

  private static List<String> keysAndValues(StateReader v, String table) {
    List<String> rows = new ArrayList<>();
    v.scan(
        table,
        new byte[0],
        null,
        (k, val) -> {
          rows.add(HexFormat.of().formatHex(k) + "=" + val.getValue().toStringUtf8());
          return true;
        });
    return rows;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static StoredValue value(String v, long revision) {
    return StoredValue.newBuilder()
        .setValue(ByteString.copyFromUtf8(v))
        .setCreateRevision(revision)
        .setModRevision(revision)
        .setVersion(1)
        .build();
  }

  private static TableMeta table(String name, long revision) {
    return TableMeta.newBuilder().setName(name).setCreateRevision(revision).build();
  }

  private static HistoryRecord history(String table, String key) {
    return HistoryRecord.newBuilder()
        .addEvents(
            Event.newBuilder()
                .setType(Event.Type.PUT)
                .setTable(table)
                .setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8(key))))
        .build();
  }
}
