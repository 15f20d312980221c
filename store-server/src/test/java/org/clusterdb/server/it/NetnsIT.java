package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Netns} gives real partitions: hosts reach each other until one is isolated and again once
 * healed, the root namespace reaches none of them, and close leaves nothing behind.
 */
@Timeout(120)
class NetnsIT {
  private static final int PORT = 7070;
  // Ample for a connect across a local bridge; a dropped SYN costs no more than this.
  private static final Duration CONNECT_BOUND = Duration.ofSeconds(1);
  private static final Duration REACH_TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void isolatedHostIsCutOffFromEveryoneUntilHealed() throws Exception {
    try (Netns net = Netns.create(2)) {
      List<Process> listeners = new ArrayList<>();
      try {
        for (int host = 0; host < 2; host++) {
          listeners.add(startListener(net, host));
        }
        awaitReaches(net, listeners, net.namespace(0), net.address(1));
        awaitReaches(net, listeners, net.namespace(1), net.address(0));
        awaitReaches(net, listeners, net.clientNamespace(), net.address(0));
        awaitReaches(net, listeners, net.clientNamespace(), net.address(1));

        net.isolate(1);
        net.isolate(1);
        assertThat(connects(net, net.namespace(0), net.address(1))).isFalse();
        assertThat(connects(net, net.namespace(1), net.address(0))).isFalse();
        assertThat(connects(net, net.clientNamespace(), net.address(1))).isFalse();
        awaitReaches(net, listeners, net.clientNamespace(), net.address(0));

        net.heal(1);
        net.heal(1);
        awaitReaches(net, listeners, net.namespace(0), net.address(1));
        awaitReaches(net, listeners, net.namespace(1), net.address(0));
        awaitReaches(net, listeners, net.clientNamespace(), net.address(1));
      } finally {
        for (Process listener : listeners) {
          listener.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  @Test
  void rootNamespaceCannotReachTheHosts() throws Exception {
    try (Netns net = Netns.create(1)) {
      long start = System.nanoTime();
      try (Socket socket = new Socket()) {
        assertThatThrownBy(() -> socket.connect(new InetSocketAddress(net.address(0), PORT), 5_000))
            .isInstanceOf(IOException.class);
      }
      // The blackhole refuses at once; a packet let out by the default route would time out.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void closeRemovesEveryNamespaceAndTheRoute() {
    Netns net = Netns.create(3);
    String namespace = net.namespace(0);
    String prefix = namespace.substring(0, namespace.indexOf('-') + 1);
    String address = net.address(0);
    String subnet = address.substring(0, address.lastIndexOf('.') + 1);
    try {
      assertThat(Netns.run("ip", "netns", "list")).contains(prefix);
      assertThat(Netns.run("ip", "route", "show", "table", "all")).contains(subnet);
    } finally {
      net.close();
    }
    net.close();

    assertThat(Netns.run("ip", "netns", "list")).doesNotContain(prefix);
    assertThat(Netns.run("ip", "route", "show", "table", "all")).doesNotContain(subnet);
    assertThat(Netns.run("ip", "link", "show")).doesNotContain(prefix);
  }

  private Process startListener(Netns net, int host) throws Exception {
    Path classes =
        Path.of(Listener.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> java =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx32m",
            "-cp",
            classes.toString(),
            Listener.class.getName(),
            Integer.toString(PORT));
    return new ProcessBuilder(net.wrap(net.namespace(host), java))
        .redirectErrorStream(true)
        .redirectOutput(listenerLog(host).toFile())
        .start();
  }

  private void awaitReaches(Netns net, List<Process> listeners, String from, String address) {
    await(from + " reaches " + address)
        .atMost(REACH_TIMEOUT)
        .failFast(
            () -> {
              for (int host = 0; host < listeners.size(); host++) {
                Path log = listenerLog(host);
                assertThat(listeners.get(host).isAlive())
                    .as(() -> "listener on " + log + " exited: " + readQuietly(log))
                    .isTrue();
              }
            })
        .until(() -> connects(net, from, address));
  }

  private Path listenerLog(int host) {
    return dir.resolve("listener-" + host + ".log");
  }

  /** Whether a TCP connection from {@code namespace} to the listener port opens in time. */
  private static boolean connects(Netns net, String namespace, String address) throws Exception {
    List<String> bash = List.of("bash", "-c", "exec 3<>/dev/tcp/" + address + "/" + PORT);
    Process process =
        new ProcessBuilder(net.wrap(namespace, bash))
            .redirectOutput(Redirect.DISCARD)
            .redirectError(Redirect.DISCARD)
            .start();
    try {
      return process.waitFor(CONNECT_BOUND.toMillis(), TimeUnit.MILLISECONDS)
          && process.exitValue() == 0;
    } finally {
      process.destroyForcibly();
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** Accepts and drops connections: reaching a host is all these tests ask of it. */
  public static final class Listener {
    public static void main(String[] args) throws IOException {
      try (ServerSocket server = new ServerSocket(Integer.parseInt(args[0]))) {
        while (true) {
          server.accept().close();
        }
      }
    }
  }
}
