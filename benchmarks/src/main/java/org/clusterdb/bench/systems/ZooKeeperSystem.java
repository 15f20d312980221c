package org.clusterdb.bench.systems;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.clusterdb.bench.BenchSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A three-server ZooKeeper ensemble, one JVM per server, started from a given class path. Each node
 * lives in {@code dir/zk<i>}: its {@code zoo.cfg}, {@code logback.xml}, {@code zookeeper.log}, and
 * its data under {@code data/} (snapshots, {@code myid}) and {@code datalog/} (transaction log).
 * ZooKeeper's own durability defaults are kept: every transaction is fsynced.
 */
public final class ZooKeeperSystem implements BenchSystem {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperSystem.class);

  private static final int NODES = 3;
  private static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  // Short, so that a probe does not stretch the start bound by much.
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  private final Path dir;
  private final String classpath;
  private final List<Node> nodes = new ArrayList<>();
  private boolean closed;

  /**
   * @param dir where every node's configuration, data and log go; deleted by {@link #close()}
   * @param classpath the class path each server JVM starts with: ZooKeeper's server and its
   *     run-time dependencies (metrics-core, snappy-java, logback)
   */
  public ZooKeeperSystem(Path dir, String classpath) {
    this.dir = dir;
    this.classpath = classpath;
  }

  private record Node(
      int index,
      int clientPort,
      int quorumPort,
      int electionPort,
      Path home,
      Path dataDir,
      Path dataLogDir,
      NodeProcess process) {
    /** ZooKeeper server ids run from 1. */
    int id() {
      return index + 1;
    }

    String connectString() {
      return HOST + ":" + clientPort;
    }
  }

  @Override
  public String name() {
    return "zookeeper";
  }

  @Override
  public synchronized void start() throws Exception {
    if (!nodes.isEmpty()) {
      throw new IllegalStateException("zookeeper already started in " + dir);
    }
    List<Integer> ports = Ports.free(3 * NODES);
    for (int i = 0; i < NODES; i++) {
      Path home = dir.resolve("zk" + i);
      Path log = home.resolve("zookeeper.log");
      Path config = home.resolve("zoo.cfg");
      Path logback = home.resolve("logback.xml");
      List<String> command =
          List.of(
              NodeProcess.java(),
              "-Xmx512m",
              "-Dlogback.configurationFile=" + logback,
              "-cp",
              classpath,
              "org.apache.zookeeper.server.quorum.QuorumPeerMain",
              config.toString());
      nodes.add(
          new Node(
              i,
              ports.get(3 * i),
              ports.get(3 * i + 1),
              ports.get(3 * i + 2),
              home,
              home.resolve("data"),
              home.resolve("datalog"),
              new NodeProcess("zk" + i, command, home, log)));
    }
    for (Node node : nodes) {
      Files.createDirectories(node.home());
      Files.writeString(node.home().resolve("zoo.cfg"), config(node));
      Files.writeString(node.home().resolve("logback.xml"), LOGBACK);
      initData(node);
    }
    for (Node node : nodes) {
      node.process().start();
    }
    for (Node node : nodes) {
      node.process().awaitPort(node.clientPort(), START_TIMEOUT);
    }
    try {
      // Listening is not serving: a server refuses sessions until it has joined a quorum.
      Waits.until(
          "zookeeper ensemble serves a create, a sync and a getData",
          START_TIMEOUT,
          Duration.ofMillis(250),
          () -> {
            try (ZooKeeperDriver probe = new ZooKeeperDriver(connectString(nodes), PROBE_TIMEOUT)) {
              probe.read("probe").get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
              return true;
            }
          });
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "zookeeper ensemble did not serve within " + START_TIMEOUT + "; see " + logs(), e);
    }
    LOG.info("zookeeper started servers={} dir={}", connectString(nodes), dir);
  }

  /** ZooKeeper's defaults, bar the ones a benchmark on one host needs. */
  private String config(Node node) {
    StringBuilder cfg = new StringBuilder();
    cfg.append("tickTime=2000\n");
    cfg.append("initLimit=10\n");
    cfg.append("syncLimit=5\n");
    cfg.append("dataDir=").append(node.dataDir()).append('\n');
    cfg.append("dataLogDir=").append(node.dataLogDir()).append('\n');
    cfg.append("clientPort=").append(node.clientPort()).append('\n');
    cfg.append("clientPortAddress=").append(HOST).append('\n');
    // The admin server would take port 8080 on every node.
    cfg.append("admin.enableServer=false\n");
    // srvr answers leader(); mntr is for a person looking at a running benchmark.
    cfg.append("4lw.commands.whitelist=srvr,mntr\n");
    for (Node peer : nodes) {
      cfg.append("server.")
          .append(peer.id())
          .append('=')
          .append(HOST)
          .append(':')
          .append(peer.quorumPort())
          .append(':')
          .append(peer.electionPort())
          .append('\n');
    }
    return cfg.toString();
  }

  private static final String LOGBACK =
      """
      <configuration>
        <appender name="console" class="ch.qos.logback.core.ConsoleAppender">
          <encoder>
            <pattern>%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n</pattern>
          </encoder>
        </appender>
        <root level="INFO">
          <appender-ref ref="console"/>
        </root>
      </configuration>
      """;

  /** An empty data directory that knows which server it belongs to. */
  private static void initData(Node node) throws IOException {
    Files.createDirectories(node.dataDir());
    Files.createDirectories(node.dataLogDir());
    Files.writeString(node.dataDir().resolve("myid"), node.id() + "\n");
  }

  private static String connectString(List<Node> of) {
    return of.stream().map(Node::connectString).collect(Collectors.joining(","));
  }

  private synchronized Node node(int index) {
    if (nodes.isEmpty()) {
      throw new IllegalStateException("zookeeper is not started");
    }
    if (index < 0 || index >= nodes.size()) {
      throw new IllegalArgumentException("no zookeeper node " + index);
    }
    return nodes.get(index);
  }

  @Override
  public ZooKeeperDriver driver() {
    node(0);
    return new ZooKeeperDriver(connectString(nodes), CONNECT_TIMEOUT);
  }

  @Override
  public ZooKeeperDriver driver(int node) {
    return new ZooKeeperDriver(node(node).connectString(), CONNECT_TIMEOUT);
  }

  /** The log file of node {@code node}. */
  public Path log(int node) {
    return node(node).process().log();
  }

  @Override
  public int leader() {
    node(0);
    AtomicInteger leader = new AtomicInteger(-1);
    try {
      Waits.until(
          "a zookeeper node reports Mode: leader",
          START_TIMEOUT,
          Duration.ofMillis(100),
          () -> {
            for (Node node : nodes) {
              if (node.process().isAlive() && srvr(node).contains("Mode: leader")) {
                leader.set(node.index());
                return true;
              }
            }
            return false;
          });
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "no zookeeper leader within " + START_TIMEOUT + "; see " + logs(), e);
    }
    return leader.get();
  }

  /** The answer to the four-letter command {@code srvr}; empty if the node does not answer. */
  private static String srvr(Node node) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, node.clientPort()), 1000);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void kill(int node) {
    node(node).process().kill();
  }

  @Override
  public void restart(int node) {
    Node n = node(node);
    n.process().start();
    n.process().awaitPort(n.clientPort(), START_TIMEOUT);
  }

  /**
   * ZooKeeper's procedure for an empty server: the same {@code myid} and configuration, no snapshot
   * and no transaction log. On joining, the leader sends it a full snapshot (SNAP).
   */
  @Override
  public void wipeAndRestart(int node) throws IOException {
    Node n = node(node);
    if (n.process().isAlive()) {
      throw new IllegalStateException("kill zookeeper node " + node + " before wiping it");
    }
    Dirs.delete(n.dataDir());
    Dirs.delete(n.dataLogDir());
    initData(n);
    LOG.info("wiped node=zk{} dataDir={} dataLogDir={}", node, n.dataDir(), n.dataLogDir());
    restart(node);
  }

  private String logs() {
    return nodes.stream().map(n -> n.process().log().toString()).collect(Collectors.joining(", "));
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Node node : nodes) {
      try {
        node.process().kill();
      } catch (RuntimeException e) {
        LOG.warn("cannot kill node={} log={}", node.process().name(), node.process().log(), e);
      }
    }
    try {
      Dirs.delete(dir);
    } catch (RuntimeException e) {
      LOG.warn("cannot delete dir={}", dir, e);
    }
  }

  @Override
  public String toString() {
    return "ZooKeeperSystem[" + dir + "]";
  }
}
