package org.clusterdb.server.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.core.MiniCluster;
import org.clusterdb.server.ClassArchive;
import org.clusterdb.server.config.PeerEndpoint;
import org.clusterdb.server.config.ServerConfig;

/**
 * A cluster of real {@code clusterdb server} processes, started from the runnable jar: on 127.0.0.1
 * with free ports, or each in its own host namespace of a {@link Netns}. Peers are addressed by
 * 0-based index; {@link #kill} is kill -9, {@link #terminate} is SIGTERM. {@link #close} ends every
 * process it started, by handle.
 */
final class ServerProcesses implements AutoCloseable {
  /** Each namespace has its own stack, so every peer can use the same ports. */
  private static final int NETNS_PEER_PORT = 7001;

  private static final int NETNS_CLIENT_PORT = 7101;

  private final Path dir;
  private final List<PeerEndpoint> peers;
  private final Netns net;
  private final List<Path> configs = new ArrayList<>();
  private final Process[] processes;

  private ServerProcesses(Path dir, List<PeerEndpoint> peers, Netns net) {
    this.dir = dir;
    this.peers = peers;
    this.net = net;
    this.processes = new Process[peers.size()];
  }

  static ServerProcesses start(int n, Path dir) throws IOException {
    return start(n, dir, b -> b);
  }

  /** {@code tweak} adjusts every peer's configuration. */
  static ServerProcesses start(int n, Path dir, UnaryOperator<ServerConfig.Builder> tweak)
      throws IOException {
    List<Integer> ports = MiniCluster.freePorts(2 * n);
    List<PeerEndpoint> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      peers.add(
          new PeerEndpoint("p" + (i + 1), "127.0.0.1", ports.get(2 * i), ports.get(2 * i + 1)));
    }
    return start(dir, peers, null, tweak);
  }

  /** Peer {@code i} runs in host namespace {@code i} of {@code net}; one peer per host. */
  static ServerProcesses startIn(
      Netns net, int n, Path dir, UnaryOperator<ServerConfig.Builder> tweak) throws IOException {
    List<PeerEndpoint> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      peers.add(
          new PeerEndpoint("p" + (i + 1), net.address(i), NETNS_PEER_PORT, NETNS_CLIENT_PORT));
    }
    return start(dir, peers, net, tweak);
  }

  /**
   * Writes the configuration of {@code n} peers on 127.0.0.1 and starts none: {@link #restart}
   * starts one. {@code tweak} gets each peer's 0-based index, to give peers their own settings.
   */
  static ServerProcesses prepare(
      int n, Path dir, BiFunction<Integer, ServerConfig.Builder, ServerConfig.Builder> tweak)
      throws IOException {
    return prepare(n, dir, "127.0.0.1", tweak);
  }

  /** As {@link #prepare(int, Path, BiFunction)}, every peer addressed as {@code host}. */
  static ServerProcesses prepare(
      int n,
      Path dir,
      String host,
      BiFunction<Integer, ServerConfig.Builder, ServerConfig.Builder> tweak)
      throws IOException {
    return prepare(java.util.Collections.nCopies(n, host), dir, tweak);
  }

  /**
   * As {@link #prepare(int, Path, BiFunction)}, peer {@code i} addressed as {@code hosts.get(i)}
   * (loopback addresses: the free ports are picked on 127.0.0.1).
   */
  static ServerProcesses prepare(
      List<String> hosts,
      Path dir,
      BiFunction<Integer, ServerConfig.Builder, ServerConfig.Builder> tweak)
      throws IOException {
    int n = hosts.size();
    List<Integer> ports = MiniCluster.freePorts(2 * n);
    List<PeerEndpoint> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      peers.add(
          new PeerEndpoint("p" + (i + 1), hosts.get(i), ports.get(2 * i), ports.get(2 * i + 1)));
    }
    ServerProcesses cluster = new ServerProcesses(dir, peers, null);
    try {
      cluster.writeConfigs(tweak);
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private static ServerProcesses start(
      Path dir, List<PeerEndpoint> peers, Netns net, UnaryOperator<ServerConfig.Builder> tweak)
      throws IOException {
    int n = peers.size();
    ServerProcesses cluster = new ServerProcesses(dir, peers, net);
    try {
      cluster.writeConfigs((i, b) -> tweak.apply(b));
      for (int i = 0; i < n; i++) {
        cluster.restart(i);
      }
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private void writeConfigs(BiFunction<Integer, ServerConfig.Builder, ServerConfig.Builder> tweak)
      throws IOException {
    for (int i = 0; i < peers.size(); i++) {
      PeerEndpoint p = peers.get(i);
      Files.createDirectories(dir.resolve(p.id()));
      ServerConfig config = tweak.apply(i, base(p)).build();
      Path file = dir.resolve(p.id()).resolve("peer.yaml");
      Files.writeString(file, config.toYaml());
      configs.add(file);
    }
  }

  /** The runnable jar the build produced. */
  static Path jar() {
    String jar = System.getProperty("clusterdb.jar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("clusterdb.jar not built: run the tests through mvn verify");
    }
    return Path.of(jar);
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Runs {@code clusterdb ARGS} as a process from the jar. */
  static ProcessBuilder cli(String... args) {
    return new ProcessBuilder(command("-Xmx128m", List.of(args)));
  }

  /**
   * The jar as a test process. C1 only: with three peers, a CLI and the test on 2 cores, the C2
   * compiler threads compete with the peers themselves, and a process IT runs about a quarter
   * faster without them (ChangePrimaryIT 48 s to 37 s, CliIT 59 s to 43 s).
   */
  static List<String> command(String maxHeap, List<String> args) {
    List<String> command = new ArrayList<>(ClassArchive.command(java(), maxHeap, jar(), args));
    command.add(1, "-XX:TieredStopAtLevel=1");
    return command;
  }

  int size() {
    return peers.size();
  }

  PeerEndpoint peer(int i) {
    return peers.get(i);
  }

  Path config(int i) {
    return configs.get(i);
  }

  /** Rewrites peer {@code i}'s configuration file; it applies at the peer's next start. */
  void rewriteConfig(int i, UnaryOperator<ServerConfig.Builder> tweak) throws IOException {
    Files.writeString(configs.get(i), tweak.apply(base(peers.get(i))).build().toYaml());
  }

  private ServerConfig.Builder base(PeerEndpoint p) {
    return ServerConfig.builder()
        .clusterName("it.clusterdb")
        .memberId(p.id())
        .peers(peers)
        .dataDir(dir.resolve(p.id()).resolve("data"))
        .electionTimeoutMin(Duration.ofMillis(500))
        .electionTimeoutMax(Duration.ofMillis(1000))
        .shutdownGrace(Duration.ofSeconds(5));
  }

  Path log(int i) {
    return dir.resolve(peers.get(i).id()).resolve("server.log");
  }

  List<String> endpoints() {
    return peers.stream().map(PeerEndpoint::clientAddress).toList();
  }

  Process process(int i) {
    return processes[i];
  }

  boolean isAlive(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  ClusterDbClient client() {
    return ClusterDbClient.builder().endpoints(endpoints()).build();
  }

  /** The alarms raised on peer {@code i} and not lowered, by id. */
  List<Integer> activeAlarms(int i) {
    try (ClusterDbClient c = client(i)) {
      return c.alarms().stream().filter(Alarm::active).map(Alarm::id).toList();
    }
  }

  /** Puts {@code key} in table t through any peer, retrying until a put is acknowledged. */
  void writeAcknowledged(String key) {
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              try (ClusterDbClient c = client()) {
                c.blocking().put("t", key, "v");
                return true;
              }
            });
  }

  ClusterDbClient client(int i) {
    return ClusterDbClient.builder().endpoints(List.of(peers.get(i).clientAddress())).build();
  }

  void restart(int i) throws IOException {
    if (isAlive(i)) {
      kill(i);
    }
    List<String> command =
        command("-Xmx256m", List.of("server", "--config", configs.get(i).toString()));
    // ip netns exec execs the command: the handle is the server's own process.
    ProcessBuilder pb =
        new ProcessBuilder(net == null ? command : net.wrap(net.namespace(i), command));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log(i).toFile()));
    processes[i] = pb.start();
  }

  /** kill -9. */
  void kill(int i) {
    Process p = processes[i];
    if (p != null) {
      p.destroyForcibly();
      waitFor(p, 30);
    }
  }

  /** SIGTERM; returns the exit code. */
  int terminate(int i) {
    Process p = processes[i];
    p.destroy();
    waitFor(p, 30);
    return p.exitValue();
  }

  /** Waits until every running peer follows one leader; returns the leader's index. */
  int awaitLeader() {
    int[] leader = {-1};
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              String id = null;
              for (int i = 0; i < size(); i++) {
                if (!isAlive(i)) {
                  continue;
                }
                try (ClusterDbClient c = client(i)) {
                  MemberStatus s = c.status();
                  if (s.leaderId().isEmpty() || (id != null && !id.equals(s.leaderId().get()))) {
                    return false;
                  }
                  id = s.leaderId().get();
                }
              }
              for (int i = 0; i < size(); i++) {
                if (peers.get(i).id().equals(id)) {
                  leader[0] = i;
                }
              }
              return leader[0] >= 0 && isAlive(leader[0]);
            });
    return leader[0];
  }

  @Override
  public void close() {
    for (Process p : processes) {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
        waitFor(p, 30);
      }
    }
  }

  private static void waitFor(Process p, int seconds) {
    try {
      p.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
