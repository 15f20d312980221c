package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.clusterdb.server.it.MembershipIT.activeAlarms;
import static org.clusterdb.server.it.MembershipIT.allActive;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings.TlsMode;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.TableScope;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.core.config.SoftwareVersion;
import org.clusterdb.core.security.KeyType;
import org.clusterdb.server.config.PeerEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clusterdb rolling-restart} against three server processes whose configuration primary is
 * peer 2, while a writer keeps writing: peer 2 restarts first, then peers 1 and 3, each in place
 * (same process, a new database start); the pending "Restart required" of a TLS mode change clears;
 * every acknowledged write is on every peer afterwards. And an upgrade one peer at a time:
 * "Software version mismatch" on every peer until every peer runs the new version.
 */
@Timeout(400)
class RollingRestartIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(300);
  private static final int RESTART_REQUIRED = 20007;
  private static final int VERSION_MISMATCH = 20021;

  @TempDir Path dir;

  @Test
  void restartsThePrimaryFirstThenEachPeerWhileWritesGoOnAndLosesNone() throws Exception {
    PeerCertificates certs = PeerCertificates.create(dir.resolve("certs"));
    try (ServerProcesses cluster =
        ServerProcesses.prepare(
            3,
            dir,
            "localhost",
            (i, b) ->
                b.primary(2)
                    .healthCheckInterval(POLL)
                    .tls(certs.issue(i, "localhost", KeyType.EC)))) {
      for (int i = 0; i < 3; i++) {
        cluster.restart(i);
      }
      for (int i = 0; i < 3; i++) {
        int peer = i;
        await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, peer));
      }
      createTable(cluster);

      // A change only a restart applies, on every peer: "Restart required" everywhere.
      PeerTlsIT.enforcePendingRestart(cluster);
      List<Instant> before = startedAt(cluster);
      List<Long> pids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        pids.add(cluster.process(i).pid());
      }

      Writer writer = new Writer(cluster);
      Thread thread = new Thread(writer, "it-writer");
      thread.start();
      Instant runStart;
      Instant runEnd;
      Cli run;
      try {
        await().atMost(WAIT).until(() -> writer.acked.size() >= 5);
        runStart = Instant.now();
        run =
            Cli.run(
                "rolling-restart",
                "--endpoints",
                String.join(",", cluster.endpoints()),
                "--peer-timeout",
                "90s");
        runEnd = Instant.now();
        await().atMost(WAIT).until(() -> writer.ackedAfter(runEnd) >= 5);
      } finally {
        writer.stop.set(true);
        thread.join(Duration.ofSeconds(30).toMillis());
      }

      assertThat(run.exit()).as("%s%n%s", run.out(), run.err()).isZero();
      assertThat(run.out())
          .containsSubsequence(
              "Restart sequence: p2, p1, p3",
              "[1/3] restarting p2 (configuration primary)",
              "p2 is Active and replication is healthy",
              "[2/3] restarting p1",
              "p1 is Active and replication is healthy",
              "[3/3] restarting p3",
              "p3 is Active and replication is healthy",
              "Restart sequence complete: p2, p1, p3 restarted");

      // Each peer restarted once, in place, in the sequence's order.
      List<Instant> after = startedAt(cluster);
      for (int i = 0; i < 3; i++) {
        assertThat(after.get(i)).isAfter(before.get(i));
        assertThat(cluster.process(i).pid()).isEqualTo(pids.get(i));
        assertThat(cluster.isAlive(i)).isTrue();
        assertThat(Files.readString(cluster.log(i)).lines())
            .filteredOn(l -> l.contains("starting clusterdb member="))
            .hasSize(2);
      }
      assertThat(after.get(1)).isBefore(after.get(0));
      assertThat(after.get(0)).isBefore(after.get(2));

      // The restart applied the pending change and cleared its alarm.
      for (int i = 0; i < 3; i++) {
        assertThat(activeAlarms(cluster, i)).doesNotContain("Alarm " + RESTART_REQUIRED);
        try (ClusterDbClient c = cluster.client(i)) {
          assertThat(c.clusteringSettings().own().tlsMode()).isEqualTo(TlsMode.ENFORCE);
        }
      }

      // Writes went on during the sequence, and none acknowledged was lost on any peer.
      assertThat(writer.ackedBetween(runStart, runEnd)).isGreaterThan(0);
      Set<String> acked = Set.copyOf(writer.acked.keySet());
      for (int i = 0; i < 3; i++) {
        int peer = i;
        await()
            .atMost(WAIT)
            .pollInterval(POLL)
            .ignoreException(ClusterDbException.class)
            .untilAsserted(() -> assertThat(keys(cluster, peer)).containsAll(acked));
      }

      // One peer alone: restart refuses while its configuration file does not load, and the
      // peer goes on as it is; once the file is fixed, it restarts.
      String good = Files.readString(cluster.config(2));
      Files.writeString(cluster.config(2), "cluster: [not a map\n");
      Cli refused = MembershipIT.cli(cluster, 2, "restart");
      assertThat(refused.exit()).isEqualTo(1);
      assertThat(refused.err())
          .contains("INVALID_ARGUMENT")
          .contains("not restarting: the configuration file does not load");
      assertThat(startedAt(cluster).get(2)).isEqualTo(after.get(2));
      Files.writeString(cluster.config(2), good);
      Cli one = MembershipIT.ok(cluster, 2, "restart");
      assertThat(one.out()).contains("Restarting p3", "p3 is Active and replication is healthy");
      assertThat(startedAt(cluster).get(2)).isAfter(after.get(2));
      assertThat(cluster.process(2).pid()).isEqualTo(pids.get(2));
    }
  }

  /**
   * Peer 2 cannot start again (its client port, changed in its file, is taken): the sequence waits
   * out the timeout on it, says so and exits 1, and peer 3 is left as it was.
   */
  @Test
  void aPeerThatDoesNotComeBackStopsTheSequenceAndLeavesTheRestUntouched() throws Exception {
    try (ServerProcesses cluster = ServerProcesses.start(3, dir, b -> b.healthCheckInterval(POLL));
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < 3; i++) {
        int peer = i;
        await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, peer));
      }
      List<PeerEndpoint> peers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        PeerEndpoint p = cluster.peer(i);
        peers.add(
            i == 1 ? new PeerEndpoint(p.id(), p.host(), p.peerPort(), taken.getLocalPort()) : p);
      }
      cluster.rewriteConfig(1, b -> b.healthCheckInterval(POLL).peers(peers));
      List<Instant> before = startedAt(cluster);

      Cli run =
          Cli.run(
              "rolling-restart",
              "--endpoints",
              String.join(",", cluster.endpoints()),
              "--peer-timeout",
              "20s");

      assertThat(run.exit()).as("%s%n%s", run.out(), run.err()).isEqualTo(1);
      assertThat(run.out())
          .contains("p1 is Active and replication is healthy", "[2/3] restarting p2");
      assertThat(run.err())
          .contains("p2 did not come back Active with healthy replication within 20.0 s")
          .contains("Not restarted: p3")
          .contains("Restarted: p1");
      assertThat(startedAt(cluster, 0)).isAfter(before.get(0));
      assertThat(startedAt(cluster, 2)).isEqualTo(before.get(2));
      // The server could not start again, so its process ended, for a supervisor to restart.
      assertThat(cluster.process(1).waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(cluster.process(1).exitValue()).isEqualTo(1);
      assertThat(Files.readString(cluster.log(1)))
          .contains("restart failed: the server did not start again member=p2");
    }
  }

  /**
   * The upgrade procedure: peer 3 restarts on a new version, which raises "Software version
   * mismatch" on every peer and shows each peer's version; the others follow by a rolling restart,
   * and the alarm clears everywhere.
   */
  @Test
  void upgradingOnePeerAtATimeRaisesVersionMismatchUntilEveryPeerRunsTheNewVersion()
      throws Exception {
    String next = "9.9.9-next";
    try (ServerProcesses cluster =
        ServerProcesses.start(3, dir, b -> b.healthCheckInterval(POLL))) {
      for (int i = 0; i < 3; i++) {
        int peer = i;
        await().atMost(WAIT).pollInterval(POLL).until(() -> allActive(cluster, peer));
      }
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(
              () ->
                  MembershipIT.cli(cluster, 0, "xstatus")
                      .out()
                      .contains("Software version: " + SoftwareVersion.CURRENT + " on every peer"));
      assertThat(activeAlarms(cluster, 0)).doesNotContain("Alarm " + VERSION_MISMATCH);

      cluster.rewriteConfig(2, b -> b.healthCheckInterval(POLL).softwareVersion(next));
      MembershipIT.ok(cluster, 2, "restart");
      for (int i = 0; i < 3; i++) {
        int peer = i;
        await()
            .atMost(WAIT)
            .pollInterval(POLL)
            .until(() -> activeAlarms(cluster, peer).contains("Alarm " + VERSION_MISMATCH));
      }
      String page = MembershipIT.cli(cluster, 0, "xstatus").out();
      assertThat(page)
          .contains(
              "Software versions differ: p1 "
                  + SoftwareVersion.CURRENT
                  + ", p2 "
                  + SoftwareVersion.CURRENT
                  + ", p3 "
                  + next)
          .contains("Alarm " + VERSION_MISMATCH + " (warning): Software version mismatch");
      assertThat(Files.readString(cluster.log(0)))
          .contains("Software version mismatch: the peers run different software versions")
          .contains("Versions=\"p1=" + SoftwareVersion.CURRENT);

      // The rest of the upgrade: a mixed cluster still restarts in sequence.
      cluster.rewriteConfig(0, b -> b.healthCheckInterval(POLL).softwareVersion(next));
      cluster.rewriteConfig(1, b -> b.healthCheckInterval(POLL).softwareVersion(next));
      Cli run = Cli.run("rolling-restart", "--endpoints", String.join(",", cluster.endpoints()));
      assertThat(run.exit()).as("%s%n%s", run.out(), run.err()).isZero();
      for (int i = 0; i < 3; i++) {
        int peer = i;
        await()
            .atMost(WAIT)
            .pollInterval(POLL)
            .until(() -> !activeAlarms(cluster, peer).contains("Alarm " + VERSION_MISMATCH));
      }
      assertThat(MembershipIT.cli(cluster, 1, "xstatus").out())
          .contains("Software version: " + next + " on every peer");
      assertThat(Files.readString(cluster.log(0))).contains("Software versions agree");
    }
  }

  private static void createTable(ServerProcesses cluster) {
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              try (ClusterDbClient c = cluster.client()) {
                try {
                  c.blocking().createTable("t", TableScope.CLUSTER);
                } catch (ClusterDbException e) {
                  if (e.code() != ErrorCode.TABLE_EXISTS) {
                    throw e;
                  }
                }
                return true;
              }
            });
  }

  private static List<Instant> startedAt(ServerProcesses cluster) {
    List<Instant> out = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      out.add(startedAt(cluster, i));
    }
    return out;
  }

  /** When peer {@code i}'s database started. */
  private static Instant startedAt(ServerProcesses cluster, int i) {
    try (ClusterDbClient c = cluster.client(i)) {
      return c.status().startedAt().orElseThrow();
    }
  }

  /** Every key of table t in peer {@code i}'s replica, as it is. */
  private static Set<String> keys(ServerProcesses cluster, int i) {
    try (ClusterDbClient c = cluster.client(i)) {
      List<KeyValue> kvs = c.blocking().range("t", KeyRange.all(), ReadOptions.local()).kvs();
      Set<String> out = ConcurrentHashMap.newKeySet();
      for (KeyValue kv : kvs) {
        out.add(kv.key().toStringUtf8());
      }
      return out;
    }
  }

  /**
   * Puts w0, w1, ... through every peer's endpoint, each key once: a put that fails may or may not
   * have applied, so its key is not reused. Remembers when each acknowledged put was.
   */
  private static final class Writer implements Runnable {
    final ServerProcesses cluster;
    final ConcurrentHashMap<String, Instant> acked = new ConcurrentHashMap<>();
    final AtomicBoolean stop = new AtomicBoolean();

    Writer(ServerProcesses cluster) {
      this.cluster = cluster;
    }

    @Override
    public void run() {
      try (ClusterDbClient c = cluster.client()) {
        for (int n = 0; n < 100_000 && !stop.get(); n++) {
          String key = "w" + n;
          try {
            c.blocking().put("t", Bytes.of(key), Bytes.of("v" + n));
            acked.put(key, Instant.now());
          } catch (ClusterDbException e) {
            // Indeterminate or refused: the next key goes on.
          }
        }
      }
    }

    long ackedBetween(Instant from, Instant to) {
      return acked.values().stream().filter(t -> !t.isBefore(from) && !t.isAfter(to)).count();
    }

    long ackedAfter(Instant from) {
      return acked.values().stream().filter(t -> t.isAfter(from)).count();
    }
  }
}
