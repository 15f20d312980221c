package org.clusterdb.server.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private IPv4 network of Linux network namespaces, for real partitions between processes: some
 * host namespaces and one client namespace, each wired by a veth pair to a bridge in a switch
 * namespace. Host {@code i} is 10.250.X.(10+i), the client 10.250.X.200, in a random 10.250.X.0/24
 * that a blackhole route in the root namespace keeps from leaking out. Needs root and iproute2;
 * {@link #close} removes all of it.
 */
final class Netns implements AutoCloseable {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
  private static final int SUBNET_ATTEMPTS = 50;
  private static final int MAX_HOSTS = 100;

  private final String prefix;
  private final int hosts;
  // Namespaces in creation order; close() deletes them and forgets the ones that are gone.
  private final List<String> namespaces = new ArrayList<>();
  private String subnet;
  private boolean routed;

  private Netns(String prefix, int hosts) {
    this.prefix = prefix;
    this.hosts = hosts;
  }

  /** Builds the network; on any failure removes what it made and throws with the stderr. */
  static Netns create(int hosts) {
    if (hosts < 1 || hosts > MAX_HOSTS) {
      throw new IllegalArgumentException("hosts must be 1.." + MAX_HOSTS + ": " + hosts);
    }
    byte[] id = new byte[2];
    ThreadLocalRandom.current().nextBytes(id);
    Netns net = new Netns("cdb" + HexFormat.of().formatHex(id), hosts);
    try {
      net.claimSubnet();
      String sw = net.switchNamespace();
      net.addNamespace(sw);
      run("ip", "-n", sw, "link", "add", net.bridge(), "type", "bridge");
      run("ip", "-n", sw, "link", "set", net.bridge(), "up");
      for (int i = 0; i < hosts; i++) {
        net.attach(net.namespace(i), Integer.toString(i), net.address(i));
      }
      net.attach(net.clientNamespace(), "c", net.clientAddress());
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
    return net;
  }

  String address(int host) {
    checkHost(host);
    return subnet + "." + (10 + host);
  }

  String clientAddress() {
    return subnet + ".200";
  }

  String namespace(int host) {
    checkHost(host);
    return prefix + "-h" + host;
  }

  String clientNamespace() {
    return prefix + "-cl";
  }

  /** {@code command} as a command line that runs it inside {@code namespace}. */
  List<String> wrap(String namespace, List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    wrapped.addAll(command);
    return wrapped;
  }

  /** Cuts the host off from every other namespace, both ways. */
  void isolate(int host) {
    checkHost(host);
    run("ip", "-n", switchNamespace(), "link", "set", switchPort(Integer.toString(host)), "down");
  }

  void heal(int host) {
    checkHost(host);
    run("ip", "-n", switchNamespace(), "link", "set", switchPort(Integer.toString(host)), "up");
  }

  /**
   * Makes {@code host} refuse new TCP connections from {@code from}, while its own connections to
   * {@code from} still work: what NAT does to a peer behind it. The rule lives in {@code host}'s
   * namespace and goes with it.
   */
  void refuseConnectionsFrom(int host, int from) {
    run(connectionRule(host, from, "-A").toArray(String[]::new));
  }

  void acceptConnectionsFrom(int host, int from) {
    run(connectionRule(host, from, "-D").toArray(String[]::new));
  }

  private List<String> connectionRule(int host, int from, String action) {
    checkHost(host);
    checkHost(from);
    return List.of(
        "ip",
        "netns",
        "exec",
        namespace(host),
        "iptables",
        action,
        "INPUT",
        "-p",
        "tcp",
        "-s",
        address(from),
        "-m",
        "conntrack",
        "--ctstate",
        "NEW",
        "-j",
        "DROP");
  }

  /** Deletes the namespaces (and with them every veth), then the route; never throws. */
  @Override
  public void close() {
    // A test that timed out arrives here interrupted, and waitFor would refuse to run the cleanup.
    boolean interrupted = Thread.interrupted();
    try {
      for (int i = namespaces.size() - 1; i >= 0; i--) {
        try {
          run("ip", "netns", "del", namespaces.get(i));
          namespaces.remove(i);
        } catch (RuntimeException e) {
          System.err.println("Netns: could not delete namespace: " + e.getMessage());
        }
      }
      // A namespace that would not go still uses the subnet, so its route keeps it reserved.
      if (routed && namespaces.isEmpty()) {
        try {
          run("ip", "route", "del", "blackhole", cidr());
          routed = false;
        } catch (RuntimeException e) {
          System.err.println("Netns: could not delete route: " + e.getMessage());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Runs an iproute2 (or any short) command with a bounded wait and returns its stdout; throws with
   * its stderr when it fails.
   */
  static String run(String... command) {
    Result result = exec(List.of(command));
    if (result.exit() != 0) {
      throw result.failure();
    }
    return result.out();
  }

  private void claimSubnet() {
    for (int attempt = 0; attempt < SUBNET_ATTEMPTS; attempt++) {
      String candidate = "10.250." + ThreadLocalRandom.current().nextInt(1, 255);
      String candidateCidr = candidate + ".0/24";
      // Any route inside the /24 (a real interface, another test's blackhole) means it is taken.
      if (!run("ip", "-4", "route", "show", "table", "all", "root", candidateCidr).isBlank()) {
        continue;
      }
      Result added = exec(List.of("ip", "route", "add", "blackhole", candidateCidr));
      if (added.exit() == 0) {
        subnet = candidate;
        routed = true;
        return;
      }
      // Lost a race with a concurrent instance for the same subnet.
      if (!added.err().contains("File exists")) {
        throw added.failure();
      }
    }
    throw new IllegalStateException(
        "no free 10.250.X.0/24 subnet after " + SUBNET_ATTEMPTS + " attempts");
  }

  private void addNamespace(String namespace) {
    run("ip", "netns", "add", namespace);
    namespaces.add(namespace);
    run("ip", "-n", namespace, "link", "set", "lo", "up");
  }

  /**
   * Creates the veth pair inside the switch namespace and moves one end on, so nothing is ever left
   * behind in the root namespace.
   */
  private void attach(String namespace, String port, String address) {
    addNamespace(namespace);
    String sw = switchNamespace();
    String switchEnd = switchPort(port);
    String hostEnd = prefix + "-e" + port;
    run("ip", "-n", sw, "link", "add", switchEnd, "type", "veth", "peer", "name", hostEnd);
    run("ip", "-n", sw, "link", "set", hostEnd, "netns", namespace);
    run("ip", "-n", sw, "link", "set", switchEnd, "master", bridge());
    run("ip", "-n", sw, "link", "set", switchEnd, "up");
    run("ip", "-n", namespace, "addr", "add", address + "/24", "dev", hostEnd);
    run("ip", "-n", namespace, "link", "set", hostEnd, "up");
  }

  private String switchNamespace() {
    return prefix + "-sw";
  }

  private String bridge() {
    return prefix + "-br";
  }

  private String switchPort(String port) {
    return prefix + "-s" + port;
  }

  private String cidr() {
    return subnet + ".0/24";
  }

  private void checkHost(int host) {
    if (host < 0 || host >= hosts) {
      throw new IndexOutOfBoundsException("host " + host + " of " + hosts);
    }
  }

  private static Result exec(List<String> command) {
    try {
      // Files, not pipes: output can neither fill a pipe and stall nor need reader threads.
      Path out = Files.createTempFile("netns-", ".out");
      Path err = Files.createTempFile("netns-", ".err");
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
          if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(
                String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT);
          }
        } finally {
          process.destroyForcibly();
        }
        return new Result(
            command, process.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
    }
  }

  private record Result(List<String> command, int exit, String out, String err) {
    IllegalStateException failure() {
      return new IllegalStateException(
          String.join(" ", command) + " exited " + exit + ": " + err.strip());
    }
  }
}
