package org.clusterdb.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.Table;
import org.clusterdb.api.TableOptions;
import org.clusterdb.api.TableScope;
import org.clusterdb.core.ClusterDb;
import org.clusterdb.core.DatabaseFailedException;
import org.clusterdb.core.MiniCluster;
import org.clusterdb.core.SensitiveTablesTest;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.proto.log.v1.BackupManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup, restore and purge on real members in one JVM: a whole cluster rebuilt from one peer's
 * backup holds the same tables, revisions included; a damaged, foreign or other-version backup is
 * refused with nothing changed; a purged peer rejoins empty and is filled from the cluster.
 */
@Timeout(240)
public class BackupsTest {
  private static final String SECRET = "Sekr3t-Backup-Value-QWZX";
  private static final String CONTROL = "Pla1n-Backup-Control-MKVB";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int DATABASE_FAILURE = 20010;

  @TempDir Path dir;

  private static ClusterDbConfig.Builder quick(ClusterDbConfig.Builder b) {
    return b.healthCheckInterval(Duration.ofMillis(200)).peerFailureTimeout(Duration.ofSeconds(1));
  }

  @Test
  void aWholeClusterLostIsRebuiltFromOnePeersBackupWithEqualTablesAndSealedValues()
      throws Exception {
    Path backup = dir.resolve("p1.cdb");
    Path keyCopy = dir.resolve("p1-system.key");
    String before;
    try (MiniCluster cluster = MiniCluster.start(3, dir.resolve("c"), BackupsTest::quick)) {
      ClusterDb db = cluster.member(cluster.awaitLeader());
      SensitiveTablesTest.awaitKeys(cluster);
      db.blocking().createTable("zones", TableScope.CLUSTER);
      db.blocking().createTable("secrets", TableOptions.sensitive(TableScope.CLUSTER));
      for (int i = 0; i < 50; i++) {
        db.blocking().put("zones", "z" + i, CONTROL + i);
      }
      db.blocking().put("zones", "z7", "rewritten");
      db.blocking().put("secrets", "admin", SECRET);
      ClusterDb p1 = cluster.member(0);
      p1.blocking().createTable("local", TableScope.PEER);
      p1.blocking().put("local", "nic", "eth0");
      cluster.awaitConverged();
      before = userTables(p1.blocking());

      AtomicLong last = new AtomicLong();
      AtomicLong total = new AtomicLong();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Backups.Summary s =
          p1.backup(
              out,
              (done, all) -> {
                assertThat(done).isGreaterThanOrEqualTo(last.get());
                last.set(done);
                total.set(all);
              });
      Files.write(backup, out.toByteArray());
      assertThat(s.bytes()).isEqualTo(Files.size(backup)).isEqualTo(total.get());
      assertThat(last.get()).isEqualTo(total.get());
      assertThat(s.clusterName()).isEqualTo("mini.cluster.test");
      assertThat(s.memberId()).isEqualTo("p1");
      String text = new String(Files.readAllBytes(backup), StandardCharsets.ISO_8859_1);
      assertThat(text)
          .as("the backup holds the sensitive value in plain text")
          .doesNotContain(SECRET);
      assertThat(text).as("the same scan finds a plain value").contains(CONTROL + "3");
      Files.copy(cluster.config(0).dataDir().resolve("system.key"), keyCopy);

      // Every peer lost.
      for (int i = 0; i < 3; i++) {
        cluster.wipe(i);
      }
      Backups.Summary restored =
          Backups.restore(cluster.config(0), backup, Optional.of(keyCopy), (d, t) -> {});
      assertThat(restored.appliedIndex()).isEqualTo(s.appliedIndex());
      cluster.restart(0);
      cluster.awaitLeader();
      assertThat(userTables(cluster.member(0).blocking())).isEqualTo(before);
      cluster.restart(1);
      cluster.restart(2);
      await()
          .atMost(WAIT)
          .ignoreException(ClusterDbException.class)
          .untilAsserted(
              () -> {
                for (int i = 1; i < 3; i++) {
                  assertThat(clusterTables(userTables(cluster.member(i).blocking())))
                      .isEqualTo(clusterTables(before));
                }
              });
      for (int i = 0; i < 3; i++) {
        assertThat(
                cluster
                    .member(i)
                    .blocking()
                    .get("secrets", Bytes.of("admin"), Consistency.LOCAL)
                    .orElseThrow()
                    .value()
                    .toStringUtf8())
            .isEqualTo(SECRET);
      }
      assertThat(
              cluster.member(0).blocking().get("local", "nic").orElseThrow().value().toStringUtf8())
          .isEqualTo("eth0");
      // The new cluster takes writes, after the restored revisions.
      long rev = cluster.member(0).blocking().put("zones", "after", "dr").header().revision();
      assertThat(rev).isGreaterThan(s.revision());
    }
  }

  @Test
  void aDamagedForeignOrOtherVersionBackupIsRefusedAndNothingChanges() throws Exception {
    Path backup = dir.resolve("b.cdb");
    try (MiniCluster cluster = MiniCluster.start(2, dir.resolve("c"), BackupsTest::quick)) {
      ClusterDb db = cluster.member(cluster.awaitLeader());
      db.blocking().createTable("zones", TableScope.CLUSTER);
      db.blocking().put("zones", "a", "1");
      cluster.awaitConverged();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      cluster.member(0).backup(out, BackupArchive.Progress.NONE);
      Files.write(backup, out.toByteArray());

      assertThatThrownBy(() -> Backups.restore(cluster.config(0), backup, Optional.empty(), none()))
          .isInstanceOfSatisfying(
              ClusterDbException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
          .hasMessageContaining("is running");
      assertThatThrownBy(() -> Backups.purge(cluster.config(0), false))
          .isInstanceOfSatisfying(
              ClusterDbException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
      cluster.stop(0);
      String tree = tree(cluster.config(0).dataDir());

      byte[] bytes = Files.readAllBytes(backup);
      Path flipped = dir.resolve("flipped.cdb");
      byte[] f = bytes.clone();
      f[f.length / 2] ^= 0x40;
      Files.write(flipped, f);
      assertRefused(cluster.config(0), flipped, "is damaged");
      Path truncated = dir.resolve("truncated.cdb");
      Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
      assertRefused(cluster.config(0), truncated, "is damaged");
      Path notOne = dir.resolve("not-a-backup.cdb");
      Files.writeString(notOne, "hello");
      assertRefused(cluster.config(0), notOne, "not a clusterdb backup");

      Path other = dir.resolve("other-version.cdb");
      Path parts = dir.resolve("parts");
      BackupManifest m = BackupArchive.read(backup, parts, none());
      BackupManifest.Builder header = m.toBuilder().clearFiles().setSoftwareVersion("0.0.1-old");
      List<BackupArchive.Section> sections =
          List.of(
              new BackupArchive.Section("state", parts.resolve("state")),
              new BackupArchive.Section("peer", parts.resolve("peer")));
      try (var o = Files.newOutputStream(other)) {
        BackupArchive.write(BackupArchive.manifest(header, sections), sections, o, none());
      }
      assertThat(Backups.verify(other, none()).softwareVersion()).isEqualTo("0.0.1-old");
      assertRefused(cluster.config(0), other, "made by clusterdb 0.0.1-old");

      cluster.stop(1);
      assertRefused(cluster.config(1), backup, "taken on peer 'p1'");
      ClusterDbConfig foreign = cluster.config(0).toBuilder().clusterName("other.test").build();
      assertRefused(foreign, backup, "of cluster 'mini.cluster.test'");

      assertThat(tree(cluster.config(0).dataDir()))
          .as("p1's data dir after refusals")
          .isEqualTo(tree);
      // And the good one goes in.
      Backups.restore(cluster.config(0), backup, Optional.empty(), none());
      assertThat(cluster.config(0).dataDir().resolve("raft")).doesNotExist();
      assertThat(cluster.config(0).dataDir().resolve("restore")).isDirectory();
    }
  }

  @Test
  void aPurgedPeerRejoinsEmptyAndIsFilledFromTheCluster() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir.resolve("c"), BackupsTest::quick)) {
      ClusterDb db = cluster.member(cluster.awaitLeader());
      db.blocking().createTable("zones", TableScope.CLUSTER);
      for (int i = 0; i < 20; i++) {
        db.blocking().put("zones", "k" + i, "v" + i);
      }
      cluster.member(2).blocking().createTable("local", TableScope.PEER);
      cluster.member(2).blocking().put("local", "nic", "eth1");
      cluster.awaitConverged();
      cluster.stop(2);
      Path data = cluster.config(2).dataDir();
      List<Path> deleted = Backups.purge(cluster.config(2), false);
      assertThat(deleted).contains(data.resolve("raft"), data.resolve("state"));
      assertThat(data.resolve("raft")).doesNotExist();
      assertThat(data.resolve("peer")).isDirectory();
      db.blocking().put("zones", "while-away", "x");
      cluster.restart(2);
      await()
          .atMost(WAIT)
          .ignoreException(ClusterDbException.class)
          .until(() -> cluster.holds(2, "zones", "while-away"));
      cluster.awaitConverged();
      assertThat(clusterTables(userTables(cluster.member(2).blocking())))
          .isEqualTo(clusterTables(userTables(cluster.member(0).blocking())))
          .contains("zones 21 ");
      assertThat(
              cluster.member(2).blocking().get("local", "nic").orElseThrow().value().toStringUtf8())
          .isEqualTo("eth1");
    }
  }

  @Test
  void aRestoreInterruptedMidwayKeepsThePeerFromStartingUntilItIsRunAgainOrPurged()
      throws Exception {
    Path backup = dir.resolve("p3.cdb");
    try (MiniCluster cluster = MiniCluster.start(3, dir.resolve("c"), BackupsTest::quick)) {
      ClusterDb db = cluster.member(cluster.awaitLeader());
      db.blocking().createTable("zones", TableScope.CLUSTER);
      for (int i = 0; i < 20; i++) {
        db.blocking().put("zones", "k" + i, "v" + i);
      }
      ClusterDb p3 = cluster.member(2);
      p3.blocking().createTable("local", TableScope.PEER);
      p3.blocking().put("local", "nic", "eth1");
      cluster.awaitConverged();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      p3.backup(out, none());
      Files.write(backup, out.toByteArray());
      p3.blocking().put("local", "nic", "eth9");
      cluster.stop(2);
      ClusterDbConfig config = cluster.config(2);

      interruptRestore(config, backup, "No space left on device");
      assertThatThrownBy(() -> cluster.restart(2))
          .isInstanceOfSatisfying(
              DatabaseFailedException.class,
              e ->
                  assertThat(e.alarms())
                      .filteredOn(Alarm::active)
                      .extracting(Alarm::id)
                      .contains(DATABASE_FAILURE))
          .hasMessageContaining("a restore from " + backup.toAbsolutePath())
          .hasMessageContaining("was interrupted");
      assertThat(cluster.isRunning(2)).isFalse();

      Backups.restore(config, backup, Optional.empty(), none());
      db.blocking().put("zones", "while-away", "x");
      ClusterDb again = cluster.restart(2);
      await()
          .atMost(WAIT)
          .ignoreException(ClusterDbException.class)
          .until(() -> cluster.holds(2, "zones", "while-away") && cluster.holds(2, "zones", "k19"));
      assertThat(again.blocking().get("local", "nic").orElseThrow().value().toStringUtf8())
          .as("the backup's own tables")
          .isEqualTo("eth1");
      await()
          .atMost(WAIT)
          .until(() -> !MiniCluster.activeAlarmIds(again).contains(DATABASE_FAILURE));

      cluster.stop(2);
      interruptRestore(config, backup, "interrupted");
      assertThatThrownBy(() -> Backups.checkNoInterruptedRestore(config.dataDir()))
          .isInstanceOf(InterruptedRestoreException.class);
      assertThat(Backups.purge(config, false))
          .contains(config.dataDir().resolve(Backups.RESTORING));
      Backups.checkNoInterruptedRestore(config.dataDir());
    }
  }

  /** A restore of {@code backup} that fails with {@code why} once it has begun replacing. */
  private static void interruptRestore(ClusterDbConfig config, Path backup, String why) {
    assertThatThrownBy(
            () ->
                Backups.restore(
                    config,
                    backup,
                    Optional.empty(),
                    none(),
                    () -> {
                      throw new IllegalStateException(why);
                    }))
        .hasMessage(why);
  }

  private static BackupArchive.Progress none() {
    return BackupArchive.Progress.NONE;
  }

  private static void assertRefused(ClusterDbConfig config, Path file, String why) {
    assertThatThrownBy(() -> Backups.restore(config, file, Optional.empty(), none()))
        .isInstanceOfSatisfying(
            ClusterDbException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.field()).contains("file");
            })
        .hasMessageContaining(why);
  }

  /** Every file under {@code root} with its size: what a refused restore must leave alone. */
  private static String tree(Path root) throws IOException {
    StringBuilder b = new StringBuilder();
    try (var files = Files.walk(root)) {
      for (Path p : files.sorted().toList()) {
        b.append(root.relativize(p)).append(' ');
        b.append(Files.isRegularFile(p) ? Files.size(p) : -1).append('\n');
      }
    }
    return b.toString();
  }

  /** The lines of {@link #userTables} of the cluster tables (named so by the test). */
  private static String clusterTables(String userTables) {
    return String.join("\n", userTables.lines().filter(l -> !l.startsWith("local ")).toList());
  }

  /**
   * Per user table, a digest of its rows as {@code db} holds them locally: keys, values and their
   * create and mod revisions and versions.
   */
  public static String userTables(org.clusterdb.api.BlockingKeyValueStore db) throws Exception {
    StringBuilder b = new StringBuilder();
    for (Table t : db.listTables(Consistency.LOCAL)) {
      if (t.name().startsWith("clusterdb.")) {
        continue;
      }
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      int n = 0;
      for (KeyValue kv : db.range(t.name(), KeyRange.all(), ReadOptions.local()).kvs()) {
        sha.update(kv.key().toByteArray());
        sha.update(kv.value().toByteArray());
        sha.update((kv.createRevision() + "/" + kv.modRevision() + "/" + kv.version()).getBytes());
        n++;
      }
      b.append(t.name()).append(' ').append(n).append(' ');
      b.append(HexFormat.of().formatHex(sha.digest())).append('\n');
    }
    return b.toString();
  }
}
