package org.clusterdb.server.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.TableScope;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.server.ClassArchive;
import org.clusterdb.server.config.PeerEndpoint;
import org.clusterdb.server.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code clusterdb local-cluster}: a cluster of real {@code clusterdb server} processes on
 * 127.0.0.1, on embedded defaults. Generates one config per peer, starts the processes, waits until
 * the cluster serves, writes a sample configuration through the primary (peer 1), then prints the
 * clustering status and every change of it until Ctrl-C, when it stops every process it started.
 */
@Command(
    name = "local-cluster",
    mixinStandardHelpOptions = true,
    description =
        "Start a local cluster of server processes on 127.0.0.1 and watch its status until"
            + " Ctrl-C.")
final class LocalClusterCommand implements Callable<Integer> {
  /** How long the first page waits for peer 1 to see every peer Active before it is printed. */
  private static final Duration FIRST_PAGE_SETTLE = Duration.ofSeconds(15);

  @Option(
      names = "--peers",
      defaultValue = "3",
      description = "Number of peers, 1 to 6 (default: ${DEFAULT-VALUE}).")
  int peers;

  @Option(
      names = "--dir",
      defaultValue = "local-cluster",
      description = "Directory for configs, data and logs (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--base-port",
      defaultValue = "7000",
      description =
          "Peer N listens on BASE+N (Raft), BASE+100+N (clients) and BASE+200+N (HTTP: /metrics,"
              + " /health, /ready) (default: ${DEFAULT-VALUE}).")
  int basePort;

  @Option(
      names = "--ready-timeout",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How long to wait for the cluster to serve (default: ${DEFAULT-VALUE}).")
  Duration readyTimeout;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  // Read by the shutdown hook while start-up may still add to it.
  private static final String UNREACHABLE = "peer 1 does not answer";

  private final List<Process> processes = new CopyOnWriteArrayList<>();

  /** Peer N's HTTP port is BASE+200+N. */
  private static final int HTTP_OFFSET = 200;

  private int httpPort(PeerEndpoint p) {
    return p.peerPort() + HTTP_OFFSET;
  }

  @Override
  public Integer call() throws Exception {
    if (peers < 1 || peers > 6) {
      throw new Main.UsageException("--peers must be 1 to 6, was " + peers);
    }
    if (basePort < 1024 || basePort + HTTP_OFFSET + peers > 65535) {
      throw new Main.UsageException("--base-port must leave room for the peers' ports");
    }
    PrintWriter out = spec.commandLine().getOut();
    List<PeerEndpoint> endpoints = new ArrayList<>();
    for (int i = 1; i <= peers; i++) {
      endpoints.add(new PeerEndpoint("p" + i, "127.0.0.1", basePort + i, basePort + 100 + i));
    }
    for (PeerEndpoint p : endpoints) {
      for (int port : List.of(p.peerPort(), p.clientPort(), httpPort(p))) {
        if (!free(port)) {
          throw new IllegalStateException(
              "port " + port + " is in use; stop what uses it or pass --base-port");
        }
      }
    }
    Files.createDirectories(dir);
    Thread hook = new Thread(() -> stopAll(out), "clusterdb-local-cluster-stop");
    Runtime.getRuntime().addShutdownHook(hook);

    List<String> clientAddresses = new ArrayList<>();
    for (PeerEndpoint p : endpoints) {
      Path peerDir = dir.resolve(p.id()).toAbsolutePath();
      Files.createDirectories(peerDir);
      ServerConfig config =
          ServerConfig.builder()
              .clusterName("local.clusterdb")
              .memberId(p.id())
              .peers(endpoints)
              .dataDir(peerDir.resolve("data"))
              .httpPort(httpPort(p))
              .build();
      Path file = peerDir.resolve("peer.yaml");
      Files.writeString(file, config.toYaml());
      Process proc = start(file, peerDir.resolve("server.log"));
      processes.add(proc);
      clientAddresses.add(p.clientAddress());
      out.printf(
          "started %s pid=%d raft=%s client=%s http=http://%s:%d/ log=%s%n",
          p.id(),
          proc.pid(),
          p.peerAddress().address(),
          p.clientAddress(),
          p.host(),
          httpPort(p),
          peerDir.resolve("server.log"));
    }
    out.flush();

    try (ClusterDbClient primary =
        ClusterDbClient.builder()
            .endpoints(List.of(clientAddresses.get(0)))
            .requestTimeout(readyTimeout)
            .build()) {
      awaitReady(clientAddresses);
      writeSample(primary);
    }
    out.println(
        "cluster ready: try  bin/clusterdb get zones edge.example.com   or   bin/clusterdb"
            + " xstatus");
    out.println("Ctrl-C stops every peer");
    out.flush();

    printStatus(out, endpoints, clientAddresses.get(0));
    return Main.OK;
  }

  /**
   * Prints peer 1's clustering page once, then a line per change it sees (peers, database, alarms),
   * until the shutdown hook releases us.
   */
  private void printStatus(PrintWriter out, List<PeerEndpoint> peers, String primaryAddress)
      throws InterruptedException {
    try (ClusterDbClient primary =
        ClusterDbClient.builder()
            .endpoints(List.of(primaryAddress))
            .requestTimeout(Duration.ofSeconds(1))
            .build()) {
      Optional<ClusteringPage> first = Optional.empty();
      // Ready means every peer follows a leader; peer 1's monitor may not have probed them all yet.
      long settle = System.nanoTime() + FIRST_PAGE_SETTLE.toNanos();
      while (first.isEmpty() || (!first.get().healthy() && System.nanoTime() < settle)) {
        Thread.sleep(200);
        first = page(primary);
      }
      out.println("System > Clustering (seen from peer 1, the configuration primary)");
      first.get().lines().forEach(out::println);
      out.flush();
      List<String> last = first.get().states();
      boolean[] reported = new boolean[processes.size()];
      while (true) {
        Thread.sleep(1000);
        for (int i = 0; i < processes.size(); i++) {
          Process p = processes.get(i);
          if (!p.isAlive() && !reported[i]) {
            reported[i] = true;
            out.printf("%s exited with code %d%n", peers.get(i).id(), p.exitValue());
          }
        }
        Optional<ClusteringPage> now = page(primary);
        List<String> states = now.map(ClusteringPage::states).orElse(List.of(UNREACHABLE));
        for (String line : states) {
          if (!last.contains(line)) {
            out.printf("%s  %s%n", Instant.now(), line);
          }
        }
        for (String line : last) {
          if (line.startsWith("alarm ") && !states.contains(line) && now.isPresent()) {
            out.printf("%s  lowered: %s%n", Instant.now(), line);
          }
        }
        out.flush();
        last = states;
      }
    }
  }

  private static Optional<ClusteringPage> page(ClusterDbClient peer) {
    try {
      return Optional.of(new ClusteringPage(peer.clusterStatus(), peer.alarms()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private Process start(Path config, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("java.class.path");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
    // Run from the jar (bin/clusterdb): its class archive holds the classes of this class path.
    if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
      command.addAll(ClassArchive.jvmOptions(Path.of(classPath)));
    }
    command.addAll(
        List.of("-cp", classPath, Main.class.getName(), "server", "--config", config.toString()));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb.start();
  }

  private void awaitReady(List<String> clientAddresses) throws InterruptedException {
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "a peer exited during start-up (code " + p.exitValue() + "); see its server.log");
        }
      }
      boolean allServe = clientAddresses.stream().allMatch(LocalClusterCommand::followsALeader);
      if (allServe) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the cluster did not become ready within " + readyTimeout);
  }

  private static boolean followsALeader(String clientAddress) {
    try (ClusterDbClient c =
        ClusterDbClient.builder()
            .endpoints(List.of(clientAddress))
            .requestTimeout(Duration.ofMillis(500))
            .build()) {
      return c.status().leaderId().isPresent();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void writeSample(ClusterDbClient primary) {
    var db = primary.blocking();
    boolean exists =
        db.listTables(org.clusterdb.api.Consistency.LINEARIZABLE).stream()
            .anyMatch(t -> t.name().equals("zones"));
    if (!exists) {
      db.createTable("zones", TableScope.CLUSTER);
      db.createTable("search_rules", TableScope.CLUSTER);
    }
    db.put(
        "zones", Bytes.of("edge.example.com"), Bytes.of("{\"type\":\"traversal\",\"h323\":true}"));
    db.put("zones", Bytes.of("internal.example.com"), Bytes.of("{\"type\":\"local\"}"));
    db.put(
        "search_rules",
        Bytes.of("010-to-edge"),
        Bytes.of("{\"pattern\":\".*@example.com\",\"target\":\"edge.example.com\"}"));
  }

  private void stopAll(PrintWriter out) {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
      }
      out.printf("stopped pid=%d%n", p.pid());
    }
    out.flush();
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
