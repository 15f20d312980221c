package org.clusterdb.bench.systems;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.clusterdb.bench.BenchSystem;
import org.clusterdb.bench.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three etcd members {@code e1..e3} on 127.0.0.1, from the Debian package {@code etcd-server}. Each
 * member has {@code dir/<name>/data} and logs to {@code dir/<name>/etcd.log}.
 */
public final class EtcdSystem implements BenchSystem {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdSystem.class);

  static final Path ETCD = Path.of("/usr/bin/etcd");
  private static final int NODES = 3;
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration PORT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration RECONFIG_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ADMIN_CALL = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(100);

  private final Path dir;
  private final String token = "bench-" + UUID.randomUUID();
  private final List<Integer> clientPorts = new ArrayList<>();
  private final List<Integer> peerPorts = new ArrayList<>();
  private final NodeProcess[] nodes = new NodeProcess[NODES];
  // Every process ever started, so that close() also stops those of replaced members.
  private final List<NodeProcess> started = new ArrayList<>();
  private Client admin;
  private boolean closed;

  public EtcdSystem(Path dir) {
    this.dir = dir;
  }

  @Override
  public String name() {
    return "etcd";
  }

  @Override
  public synchronized void start() throws Exception {
    if (admin != null) {
      throw new IllegalStateException("etcd already started in " + dir);
    }
    Files.createDirectories(dir);
    installIfMissing();
    List<Integer> ports = Ports.free(2 * NODES);
    clientPorts.addAll(ports.subList(0, NODES));
    peerPorts.addAll(ports.subList(NODES, 2 * NODES));
    for (int i = 0; i < NODES; i++) {
      launch(i, "new");
    }
    for (int i = 0; i < NODES; i++) {
      nodes[i].awaitPort(clientPorts.get(i), PORT_TIMEOUT);
    }
    // Fails fast on a member that is down, so that polling cannot pile up waiting calls.
    admin = EtcdDriver.newClient(endpoints(), false);
    try {
      // A linearizable get sent before the election waits out etcd's request timeout (7 s).
      leader();
      Waits.until(
          "etcd serves a linearizable get",
          START_TIMEOUT,
          POLL,
          () -> {
            admin
                .getKVClient()
                .get(EtcdDriver.key("started"))
                .get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS);
            return true;
          });
    } catch (IllegalStateException e) {
      throw new IllegalStateException("etcd cluster did not serve; see " + logs(), e);
    }
    LOG.info("etcd started dir={} clientPorts={} peerPorts={}", dir, clientPorts, peerPorts);
  }

  private void installIfMissing() throws IOException, InterruptedException {
    if (Files.isExecutable(ETCD)) {
      return;
    }
    Path log = dir.resolve("apt.log");
    LOG.info("installing etcd package=etcd-server log={}", log);
    List<String> install = List.of("apt-get", "install", "-y", "-q", "etcd-server", "etcd-client");
    if (apt(install, log) != 0) {
      // A fresh machine may have no package lists yet.
      apt(List.of("apt-get", "update", "-q"), log);
      int rc = apt(install, log);
      if (rc != 0 || !Files.isExecutable(ETCD)) {
        throw new IllegalStateException("cannot install etcd-server rc=" + rc + "; see " + log);
      }
    }
  }

  private static int apt(List<String> command, Path log) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process p = pb.start();
    if (!p.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not finish within " + INSTALL_TIMEOUT);
    }
    return p.exitValue();
  }

  /** Starts member {@code i} as a new process with {@code --initial-cluster-state state}. */
  private NodeProcess launch(int i, String state) {
    String name = memberName(i);
    Path home = dir.resolve(name);
    List<String> cmd = new ArrayList<>();
    String arch = goArch();
    if (arch != null) {
      // etcd 3.4 refuses to run on an architecture it does not support officially, e.g. arm64.
      cmd.addAll(List.of("/usr/bin/env", "ETCD_UNSUPPORTED_ARCH=" + arch));
    }
    cmd.addAll(
        List.of(
            ETCD.toString(),
            "--name=" + name,
            "--data-dir=" + dataDir(i),
            "--listen-client-urls=" + clientUrl(i),
            "--advertise-client-urls=" + clientUrl(i),
            "--listen-peer-urls=" + peerUrl(i),
            "--initial-advertise-peer-urls=" + peerUrl(i),
            "--initial-cluster=" + initialCluster(),
            "--initial-cluster-token=" + token,
            "--initial-cluster-state=" + state,
            // capnslog, 3.4's default, is deprecated and says so on every start.
            "--logger=zap",
            "--log-outputs=stderr"));
    NodeProcess p = new NodeProcess(name, cmd, home, home.resolve("etcd.log"));
    nodes[i] = p;
    started.add(p);
    p.start();
    return p;
  }

  /** Go's name of this machine's architecture if etcd 3.4 needs to be told to run on it. */
  private static String goArch() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64", "ppc64le" -> null;
      case "aarch64" -> "arm64";
      default -> arch;
    };
  }

  static String memberName(int i) {
    return "e" + (i + 1);
  }

  private Path dataDir(int i) {
    return dir.resolve(memberName(i)).resolve("data");
  }

  private String clientUrl(int i) {
    return "http://127.0.0.1:" + clientPorts.get(i);
  }

  private String peerUrl(int i) {
    return "http://127.0.0.1:" + peerPorts.get(i);
  }

  private String initialCluster() {
    return IntStream.range(0, NODES)
        .mapToObj(i -> memberName(i) + "=" + peerUrl(i))
        .collect(Collectors.joining(","));
  }

  private List<URI> endpoints() {
    return IntStream.range(0, NODES).mapToObj(i -> URI.create(clientUrl(i))).toList();
  }

  private String logs() {
    return IntStream.range(0, NODES)
        .mapToObj(i -> dir.resolve(memberName(i)).resolve("etcd.log").toString())
        .collect(Collectors.joining(", "));
  }

  private synchronized Client admin() {
    if (closed) {
      throw new IllegalStateException("etcd in " + dir + " is closed");
    }
    if (admin == null) {
      throw new IllegalStateException("etcd in " + dir + " is not started");
    }
    return admin;
  }

  private void checkNode(int i) {
    if (i < 0 || i >= NODES) {
      throw new IllegalArgumentException("no etcd node " + i + "; nodes are 0.." + (NODES - 1));
    }
  }

  @Override
  public Driver driver() {
    admin();
    return new EtcdDriver(endpoints());
  }

  @Override
  public Driver driver(int node) {
    admin();
    checkNode(node);
    return new EtcdDriver(List.of(URI.create(clientUrl(node))));
  }

  /**
   * The node that a majority of the members (counting itself) name as leader, asked of each live
   * member with the maintenance status call.
   */
  @Override
  public int leader() {
    Client c = admin();
    AtomicInteger found = new AtomicInteger(-1);
    Waits.until(
        "a live etcd leader",
        LEADER_TIMEOUT,
        POLL,
        () -> {
          Map<Integer, StatusResponse> status = new HashMap<>();
          for (int i = 0; i < NODES; i++) {
            if (isAlive(i)) {
              try {
                status.put(i, status(c, i));
              } catch (Exception unreachable) {
                // starting, or just killed
              }
            }
          }
          for (Map.Entry<Integer, StatusResponse> e : status.entrySet()) {
            long self = e.getValue().getHeader().getMemberId();
            long votes = status.values().stream().filter(s -> s.getLeader() == self).count();
            if (e.getValue().getLeader() == self && votes * 2 > NODES) {
              found.set(e.getKey());
              return true;
            }
          }
          return false;
        });
    return found.get();
  }

  private StatusResponse status(Client c, int i) throws Exception {
    return c.getMaintenanceClient()
        .statusMember("ip:///127.0.0.1:" + clientPorts.get(i))
        .get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized boolean isAlive(int i) {
    return nodes[i] != null && nodes[i].isAlive();
  }

  @Override
  public void kill(int node) {
    checkNode(node);
    current(node).kill();
  }

  private synchronized NodeProcess current(int node) {
    admin();
    return nodes[node];
  }

  /** Starts the member again with its command line; etcd ignores the initial-cluster flags then. */
  @Override
  public void restart(int node) {
    checkNode(node);
    NodeProcess p;
    // Under the lock, so that a concurrent close() cannot miss the process.
    synchronized (this) {
      p = current(node);
      p.start();
    }
    p.awaitPort(clientPorts.get(node), PORT_TIMEOUT);
  }

  /**
   * etcd's procedure for a member that lost its data: remove it from the cluster, add it back as a
   * new member with the same peer URL, and start it empty with {@code --initial-cluster-state
   * existing}; it then gets the data from the leader.
   */
  @Override
  public void wipeAndRestart(int node) {
    checkNode(node);
    Client c = admin();
    NodeProcess old = current(node);
    if (old.isAlive()) {
      old.kill();
    }
    long t0 = System.nanoTime();
    Dirs.delete(dataDir(node));
    URI peer = URI.create(peerUrl(node));
    AtomicLong oldId = new AtomicLong();
    try {
      Waits.until(
          "etcd removes member " + memberName(node),
          RECONFIG_TIMEOUT,
          POLL,
          () -> {
            Member m = memberWithPeer(c, peer);
            if (m != null) {
              oldId.set(m.getId());
              await(c.getClusterClient().removeMember(m.getId()));
            }
            return memberWithPeer(c, peer) == null;
          });
      AtomicLong newId = new AtomicLong();
      Waits.until(
          "etcd adds member " + memberName(node),
          RECONFIG_TIMEOUT,
          POLL,
          () -> {
            Member m = memberWithPeer(c, peer);
            if (m == null) {
              // A lost answer to an earlier add is found here on the next round.
              m = await(c.getClusterClient().addMember(List.of(peer))).getMember();
            }
            newId.set(m.getId());
            return true;
          });
      LOG.info(
          "etcd member replaced node={} oldId={} newId={}",
          memberName(node),
          Long.toHexString(oldId.get()),
          Long.toHexString(newId.get()));
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "cannot replace etcd member " + memberName(node) + "; see " + logs(), e);
    }
    NodeProcess p;
    synchronized (this) {
      admin();
      p = launch(node, "existing");
    }
    p.awaitPort(clientPorts.get(node), PORT_TIMEOUT);
    LOG.info(
        "etcd member wiped and restarted node={} ms={}",
        memberName(node),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  private static Member memberWithPeer(Client c, URI peer) throws Exception {
    for (Member m : await(c.getClusterClient().listMember()).getMembers()) {
      if (m.getPeerURIs().contains(peer)) {
        return m;
      }
    }
    return null;
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(ADMIN_CALL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Every process this system started, the replaced ones included; for tests. */
  synchronized List<NodeProcess> processes() {
    return List.copyOf(started);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (NodeProcess p : started) {
      try {
        if (p.isAlive()) {
          p.kill();
        }
      } catch (RuntimeException e) {
        LOG.warn("etcd member not stopped node={} error={}", p.name(), e.toString());
      }
    }
    if (admin != null) {
      try {
        admin.close();
      } catch (RuntimeException e) {
        LOG.warn("etcd admin client not closed error={}", e.toString());
      }
    }
    try {
      Dirs.delete(dir);
    } catch (RuntimeException e) {
      LOG.warn("etcd directory not deleted dir={} error={}", dir, e.toString());
    }
  }
}
