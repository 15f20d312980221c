package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.Lease;
import org.clusterdb.api.LeaseKeeper;
import org.clusterdb.client.ClusterDbClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases over gRPC on three server processes: granted and used through the CLI, kept alive by the
 * Java client's {@link LeaseKeeper} across a kill -9 of the leader, and gone from every peer once
 * nobody keeps them alive.
 */
@Timeout(240)
class LeaseIT {
  private static final Pattern GRANTED = Pattern.compile("lease (\\d+) granted ttl=4000ms");

  @TempDir Path dir;

  private static boolean holds(ServerProcesses cluster, int i, String key) {
    try (ClusterDbClient c = cluster.client(i)) {
      return c.blocking().get("usage", Bytes.of(key), Consistency.LOCAL).isPresent();
    }
  }

  @Test
  void aClientKeepsALeaseAliveAcrossALeaderKillAndItsKeysGoWhenItStops() throws Exception {
    try (ServerProcesses cluster = ServerProcesses.start(3, dir)) {
      int leader = cluster.awaitLeader();
      String endpoints = "--endpoints=" + String.join(",", cluster.endpoints());
      String p2 = "--endpoints=" + cluster.endpoints().get(1);
      Cli created = Cli.run("table", "create", "usage", "--peer-owned-rows", endpoints);
      assertThat(created.out()).contains("created peer-owned-rows cluster table usage");
      // Peer 2's rows are peer 2's: another's key is refused through it.
      Cli forged = Cli.run("put", "usage", "p1/registrations", "1", p2);
      assertThat(forged.exit()).isNotZero();
      assertThat(forged.err()).contains("PERMISSION_DENIED").contains("peer-owned rows");

      Cli granted = Cli.run("lease", "grant", "--ttl", "4s", endpoints);
      assertThat(granted.exit()).as(granted.err()).isZero();
      Matcher m = GRANTED.matcher(granted.out());
      assertThat(m.find()).as(granted.out()).isTrue();
      long id = Long.parseLong(m.group(1));

      AtomicInteger keptAfterKill = new AtomicInteger();
      AtomicInteger lost = new AtomicInteger();
      AtomicReference<String> lastFailure = new AtomicReference<>("none");
      AtomicBoolean killed = new AtomicBoolean();
      try (ClusterDbClient client = cluster.client();
          LeaseKeeper keeper =
              LeaseKeeper.start(
                  client.leases(),
                  new Lease(id, Duration.ofSeconds(4)),
                  new LeaseKeeper.Listener() {
                    @Override
                    public void kept(Lease l) {
                      if (killed.get()) {
                        keptAfterKill.incrementAndGet();
                      }
                    }

                    @Override
                    public void failed(ClusterDbException e) {
                      lastFailure.set(e.code() + ": " + e.getMessage());
                    }

                    @Override
                    public void lost(ClusterDbException e) {
                      lastFailure.set(e.code() + ": " + e.getMessage());
                      lost.incrementAndGet();
                    }
                  })) {
        // The keeper holds the lease while the CLI's JVMs start.
        Cli put =
            Cli.run("put", "usage", "p2/registrations", "12", "--lease", String.valueOf(id), p2);
        assertThat(put.exit()).as(put.err()).isZero();
        Cli ttl = Cli.run("lease", "ttl", String.valueOf(id), endpoints);
        assertThat(ttl.out())
            .contains("lease " + id + " ttl=4000ms")
            .contains("usage p2/registrations");

        cluster.kill(leader);
        killed.set(true);
        // Six keep-alives past the kill: one and a half TTLs, through the election.
        try {
          await()
              .atMost(Duration.ofSeconds(60))
              .failFast(() -> lost.get() > 0)
              .until(() -> keptAfterKill.get() >= 6);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
          throw new AssertionError(
              "keep-alives after the kill: "
                  + keptAfterKill.get()
                  + ", keeper running: "
                  + keeper.running()
                  + ", last failure: "
                  + lastFailure.get(),
              e);
        }
        for (int i = 0; i < 3; i++) {
          if (i != leader) {
            assertThat(holds(cluster, i, "p2/registrations")).as("peer %d", i).isTrue();
          }
        }
      }

      // Nobody keeps it alive now: gone from both survivors within TTL plus an election.
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                for (int i = 0; i < 3; i++) {
                  if (i != leader && holds(cluster, i, "p2/registrations")) {
                    return false;
                  }
                }
                return true;
              });
      Cli gone = Cli.run("lease", "ttl", String.valueOf(id), endpoints);
      assertThat(gone.exit()).isNotZero();
      assertThat(gone.err()).contains("does not exist");

      // The killed peer comes back without the keys.
      cluster.restart(leader);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> !holds(cluster, leader, "p2/registrations") && cluster.isAlive(leader));
    }
  }
}
