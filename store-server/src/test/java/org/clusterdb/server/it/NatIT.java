package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's "no NAT between peers", with real processes in network namespaces: a peer that can
 * reach the primary but cannot be reached by it (new connections from the primary dropped, as NAT
 * does) is admitted, then refused, and raises 20015; once the path is open it joins.
 */
@Timeout(300)
class NatIT {
  private static final Duration CHECK = Duration.ofMillis(500);
  private static final Duration FAILURE = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  void aPeerThePrimaryCannotReachIsRefusedWithTheAddressAlarmAndJoinsOnceReachable()
      throws Exception {
    try (Netns net = Netns.create(2)) {
      net.refuseConnectionsFrom(1, 0);
      try (ServerProcesses cluster =
          ServerProcesses.startIn(
              net, 2, dir, b -> b.healthCheckInterval(CHECK).peerFailureTimeout(FAILURE))) {
        String client = net.clientNamespace();
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> {
                  String page = cli(net, client, 1, "xstatus").out();
                  return page.contains("Alarm 20015") && page.contains("Joining");
                });
        assertThat(Files.readString(cluster.log(0)))
            .contains("join refused member=p1 peer=p2 reason=ADDRESS");
        assertThat(cli(net, client, 0, "xstatus").out()).contains("Failed");

        net.acceptConnectionsFrom(1, 0);
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> cli(net, client, 0, "xstatus").exit() == 0);
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> !cli(net, client, 1, "xstatus").out().contains("Alarm 20015"));
        assertThat(cli(net, client, 0, "table", "create", "zones").exit()).isZero();
        assertThat(cli(net, client, 1, "put", "zones", "z1", "via-p2").exit()).isZero();
      }
    }
  }

  private static Cli cli(Netns net, String namespace, int peer, String... args)
      throws IOException, InterruptedException {
    return Cli.onIn(net, namespace, net.address(peer) + ":7101", args);
  }
}
