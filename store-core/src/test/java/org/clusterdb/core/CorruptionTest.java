package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.TableScope;
import org.clusterdb.core.backup.Backups;
import org.clusterdb.core.config.ClusterDbConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member whose Raft log segment or table file was damaged while it was down refuses to start,
 * with "Database failure" raised, rather than serve wrong data; purged, it rejoins and the cluster
 * fills it again, and the alarm clears.
 */
@Timeout(180)
public class CorruptionTest {
  private static final int DATABASE_FAILURE = 20010;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private static ClusterDbConfig.Builder quick(ClusterDbConfig.Builder b) {
    return b.healthCheckInterval(Duration.ofMillis(200)).peerFailureTimeout(Duration.ofSeconds(1));
  }

  @Test
  void aDamagedLogSegmentIsFoundAtStartAndAPurgedPeerRejoins() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir, CorruptionTest::quick)) {
      fill(cluster);
      cluster.stop(2);
      Path raft = cluster.config(2).dataDir().resolve("raft");
      flipIn(files(raft, "log_"), "value-17");
      assertDatabaseFailed(cluster, 2, "Raft log segment");
      assertThatThrownBy(() -> cluster.restart(2))
          .isInstanceOfSatisfying(
              DatabaseFailedException.class,
              e ->
                  assertThat(e.settings())
                      .as("its own tables are intact: it can still show its settings")
                      .hasValueSatisfying(
                          s -> assertThat(s.own().name()).isEqualTo("mini.cluster.test")));
      recover(cluster, 2);
    }
  }

  @Test
  void aDamagedTableFileIsFoundAtStartAndAPurgedPeerRejoins() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir, CorruptionTest::quick)) {
      fill(cluster);
      // A checkpoint flushes the state's memtable into table files.
      cluster.member(2).snapshot().join();
      cluster.stop(2);
      List<Path> tables = files(cluster.config(2).dataDir().resolve("state"), ".sst");
      assertThat(tables).isNotEmpty();
      flip(tables.get(0), 20);
      assertDatabaseFailed(cluster, 2, "state is damaged: block checksum mismatch");
      recover(cluster, 2);
    }
  }

  @Test
  void aDamagedPeerTableLogIsFoundAtStartAndPurgingEverythingRecovers() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir, CorruptionTest::quick)) {
      fill(cluster);
      ClusterDb db = cluster.member(2);
      db.blocking().createTable("local", TableScope.PEER);
      for (int i = 0; i < 30; i++) {
        db.blocking().put("local", "k" + i, "peer-value-" + i);
      }
      cluster.stop(2);
      // The peer tables' writes are still only in RocksDB's write-ahead log.
      flipIn(files(cluster.config(2).dataDir().resolve("peer"), ".log"), "peer-value-17");
      assertDatabaseFailed(cluster, 2, "peer is damaged: checksum mismatch");
      assertThatThrownBy(() -> cluster.restart(2))
          .isInstanceOfSatisfying(
              DatabaseFailedException.class, e -> assertThat(e.settings()).isEmpty())
          .hasMessageContaining("purge --all");
      Backups.purge(cluster.config(2), true);
      ClusterDb again = cluster.restart(2);
      // Its own tables went with the damage; the cluster's come back.
      assertThatThrownBy(() -> again.blocking().get("local", "k17"))
          .isInstanceOfSatisfying(
              ClusterDbException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TABLE));
      await()
          .atMost(WAIT)
          .ignoreException(ClusterDbException.class)
          .until(() -> cluster.holds(2, "zones", "k17"));
    }
  }

  private static void fill(MiniCluster cluster) {
    ClusterDb db = cluster.member(cluster.awaitLeader());
    db.blocking().createTable("zones", TableScope.CLUSTER);
    for (int i = 0; i < 30; i++) {
      db.blocking().put("zones", "k" + i, "value-" + i);
    }
    cluster.awaitConverged();
  }

  private static void assertDatabaseFailed(MiniCluster cluster, int i, String damage) {
    assertThatThrownBy(() -> cluster.restart(i))
        .isInstanceOfSatisfying(
            DatabaseFailedException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
              assertThat(e.alarms())
                  .filteredOn(Alarm::active)
                  .extracting(Alarm::id)
                  .contains(DATABASE_FAILURE);
            })
        .hasMessageContaining("cannot be used and the peer does not serve")
        .hasMessageContaining(damage)
        .hasMessageContaining("purge");
    assertThat(cluster.isRunning(i)).isFalse();
  }

  /** The documented recovery: purge the stopped peer, start it, let the cluster fill it. */
  private static void recover(MiniCluster cluster, int i) throws IOException {
    Backups.purge(cluster.config(i), false);
    ClusterDb db = cluster.restart(i);
    cluster.member(cluster.awaitLeader()).blocking().put("zones", "after", "recovery");
    await()
        .atMost(WAIT)
        .ignoreException(ClusterDbException.class)
        .until(() -> cluster.holds(i, "zones", "k17") && cluster.holds(i, "zones", "after"));
    assertThat(db.blocking().get("zones", "k17").orElseThrow().value().toStringUtf8())
        .isEqualTo("value-17");
    await().atMost(WAIT).until(() -> !MiniCluster.activeAlarmIds(db).contains(DATABASE_FAILURE));
  }

  public static List<Path> files(Path root, String part) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().contains(part))
          .sorted()
          .toList();
    }
  }

  /** Flips a byte inside {@code text} where the first of {@code files} holding it holds it. */
  public static void flipIn(List<Path> files, String text) throws IOException {
    for (Path f : files) {
      String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      int at = content.indexOf(text);
      if (at >= 0) {
        flip(f, at + 2);
        return;
      }
    }
    throw new AssertionError("no file holds " + text + ": " + files);
  }

  static void flip(Path f, long at) throws IOException {
    try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
      r.seek(at);
      int b = r.read();
      r.seek(at);
      r.write(b ^ 0x5a);
    }
  }
}
