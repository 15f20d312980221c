package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.clusterdb.server.it.MembershipIT.allActive;
import static org.clusterdb.server.it.MembershipIT.cli;
import static org.clusterdb.server.it.MembershipIT.ok;
import static org.clusterdb.server.it.MembershipIT.peerArg;
import static org.clusterdb.server.it.MembershipIT.state;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.TableOptions;
import org.clusterdb.api.TableScope;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.core.backup.BackupsTest;
import org.clusterdb.core.storage.FileOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's backup and restore procedures with real server processes and the CLI: an online backup
 * while writes go on, with no sensitive value in it; the whole cluster rebuilt from it with equal
 * tables on every peer; a removed peer restored from its own backup and added back; a purged peer
 * filled again from the cluster.
 */
@Timeout(420)
class BackupRestoreIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final String SECRET = "Sekr3t-Backup-IT-ZPQW";
  private static final String CONTROL = "Pla1n-Backup-IT-KVXJ";

  @TempDir Path dir;

  @Test
  void anOnlineBackupRebuildsTheWholeClusterWithEqualTables() throws Exception {
    Path backup = dir.resolve("p1.cdb");
    Path keyCopy = dir.resolve("p1-system.key");
    String before;
    try (ServerProcesses cluster = ServerProcesses.start(3, dir)) {
      cluster.awaitLeader();
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 0));
      try (ClusterDbClient c = cluster.client(0)) {
        c.blocking().createTable("zones", TableScope.CLUSTER);
        c.blocking().createTable("secrets", TableOptions.sensitive(TableScope.CLUSTER));
        c.blocking().createTable("lan", TableScope.PEER);
        c.blocking().createTable("t", TableScope.CLUSTER);
        for (int i = 0; i < 5; i++) {
          c.blocking().put("zones", "z" + i, CONTROL + i);
        }
        c.blocking().put("secrets", "admin", SECRET);
        c.blocking().put("lan", "address", "10.0.0.1");
        before = clusterTables(BackupsTest.userTables(c.blocking()));
      }

      // Writes go on, through another peer, while peer 1 is backed up.
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger acked = new AtomicInteger();
      Thread writer =
          new Thread(
              () -> {
                for (int i = 0; i < 10_000 && !stop.get(); i++) {
                  cluster.writeAcknowledged("w" + i);
                  acked.incrementAndGet();
                }
              });
      writer.start();
      await().atMost(WAIT).until(() -> acked.get() >= 3);
      int ackedBefore = acked.get();
      Cli b = ok(cluster, 0, "backup", "--output", backup.toString());
      int ackedAfter = acked.get();
      stop.set(true);
      writer.join(60_000);
      assertThat(b.err()).contains("backup: 100%");
      assertThat(b.out()).contains("backup written").contains("cluster=").contains("peer=p1");
      assertThat(ackedAfter)
          .as("writes acknowledged while the backup ran")
          .isGreaterThan(ackedBefore);
      assertThat(dir.resolve("p1.cdb.partial")).doesNotExist();
      String text = new String(Files.readAllBytes(backup), StandardCharsets.ISO_8859_1);
      assertThat(text).as("a sensitive value in plain text in the backup").doesNotContain(SECRET);
      // The first of the similar values: table files are compressed, but a first occurrence stays.
      assertThat(text).as("the same scan finds a plain value").contains(CONTROL + "0");
      assertThat(ok0("backup", "verify", backup.toString()).out()).contains("backup verified");
      Files.copy(dataDir(0).resolve("system.key"), keyCopy);

      // Every peer lost: the machines come back empty.
      for (int i = 0; i < 3; i++) {
        cluster.kill(i);
        FileOps.deleteRecursively(dataDir(i));
      }
      Cli refused =
          Cli.run("restore", "--config", cluster.config(0).toString(), "--file", backup.toString());
      assertThat(refused.exit()).isEqualTo(2);
      assertThat(refused.err()).contains("--confirm");
      ok0(
          "restore",
          "--config",
          cluster.config(0).toString(),
          "--file",
          backup.toString(),
          "--system-key",
          keyCopy.toString(),
          "--confirm");
      cluster.restart(0);
      cluster.awaitLeader();
      cluster.restart(1);
      cluster.restart(2);
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 0));
      for (int i = 0; i < 3; i++) {
        int peer = i;
        await()
            .atMost(WAIT)
            .pollInterval(POLL)
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  try (ClusterDbClient c = cluster.client(peer)) {
                    assertThat(clusterTables(BackupsTest.userTables(c.blocking())))
                        .as("peer %d's tables", peer + 1)
                        .isEqualTo(before);
                    assertThat(
                            c.blocking()
                                .get("secrets", Bytes.of("admin"), Consistency.LOCAL)
                                .orElseThrow()
                                .value()
                                .toStringUtf8())
                        .isEqualTo(SECRET);
                    for (int k = 0; k < ackedBefore; k++) {
                      assertThat(c.blocking().get("t", Bytes.of("w" + k), Consistency.LOCAL))
                          .as("a write acknowledged before the backup began")
                          .isPresent();
                    }
                  }
                });
      }
      assertThat(cli(cluster, 0, "get", "lan", "address").out()).contains("10.0.0.1");
      // The recovered cluster takes writes.
      ok(cluster, 1, "put", "zones", "after", "recovery");
    }
  }

  @Test
  void aRemovedPeerIsRestoredFromItsOwnBackupAndAPurgedPeerIsFilledFromTheCluster()
      throws Exception {
    Path backup = dir.resolve("p3.cdb");
    try (ServerProcesses cluster = ServerProcesses.start(3, dir)) {
      cluster.awaitLeader();
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 0));
      try (ClusterDbClient c = cluster.client(0);
          ClusterDbClient p3 = cluster.client(2)) {
        c.blocking().createTable("zones", TableScope.CLUSTER);
        c.blocking().put("zones", "z1", "edge");
        p3.blocking().createTable("lan", TableScope.PEER);
        p3.blocking().put("lan", "address", "10.0.0.3");
        ok(cluster, 2, "backup", "--output", backup.toString());
        // Peer 3's own table goes wrong after the backup; the cluster moves on.
        p3.blocking().put("lan", "address", "garbage");
        c.blocking().put("zones", "z2", "after-backup");
      }

      // The seed: remove the peer from the cluster, restore its database, add it back.
      ok(cluster, 0, "clustering", "remove-peer", "p3");
      await().atMost(WAIT).pollInterval(POLL).until(() -> state(cluster, 0, "p3") == null);
      Cli running = restore(cluster, 2, backup);
      assertThat(running.exit()).isNotZero();
      assertThat(running.err()).contains("is running");
      assertThat(cluster.terminate(2)).isIn(0, 143);
      Path damaged = dir.resolve("damaged.cdb");
      byte[] bytes = Files.readAllBytes(backup);
      bytes[bytes.length / 2] ^= 1;
      Files.write(damaged, bytes);
      Cli bad = restore(cluster, 2, damaged);
      assertThat(bad.exit()).isNotZero();
      assertThat(bad.err()).contains("is damaged");
      Cli restored = restore(cluster, 2, backup);
      assertThat(restored.exit()).as("%s %s", restored.out(), restored.err()).isZero();
      ok(cluster, 0, "clustering", "add-peer", peerArg(cluster, 2));
      cluster.restart(2);
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 0));
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .ignoreExceptions()
          .until(() -> DatabaseFailureIT.holds(cluster, 2, "zones", "z2"));
      assertThat(cli(cluster, 2, "get", "lan", "address").out()).contains("10.0.0.3");

      // Purge peer 2 while stopped: it starts empty and the cluster fills it again.
      assertThat(cluster.terminate(1)).isIn(0, 143);
      try (ClusterDbClient c = cluster.client(0)) {
        c.blocking().put("zones", "z3", "while-purged");
      }
      Cli purged = ok0("purge", "--config", cluster.config(1).toString(), "--confirm");
      assertThat(purged.out()).contains("raft").contains("state");
      assertThat(dataDir(1).resolve("raft")).doesNotExist();
      cluster.restart(1);
      await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, 0));
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .ignoreExceptions()
          .until(() -> DatabaseFailureIT.holds(cluster, 1, "zones", "z3"));
      assertThat(cli(cluster, 1, "get", "zones", "z1", "--local").out()).contains("edge");
    }
  }

  private Path dataDir(int i) {
    return dir.resolve("p" + (i + 1)).resolve("data");
  }

  /** {@code clusterdb restore --confirm} of {@code file} onto peer {@code i}, as run. */
  private static Cli restore(ServerProcesses cluster, int i, Path file) throws Exception {
    return Cli.run(
        "restore",
        "--config",
        cluster.config(i).toString(),
        "--file",
        file.toString(),
        "--confirm");
  }

  private static Cli ok0(String... args) throws Exception {
    Cli c = Cli.run(args);
    assertThat(c.exit()).as("%s: %s %s", List.of(args), c.out(), c.err()).isZero();
    return c;
  }

  private static String clusterTables(String userTables) {
    // Without the peer table, and the writer's table, which grows while the backup runs.
    return String.join(
        "\n",
        userTables.lines().filter(l -> !l.startsWith("lan ") && !l.startsWith("t ")).toList());
  }
}
