package org.clusterdb.chaos.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The test hosts: one Linux network namespace per node and one for the clients, each wired by a
 * veth pair to a bridge in a switch namespace, on a random 10.251.X.0/24 that exists only inside
 * them. Before any namespace is made, a blackhole route for the subnet goes into the root
 * namespace, so no packet for a test address can leave by the default route. Node {@code i} is
 * 10.251.X.(10+i), the client namespace 10.251.X.200. Needs root and iproute2.
 *
 * <p>A run records itself (its pid, prefix and subnet) under {@link #STATE_DIR} before it creates
 * anything; {@link #cleanupStale} removes what a run that died left behind: the processes in its
 * namespaces (by pid), the namespaces (with their veths and rules) and the route.
 */
public final class Network implements AutoCloseable {
  public static final Path STATE_DIR = Path.of("/run/clusterdb-chaos");
  static final String PREFIX = "cdbchaos";
  private static final int SUBNET_ATTEMPTS = 50;

  private final String prefix;
  private final int nodes;
  private final String subnet;
  private final Path stateFile;

  private Network(String prefix, int nodes, String subnet, Path stateFile) {
    this.prefix = prefix;
    this.nodes = nodes;
    this.subnet = subnet;
    this.stateFile = stateFile;
  }

  /** Builds the network; on any failure removes what it made and throws with the stderr. */
  public static Network create(int nodes) {
    if (nodes < 1 || nodes > 100) {
      throw new IllegalArgumentException("nodes must be 1..100: " + nodes);
    }
    byte[] id = new byte[2];
    ThreadLocalRandom.current().nextBytes(id);
    String prefix = PREFIX + HexFormat.of().formatHex(id);
    Path stateFile = STATE_DIR.resolve(prefix);
    String subnet = claimSubnet(stateFile, prefix);
    Network net = new Network(prefix, nodes, subnet, stateFile);
    try {
      String sw = net.switchNamespace();
      net.addNamespace(sw);
      Shell.run("ip", "-n", sw, "link", "add", net.bridge(), "type", "bridge");
      Shell.run("ip", "-n", sw, "link", "set", net.bridge(), "up");
      for (int i = 0; i < nodes; i++) {
        net.attach(net.namespace(i), Integer.toString(i), net.address(i));
      }
      net.attach(net.clientNamespace(), "c", net.clientAddress());
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
    return net;
  }

  /**
   * The network another process created, named by its prefix and subnet: the worker inside the
   * client namespace uses it to address nodes and to filter packets, not to own them.
   */
  public static Network attach(String prefix, int nodes, String subnet) {
    return new Network(prefix, nodes, subnet, null);
  }

  public String prefix() {
    return prefix;
  }

  public String subnet() {
    return subnet;
  }

  public int nodes() {
    return nodes;
  }

  public String address(int node) {
    check(node);
    return subnet + "." + (10 + node);
  }

  public String clientAddress() {
    return subnet + ".200";
  }

  public String namespace(int node) {
    check(node);
    return prefix + "-n" + node;
  }

  public String clientNamespace() {
    return prefix + "-cl";
  }

  /** {@code command} as a command line that runs it inside {@code namespace}. */
  public static List<String> inNamespace(String namespace, List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    wrapped.addAll(command);
    return wrapped;
  }

  /** Runs an iptables command inside node {@code node}'s namespace. */
  public void iptables(int node, String... args) {
    List<String> cmd =
        new ArrayList<>(List.of("ip", "netns", "exec", namespace(node), "iptables", "-w"));
    cmd.addAll(List.of(args));
    Shell.run(cmd.toArray(String[]::new));
  }

  /** Node {@code node} drops every packet from {@code from}. */
  public void drop(int node, int from) {
    iptables(node, "-A", "INPUT", "-s", address(from), "-j", "DROP");
  }

  /** Node {@code node} drops this fraction of the packets from every other node, at random. */
  public void lose(int node, double probability) {
    for (int from = 0; from < nodes; from++) {
      if (from != node) {
        iptables(
            node,
            "-A",
            "INPUT",
            "-s",
            address(from),
            "-m",
            "statistic",
            "--mode",
            "random",
            "--probability",
            Double.toString(probability),
            "-j",
            "DROP");
      }
    }
  }

  /**
   * Node {@code node}'s new connections to {@code to}'s port go to {@code via} instead (a proxy),
   * which sees them coming from the proxy's address.
   */
  public void redirect(int node, int to, int port, String viaHost, int viaPort) {
    iptables(
        node,
        "-t",
        "nat",
        "-A",
        "OUTPUT",
        "-p",
        "tcp",
        "-d",
        address(to),
        "--dport",
        Integer.toString(port),
        "-j",
        "DNAT",
        "--to-destination",
        viaHost + ":" + viaPort);
  }

  /** Node {@code node} resets its established connections from {@code from}, forcing reconnects. */
  public void resetConnections(int node, int from) {
    iptables(
        node,
        "-I",
        "INPUT",
        "-p",
        "tcp",
        "-s",
        address(from),
        "-m",
        "conntrack",
        "--ctstate",
        "ESTABLISHED",
        "-j",
        "REJECT",
        "--reject-with",
        "tcp-reset");
  }

  /** Removes every rule this class adds on {@code node}. */
  public void clearRules(int node) {
    iptables(node, "-F", "INPUT");
    iptables(node, "-t", "nat", "-F", "OUTPUT");
  }

  /** Removes every rule this class adds, on every node: the heal of every packet fault. */
  public void clearAllRules() {
    for (int i = 0; i < nodes; i++) {
      clearRules(i);
    }
  }

  /** Pids of every process inside node {@code node}'s namespace. */
  public List<Long> pids(int node) {
    return pidsIn(namespace(node));
  }

  /** Kills every process left in the namespaces, deletes them, then the route; never throws. */
  @Override
  public void close() {
    if (stateFile == null) {
      return;
    }
    boolean interrupted = Thread.interrupted();
    try {
      removeAll(prefix, subnet);
      try {
        Files.deleteIfExists(stateFile);
      } catch (IOException e) {
        System.err.println("chaos: could not delete " + stateFile + ": " + e.getMessage());
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Removes what earlier runs left behind: every recorded run whose process is gone, and any
   * namespace of ours that no live run recorded. Returns what it removed, for the log.
   */
  public static List<String> cleanupStale() {
    List<String> removed = new ArrayList<>();
    List<String> live = new ArrayList<>();
    if (Files.isDirectory(STATE_DIR)) {
      try (Stream<Path> files = Files.list(STATE_DIR)) {
        for (Path f : files.toList()) {
          Properties p = new Properties();
          try (var in = Files.newBufferedReader(f)) {
            p.load(in);
          } catch (IOException e) {
            continue;
          }
          long pid = Long.parseLong(p.getProperty("pid", "-1"));
          String prefix = f.getFileName().toString();
          if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            live.add(prefix);
            continue;
          }
          removeAll(prefix, p.getProperty("subnet"));
          Files.deleteIfExists(f);
          removed.add(prefix + " (run " + pid + ", subnet " + p.getProperty("subnet") + ")");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (String ns : namespaces()) {
      if (ns.startsWith(PREFIX) && live.stream().noneMatch(ns::startsWith)) {
        killAll(ns);
        Shell.exec("ip", "netns", "del", ns);
        removed.add(ns);
      }
    }
    return removed;
  }

  private static void removeAll(String prefix, String subnet) {
    List<String> ours = namespaces().stream().filter(n -> n.startsWith(prefix + "-")).toList();
    for (String ns : ours) {
      killAll(ns);
    }
    for (String ns : ours) {
      Shell.Result r = Shell.exec("ip", "netns", "del", ns);
      if (r.exit() != 0) {
        System.err.println("chaos: " + r.failure().getMessage());
      }
    }
    if (subnet != null && namespaces().stream().noneMatch(n -> n.startsWith(prefix + "-"))) {
      Shell.exec("ip", "route", "del", "blackhole", subnet + ".0/24");
    }
  }

  /** SIGKILL, by pid, every process in the namespace, and waits for each to go. */
  private static void killAll(String ns) {
    for (long pid : pidsIn(ns)) {
      ProcessHandle.of(pid)
          .ifPresent(
              h -> {
                h.destroyForcibly();
                try {
                  h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                  System.err.println("chaos: pid " + pid + " in " + ns + " did not exit: " + e);
                }
              });
    }
  }

  private static List<Long> pidsIn(String ns) {
    Shell.Result r = Shell.exec("ip", "netns", "pids", ns);
    if (r.exit() != 0) {
      return List.of();
    }
    return r.out()
        .lines()
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .map(Long::parseLong)
        .toList();
  }

  private static List<String> namespaces() {
    // "name (id: 3)" or just "name".
    return Shell.run("ip", "netns", "list")
        .lines()
        .map(l -> l.split(" ")[0])
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private static String claimSubnet(Path stateFile, String prefix) {
    try {
      Files.createDirectories(STATE_DIR);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int attempt = 0; attempt < SUBNET_ATTEMPTS; attempt++) {
      String candidate = "10.251." + ThreadLocalRandom.current().nextInt(1, 255);
      String cidr = candidate + ".0/24";
      if (!Shell.run("ip", "-4", "route", "show", "table", "all", "root", cidr).isBlank()) {
        continue;
      }
      // Recorded first: a run killed from here on is cleaned up by the next.
      try {
        Files.writeString(
            stateFile,
            "pid="
                + ProcessHandle.current().pid()
                + "\nsubnet="
                + candidate
                + "\nprefix="
                + prefix
                + "\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Shell.Result added = Shell.exec("ip", "route", "add", "blackhole", cidr);
      if (added.exit() == 0) {
        return candidate;
      }
      if (!added.err().contains("File exists")) {
        throw added.failure();
      }
    }
    throw new IllegalStateException(
        "no free 10.251.X.0/24 subnet after " + SUBNET_ATTEMPTS + " attempts");
  }

  private void addNamespace(String namespace) {
    Shell.run("ip", "netns", "add", namespace);
    Shell.run("ip", "-n", namespace, "link", "set", "lo", "up");
  }

  /** The veth pair is made inside the switch namespace, so nothing is left in the root one. */
  private void attach(String namespace, String port, String address) {
    addNamespace(namespace);
    String sw = switchNamespace();
    String switchEnd = prefix + "-s" + port;
    String hostEnd = prefix + "-e" + port;
    Shell.run("ip", "-n", sw, "link", "add", switchEnd, "type", "veth", "peer", "name", hostEnd);
    Shell.run("ip", "-n", sw, "link", "set", hostEnd, "netns", namespace);
    Shell.run("ip", "-n", sw, "link", "set", switchEnd, "master", bridge());
    Shell.run("ip", "-n", sw, "link", "set", switchEnd, "up");
    Shell.run("ip", "-n", namespace, "addr", "add", address + "/24", "dev", hostEnd);
    Shell.run("ip", "-n", namespace, "link", "set", hostEnd, "up");
  }

  private String switchNamespace() {
    return prefix + "-sw";
  }

  private String bridge() {
    return prefix + "-br";
  }

  private void check(int node) {
    if (node < 0 || node >= nodes) {
      throw new IndexOutOfBoundsException("node " + node + " of " + nodes);
    }
  }
}
