package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings.TlsMode;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.core.SensitiveTablesTest;
import org.clusterdb.core.security.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server processes in TLS mode Enforce, with certificates from a CA made here: a value of a
 * sensitive table is read back from every peer, yet no file of any peer (RocksDB tables and WAL,
 * Raft log segments, snapshot checkpoints) holds it in plain text, while the same scan finds a
 * plain value; a peer whose key file was deleted raises "Failed to update key file" after its
 * restart and serves the value again once {@code clusterdb xcommand ForceSystemKeyUpdate} runs on a
 * healthy peer.
 */
@Timeout(300)
class SystemKeyIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String SECRET = "Sekr3t-Adm1n-Passw0rd-QJXZ";
  private static final String CONTROL = "Pla1n-Zone-Value-WKVY";
  private static final int SYSTEM_KEY_ALARM = 20020;

  @TempDir Path dir;

  private ServerProcesses start() throws Exception {
    PeerCertificates certs = PeerCertificates.create(dir.resolve("certs"));
    ServerProcesses cluster =
        ServerProcesses.prepare(
            3,
            dir,
            "localhost",
            // One peer with an RSA key: the system key is wrapped to both kinds.
            (i, b) ->
                b.tlsMode(TlsMode.ENFORCE)
                    .tls(certs.issue(i, "localhost", i == 1 ? KeyType.RSA : KeyType.EC)));
    for (int i = 0; i < 3; i++) {
      cluster.restart(i);
    }
    return cluster;
  }

  private Path keyFile(int i) {
    return dir.resolve("p" + (i + 1)).resolve("data").resolve("system.key");
  }

  @Test
  void sensitiveValuesAreNowhereOnDiskInPlainTextAndForceSystemKeyUpdateRestoresALostKey()
      throws Exception {
    try (ServerProcesses cluster = start()) {
      cluster.awaitLeader();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  Files.exists(keyFile(0)) && Files.exists(keyFile(1)) && Files.exists(keyFile(2)));
      byte[] key = Files.readAllBytes(keyFile(0));
      for (int i = 0; i < 3; i++) {
        assertThat(Files.readAllBytes(keyFile(i))).isEqualTo(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile(i))))
            .isEqualTo("rw-------");
      }

      assertThat(Cli.on(cluster, 0, "table", "create", "accounts", "--sensitive").out())
          .contains("created sensitive cluster table accounts");
      assertThat(Cli.on(cluster, 0, "table", "create", "zones").exit()).isZero();
      assertThat(Cli.on(cluster, 1, "put", "accounts", "admin", SECRET).exit()).isZero();
      assertThat(Cli.on(cluster, 0, "put", "zones", "z", CONTROL).exit()).isZero();
      for (int i = 0; i < 3; i++) {
        int peer = i;
        await().atMost(WAIT).until(() -> SECRET.equals(localValue(cluster, peer)));
        assertThat(Cli.on(cluster, i, "snapshot").exit()).isZero();
      }
      assertThat(Cli.on(cluster, 2, "get", "accounts", "admin").out()).contains(SECRET);

      List<Path> snapshotFiles = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        try (Stream<Path> files = Files.walk(dir.resolve("p" + (i + 1)))) {
          files
              .filter(f -> f.toString().contains("/sm/snapshot."))
              .filter(Files::isRegularFile)
              .forEach(snapshotFiles::add);
        }
      }
      assertThat(snapshotFiles).as("snapshot checkpoint files to scan").isNotEmpty();
      assertThat(SensitiveTablesTest.filesHolding(dir, SECRET))
          .as("files holding the sensitive value")
          .isEmpty();
      assertThat(SensitiveTablesTest.filesHolding(dir, CONTROL))
          .as("the scan finds a plain value")
          .isNotEmpty();

      // Peer 3 loses its key file and restarts: it raises the alarm and refuses sensitive reads.
      cluster.kill(2);
      Files.delete(keyFile(2));
      cluster.restart(2);
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> cluster.activeAlarms(2).contains(SYSTEM_KEY_ALARM));
      assertThat(readError(cluster, 2)).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(Cli.on(cluster, 2, "get", "zones", "z").out()).contains(CONTROL);

      Cli force = Cli.on(cluster, 0, "xcommand", "ForceSystemKeyUpdate");
      assertThat(force.exit()).as(force.err()).isZero();
      assertThat(force.out()).contains("p3");
      await().atMost(WAIT).ignoreExceptions().until(() -> SECRET.equals(localValue(cluster, 2)));
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> !cluster.activeAlarms(2).contains(SYSTEM_KEY_ALARM));
      assertThat(Files.readAllBytes(keyFile(2))).isEqualTo(key);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile(2))))
          .isEqualTo("rw-------");
    }
  }

  private static String localValue(ServerProcesses cluster, int i) {
    try (ClusterDbClient c = cluster.client(i)) {
      return c.blocking()
          .get("accounts", Bytes.of("admin"), Consistency.LOCAL)
          .map(kv -> kv.value().toStringUtf8())
          .orElse(null);
    } catch (ClusterDbException e) {
      return null;
    }
  }

  private static ErrorCode readError(ServerProcesses cluster, int i) {
    try (ClusterDbClient c = cluster.client(i)) {
      c.blocking().get("accounts", Bytes.of("admin"), Consistency.LOCAL);
      return null;
    } catch (ClusterDbException e) {
      return e.code();
    }
  }
}
