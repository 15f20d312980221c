package org.clusterdb.chaos.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The chaos network itself: it cuts what it should and leaves nothing behind. Needs root. */
class NetworkIT {
  @Test
  void closeRemovesTheNamespacesTheRouteAndTheProcessesInside() throws Exception {
    Network net = Network.create(3);
    String subnet = net.subnet();
    Process inside = startIn(net.namespace(1));
    net.close();
    assertThat(inside.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(namespacesOf(net.prefix())).isEmpty();
    assertThat(routes(subnet)).isBlank();
    assertThat(Network.STATE_DIR.resolve(net.prefix())).doesNotExist();
  }

  /** A run killed with kill -9 never ran close(): the next run's cleanup must do its work. */
  @Test
  void theNextRunRemovesWhatACrashedRunLeft() throws Exception {
    Network net = Network.create(3);
    Path state = Network.STATE_DIR.resolve(net.prefix());
    Process inside = startIn(net.namespace(0));
    // Record a launcher that has exited, as a crashed run leaves it.
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(state, Files.readString(state).replaceFirst("pid=\\d+", "pid=" + gone.pid()));

    List<String> removed = Network.cleanupStale();

    assertThat(removed).anyMatch(r -> r.startsWith(net.prefix()));
    assertThat(inside.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(namespacesOf(net.prefix())).isEmpty();
    assertThat(routes(net.subnet())).isBlank();
    assertThat(state).doesNotExist();
  }

  @Test
  void aLiveRunIsLeftAlone() throws Exception {
    try (Network net = Network.create(3)) {
      Network.cleanupStale();
      // Switch, three nodes, client.
      assertThat(namespacesOf(net.prefix())).hasSize(5);
      assertThat(routes(net.subnet())).contains("blackhole");
    }
  }

  @Test
  void droppedPacketsCutTheLinkAndClearingRestoresIt() throws Exception {
    try (Network net = Network.create(3)) {
      assertThat(reachable(net, 0, 1)).isTrue();
      net.drop(1, 0);
      assertThat(reachable(net, 0, 1)).isFalse();
      assertThat(reachable(net, 0, 2)).isTrue();
      net.clearRules(1);
      assertThat(reachable(net, 0, 1)).isTrue();
    }
  }

  /**
   * Connects to a port nobody listens on: a reachable host refuses at once, a cut one never answers
   * and the attempt times out (exit 124).
   */
  private static boolean reachable(Network net, int from, int to) {
    Shell.Result r =
        Shell.exec(
            "ip",
            "netns",
            "exec",
            net.namespace(from),
            "timeout",
            "2",
            "bash",
            "-c",
            "exec 3<>/dev/tcp/" + net.address(to) + "/9");
    return r.exit() != 124;
  }

  private static String routes(String subnet) {
    return Shell.run("ip", "route", "show", "table", "all", "root", subnet + ".0/24");
  }

  private static Process startIn(String ns) throws Exception {
    return new ProcessBuilder(Network.inNamespace(ns, List.of("sleep", "600"))).start();
  }

  private static List<String> namespacesOf(String prefix) {
    return Shell.run("ip", "netns", "list")
        .lines()
        .map(l -> l.split(" ")[0])
        .filter(n -> n.startsWith(prefix))
        .toList();
  }
}
