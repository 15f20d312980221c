package org.clusterdb.bench.systems;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.TableScope;
import org.clusterdb.bench.BenchSystem;
import org.clusterdb.bench.Driver;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.core.config.WritePolicy;
import org.clusterdb.server.ClassArchive;
import org.clusterdb.server.config.PeerEndpoint;
import org.clusterdb.server.config.ServerConfig;

/**
 * Three {@code clusterdb server} processes from the runnable jar, with the product's defaults
 * except the write policy: {@code ANY_LEADER}, so that losing the leader measures Raft failover as
 * it does for etcd and ZooKeeper (under the default {@code PRIMARY_ONLY}, cluster tables wait for
 * the primary by design).
 */
public final class ClusterDbSystem implements BenchSystem {
  static final String TABLE = "bench";

  private final Path dir;
  private final Path jar;
  private final List<PeerEndpoint> peers = new ArrayList<>();
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<Path> configs = new ArrayList<>();

  /**
   * @param dir where the peers keep their configuration, data and logs; deleted on close
   * @param jar the runnable {@code clusterdb.jar}
   */
  public ClusterDbSystem(Path dir, Path jar) {
    this.dir = dir;
    this.jar = jar;
  }

  /** The jar named by the {@code clusterdb.jar} system property, which the run script sets. */
  public static Path jarFromProperty() {
    String jar = System.getProperty("clusterdb.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "clusterdb.jar is not built (system property clusterdb.jar=" + jar + ")");
    }
    return Path.of(jar);
  }

  @Override
  public String name() {
    return "clusterdb";
  }

  @Override
  public void start() throws Exception {
    List<Integer> ports = Ports.free(6);
    for (int i = 0; i < 3; i++) {
      peers.add(
          new PeerEndpoint("p" + (i + 1), "127.0.0.1", ports.get(2 * i), ports.get(2 * i + 1)));
    }
    for (PeerEndpoint p : peers) {
      Path home = dir.resolve(p.id());
      Files.createDirectories(home);
      ServerConfig config =
          ServerConfig.builder()
              .clusterName("bench.clusterdb")
              .memberId(p.id())
              .peers(peers)
              .writePolicy(WritePolicy.ANY_LEADER)
              .dataDir(home.resolve("data"))
              .build();
      Path file = home.resolve("peer.yaml");
      Files.writeString(file, config.toYaml());
      configs.add(file);
      // As bin/clusterdb starts it: from the class archive the build writes beside the jar.
      List<String> command =
          ClassArchive.command(
              NodeProcess.java(), "-Xmx1g", jar, List.of("server", "--config", file.toString()));
      nodes.add(new NodeProcess(p.id(), command, home, home.resolve("server.log")));
    }
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).start();
    }
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).awaitPort(peers.get(i).clientPort(), Duration.ofSeconds(60));
    }
    try (ClusterDbClient c = client(endpoints())) {
      Waits.until(
          "every peer follows one leader and a table can be created",
          Duration.ofSeconds(90),
          Duration.ofMillis(200),
          () -> {
            if (wholeLeader().isEmpty()) {
              return false;
            }
            try {
              c.blocking().createTable(TABLE, TableScope.CLUSTER);
            } catch (ClusterDbException e) {
              if (e.code() != ErrorCode.TABLE_EXISTS) {
                throw e;
              }
            }
            return true;
          });
    }
  }

  @Override
  public Driver driver() {
    return new ClusterDbDriver(client(endpoints()));
  }

  @Override
  public Driver driver(int node) {
    return new ClusterDbDriver(client(List.of(peers.get(node).clientAddress())));
  }

  @Override
  public int leader() {
    int[] found = {-1};
    Waits.until(
        "a live leader",
        Duration.ofSeconds(60),
        Duration.ofMillis(50),
        () -> {
          Optional<Integer> l = wholeLeader();
          l.ifPresent(i -> found[0] = i);
          return l.isPresent();
        });
    return found[0];
  }

  /** The leader every live peer names, if they agree and it is alive. */
  private Optional<Integer> wholeLeader() {
    String id = null;
    for (int i = 0; i < peers.size(); i++) {
      if (!nodes.get(i).isAlive()) {
        continue;
      }
      MemberStatus s;
      try (ClusterDbClient c = client(List.of(peers.get(i).clientAddress()))) {
        s = c.status();
      }
      if (s.leaderId().isEmpty() || (id != null && !id.equals(s.leaderId().get()))) {
        return Optional.empty();
      }
      id = s.leaderId().get();
    }
    for (int i = 0; i < peers.size(); i++) {
      if (peers.get(i).id().equals(id) && nodes.get(i).isAlive()) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  @Override
  public void kill(int node) {
    nodes.get(node).kill();
  }

  @Override
  public void restart(int node) {
    nodes.get(node).start();
    nodes.get(node).awaitPort(peers.get(node).clientPort(), Duration.ofSeconds(60));
  }

  /**
   * The seed's purge: the peer's database is deleted and it rejoins empty, restored by the rest.
   */
  @Override
  public void wipeAndRestart(int node) {
    if (nodes.get(node).isAlive()) {
      throw new IllegalStateException("kill " + peers.get(node).id() + " before wiping it");
    }
    Dirs.delete(dir.resolve(peers.get(node).id()).resolve("data"));
    restart(node);
  }

  @Override
  public void close() {
    for (NodeProcess n : nodes) {
      try {
        n.kill();
      } catch (RuntimeException e) {
        // best effort: the others must still stop
      }
    }
    try {
      Dirs.delete(dir);
    } catch (UncheckedIOException e) {
      // a leftover directory is reported by the caller's results, not fatal
    }
  }

  private List<String> endpoints() {
    return peers.stream().map(PeerEndpoint::clientAddress).toList();
  }

  private static ClusterDbClient client(List<String> endpoints) {
    return ClusterDbClient.builder().endpoints(endpoints).build();
  }

  /** The log of node {@code node}, for error messages. */
  public Path log(int node) {
    return nodes.get(node).log();
  }
}
