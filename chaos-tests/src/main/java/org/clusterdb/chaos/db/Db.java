package org.clusterdb.chaos.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.chaos.net.Network;
import org.clusterdb.chaos.net.Shell;
import org.clusterdb.client.ClusterDbClient;

/**
 * The database under test: one {@code clusterdb server} process per node, each in its node's
 * namespace, started from the runnable jar with a generated configuration. Nodes are 0-based; node
 * {@code i} is member {@code n(i+1)}. Owns its processes: {@link #close} ends them all.
 * Thread-safe.
 */
public final class Db implements AutoCloseable {
  public static final int PEER_PORT = 7001;
  public static final int CLIENT_PORT = 7101;
  public static final String CLUSTER_NAME = "chaos.clusterdb";

  /**
   * The servers' {@code raft.electionTimeoutMax}: a new leader extends every lease by it, and the
   * shortest lease TTL is twice it.
   */
  public static final Duration ELECTION_TIMEOUT_MAX = Duration.ofSeconds(2);

  private final Network net;
  private final Path jar;
  private final Path dir;
  private final boolean unsafeLocalReads;
  private final Process[] processes;
  private volatile int primary;

  public Db(Network net, Path jar, Path dir, boolean unsafeLocalReads) {
    this.net = net;
    this.jar = jar;
    this.dir = dir;
    this.unsafeLocalReads = unsafeLocalReads;
    this.processes = new Process[net.nodes()];
  }

  public int nodes() {
    return net.nodes();
  }

  public Network net() {
    return net;
  }

  public static String member(int node) {
    return "n" + (node + 1);
  }

  public String clientEndpoint(int node) {
    return net.address(node) + ":" + CLIENT_PORT;
  }

  public Path nodeDir(int node) {
    return dir.resolve(member(node));
  }

  public Path log(int node) {
    return nodeDir(node).resolve("server.log");
  }

  /** The configuration primary as this harness last set it, 0-based. */
  public int primary() {
    return primary;
  }

  public void primary(int node) {
    primary = node;
  }

  /** Writes every node's configuration and starts every node. */
  public synchronized void setup() throws IOException {
    for (int i = 0; i < nodes(); i++) {
      writeConfig(i);
      start(i);
    }
  }

  /** (Re)writes node {@code i}'s configuration; its primary is the current one. */
  public synchronized void writeConfig(int i) throws IOException {
    Files.createDirectories(nodeDir(i));
    StringBuilder y = new StringBuilder();
    y.append("cluster:\n  name: ").append(CLUSTER_NAME).append("\n  peers:\n");
    for (int j = 0; j < nodes(); j++) {
      y.append("    - id: ").append(member(j)).append('\n');
      y.append("      host: ").append(net.address(j)).append('\n');
      y.append("      peerPort: ").append(PEER_PORT).append('\n');
      y.append("      clientPort: ").append(CLIENT_PORT).append('\n');
    }
    y.append("  primary: ").append(primary + 1).append('\n');
    // Alarms within a few seconds of a fault, so the status the nemeses read is fresh.
    y.append("  healthCheckInterval: 500ms\n  peerFailureTimeout: 3s\n  syncCheckInterval: 20s\n");
    y.append("member: ").append(member(i)).append('\n');
    y.append("dataDir: ").append(nodeDir(i).resolve("data")).append('\n');
    y.append("raft:\n  electionTimeoutMin: 1s\n  electionTimeoutMax: ")
        .append(ELECTION_TIMEOUT_MAX.toMillis())
        .append("ms\n");
    y.append("  snapshotEveryEntries: 2000\n");
    y.append("requests:\n  timeout: 5s\n");
    // The watch workload reads its whole history back at the end of a long run.
    y.append("watch:\n  historyRevisions: 1000000\n");
    y.append("server:\n  shutdownGrace: 5s\n");
    Files.writeString(config(i), y.toString());
  }

  private Path config(int i) {
    return nodeDir(i).resolve("peer.yaml");
  }

  /** Starts node {@code i} if it is not running. */
  public synchronized void start(int i) throws IOException {
    if (isAlive(i)) {
      return;
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-jar",
                jar.toString(),
                "server",
                "--config",
                config(i).toString()));
    if (unsafeLocalReads) {
      command.add("--unsafe-local-reads");
    }
    // ip netns exec execs the command: the handle is the server's own process.
    ProcessBuilder pb = new ProcessBuilder(Network.inNamespace(net.namespace(i), command));
    if (unsafeLocalReads) {
      pb.environment().put("CLUSTERDB_UNSAFE_TESTING", "yes");
    }
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log(i).toFile()));
    processes[i] = pb.start();
  }

  public synchronized boolean isAlive(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  /** kill -9, then waits for the process to go. */
  public void kill(int i) {
    Process p;
    synchronized (this) {
      p = processes[i];
    }
    if (p != null && p.isAlive()) {
      resume(i);
      p.destroyForcibly();
      waitFor(p, Duration.ofSeconds(20));
    }
  }

  /** SIGSTOP. */
  public synchronized void pause(int i) {
    signal(i, "STOP");
  }

  /** SIGCONT. */
  public synchronized void resume(int i) {
    signal(i, "CONT");
  }

  private void signal(int i, String signal) {
    Process p = processes[i];
    if (p != null && p.isAlive()) {
      // bash's builtin kill: a fresh machine may have no kill binary (procps).
      Shell.exec("bash", "-c", "kill -" + signal + " " + p.pid());
    }
  }

  /** Deletes node {@code i}'s database; the node must be down. */
  public synchronized void wipe(int i) throws IOException {
    if (isAlive(i)) {
      throw new IllegalStateException(member(i) + " is running");
    }
    Path data = nodeDir(i).resolve("data");
    if (Files.exists(data)) {
      try (Stream<Path> walk = Files.walk(data)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** A client that talks to node {@code i} only: Jepsen's one client per node. */
  public ClusterDbClient client(int i, Duration timeout) {
    return ClusterDbClient.builder()
        .endpoints(List.of(clientEndpoint(i)))
        .requestTimeout(timeout)
        .attemptTimeout(timeout)
        .build();
  }

  /** A client for every node, trying node {@code first} first. */
  public ClusterDbClient clientAll(int first, Duration timeout) {
    List<String> endpoints = new ArrayList<>();
    for (int k = 0; k < nodes(); k++) {
      endpoints.add(clientEndpoint((first + k) % nodes()));
    }
    return ClusterDbClient.builder()
        .endpoints(endpoints)
        .requestTimeout(timeout)
        .attemptTimeout(Duration.ofMillis(Math.min(timeout.toMillis(), 2000)))
        .build();
  }

  /**
   * True when node {@code i} answers and sees every peer Active and its own database Active: the
   * cluster is whole as that node sees it.
   */
  public boolean whole(int i) {
    if (!isAlive(i)) {
      return false;
    }
    try (ClusterDbClient c = client(i, Duration.ofSeconds(2))) {
      ClusterStatus s = c.clusterStatus();
      return s.database() == ClusterStatus.Database.ACTIVE
          && s.peers().size() == nodes()
          && s.peers().stream()
              .allMatch(
                  p ->
                      p.state() == PeerStatus.State.ACTIVE
                          || p.state() == PeerStatus.State.THIS_SYSTEM);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Waits, up to {@code timeout}, until every node sees the whole cluster. */
  public boolean awaitWhole(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (int i = 0; i < nodes() && all; i++) {
        all = whole(i);
      }
      if (all) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }

  /** SIGTERM every node, then kill -9 whatever is left after the grace. */
  @Override
  public void close() {
    List<Process> running = new ArrayList<>();
    synchronized (this) {
      for (int i = 0; i < processes.length; i++) {
        if (processes[i] != null && processes[i].isAlive()) {
          resume(i);
          processes[i].destroy();
          running.add(processes[i]);
        }
      }
    }
    for (Process p : running) {
      waitFor(p, Duration.ofSeconds(10));
      if (p.isAlive()) {
        p.destroyForcibly();
        waitFor(p, Duration.ofSeconds(10));
      }
    }
  }

  private static void waitFor(Process p, Duration d) {
    try {
      p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
