package org.clusterdb.core;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.config.WritePolicy;
import org.clusterdb.core.fsm.TableNames;
import org.clusterdb.core.storage.FileOps;
import org.clusterdb.proto.log.v1.PublishPeerKey;

/**
 * An in-process cluster of real members: each a {@link ClusterDb} with its own Ratis gRPC server on
 * a free 127.0.0.1 port and its own data directory. Members are addressed by index (0-based; member
 * ids are {@code p1..pN}). Stopping a member closes it; restarting reopens its directory.
 */
public final class MiniCluster implements AutoCloseable {
  private static final String CLUSTER = TableNames.CLUSTER;

  /** Short timeouts keep tests quick; wide enough for a loaded two-core machine. */
  public static final Duration ELECTION_MIN = Duration.ofMillis(500);

  public static final Duration ELECTION_MAX = Duration.ofMillis(1000);

  private final List<ClusterDbConfig> configs;
  private final ClusterDb[] members;
  private final MeterRegistry registry;

  private MiniCluster(List<ClusterDbConfig> configs, MeterRegistry registry) {
    this.configs = configs;
    this.members = new ClusterDb[configs.size()];
    this.registry = registry;
  }

  /** As {@link #start(int, Path, UnaryOperator)}, every member's meters in {@code registry}. */
  public static MiniCluster start(
      int size,
      Path baseDir,
      MeterRegistry registry,
      UnaryOperator<ClusterDbConfig.Builder> tweak) {
    return start(size, baseDir, i -> "127.0.0.1", (self, b) -> tweak.apply(b), registry);
  }

  /** Starts {@code size} members under {@code baseDir}; {@code tweak} adjusts every config. */
  public static MiniCluster start(
      int size, Path baseDir, UnaryOperator<ClusterDbConfig.Builder> tweak) {
    return start(size, baseDir, "127.0.0.1", (self, b) -> tweak.apply(b));
  }

  /**
   * As {@link #start(int, Path, UnaryOperator)}, with every peer addressed as {@code host} (a name
   * or address of this machine's loopback), telling {@code tweak} whose config it adjusts.
   */
  public static MiniCluster start(
      int size,
      Path baseDir,
      String host,
      BiFunction<PeerAddress, ClusterDbConfig.Builder, ClusterDbConfig.Builder> tweak) {
    return start(size, baseDir, i -> host, tweak);
  }

  /** As {@link #start(int, Path, String, BiFunction)}, peer {@code i} (0-based) as {@code host}. */
  public static MiniCluster start(
      int size,
      Path baseDir,
      IntFunction<String> host,
      BiFunction<PeerAddress, ClusterDbConfig.Builder, ClusterDbConfig.Builder> tweak) {
    return start(size, baseDir, host, tweak, Metrics.globalRegistry);
  }

  private static MiniCluster start(
      int size,
      Path baseDir,
      IntFunction<String> host,
      BiFunction<PeerAddress, ClusterDbConfig.Builder, ClusterDbConfig.Builder> tweak,
      MeterRegistry registry) {
    List<PeerAddress> peers = new ArrayList<>();
    for (int port : freePorts(size)) {
      peers.add(new PeerAddress("p" + (peers.size() + 1), host.apply(peers.size()), port));
    }
    List<ClusterDbConfig> configs = new ArrayList<>();
    for (PeerAddress p : peers) {
      configs.add(
          tweak
              .apply(
                  p,
                  ClusterDbConfig.builder()
                      .clusterName("mini.cluster.test")
                      .memberId(p.id())
                      .peers(peers)
                      .dataDir(baseDir.resolve(p.id()))
                      .electionTimeout(ELECTION_MIN, ELECTION_MAX))
              .build());
    }
    MiniCluster cluster = new MiniCluster(configs, registry);
    try {
      for (int i = 0; i < size; i++) {
        cluster.restart(i);
      }
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  public static MiniCluster start(int size, Path baseDir) {
    return start(size, baseDir, b -> b);
  }

  public int size() {
    return members.length;
  }

  /** The running member {@code i}; fails if it is stopped. */
  public ClusterDb member(int i) {
    ClusterDb m = members[i];
    if (m == null) {
      throw new IllegalStateException("member " + i + " is stopped");
    }
    return m;
  }

  public ClusterDbConfig config(int i) {
    return configs.get(i);
  }

  public boolean isRunning(int i) {
    return members[i] != null;
  }

  /** Indexes of the running members. */
  public List<Integer> running() {
    List<Integer> r = new ArrayList<>();
    for (int i = 0; i < members.length; i++) {
      if (members[i] != null) {
        r.add(i);
      }
    }
    return r;
  }

  /** Waits until one running member leads and every running member agrees on it. */
  public int awaitLeader() {
    return awaitLeader(Duration.ofSeconds(30));
  }

  public int awaitLeader(Duration timeout) {
    int[] leader = {-1};
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              Optional<Integer> l = currentLeader();
              l.ifPresent(i -> leader[0] = i);
              return l.isPresent();
            });
    return leader[0];
  }

  /**
   * The leader every running member follows. Under {@code PRIMARY_ONLY}, while the primary runs,
   * only the primary counts: another leader is about to hand over to it.
   */
  private Optional<Integer> currentLeader() {
    Set<String> seen = new HashSet<>();
    Integer leader = null;
    for (int i : running()) {
      MemberStatus s = members[i].status();
      if (s.role() == MemberStatus.Role.LEADER) {
        leader = i;
      }
      seen.add(s.leaderId().orElse(""));
    }
    if (leader == null || seen.size() != 1) {
      return Optional.empty();
    }
    if (!seen.contains(configs.get(leader).memberId())) {
      return Optional.empty();
    }
    // New members join through the leader; until every running one votes, the group is forming.
    Set<String> voters = new HashSet<>();
    members[leader].membership().ifPresent(m -> m.voters().forEach(p -> voters.add(p.id())));
    for (int i : running()) {
      if (!voters.contains(configs.get(i).memberId())) {
        return Optional.empty();
      }
    }
    ClusterDbConfig c = configs.get(leader);
    int primary = c.primary() - 1;
    if (c.writePolicy() == WritePolicy.PRIMARY_ONLY && isRunning(primary) && leader != primary) {
      return Optional.empty();
    }
    if (!keysSettled(leader)) {
      return Optional.empty();
    }
    return Optional.of(leader);
  }

  /**
   * Whether the system key has reached every running member that can get it without an admin: each
   * has published its public key, none that joins still waits, and no grant is pending. Until then
   * those entries still advance the revision, which tests compare.
   */
  private boolean keysSettled(int leader) {
    Set<String> published = new HashSet<>();
    try {
      BlockingKeyValueStore db = members[leader].blocking();
      if (!db.range(CLUSTER, KeyRange.prefix(TableNames.KEY_GRANT_PREFIX), ReadOptions.local())
          .kvs()
          .isEmpty()) {
        return false;
      }
      for (KeyValue kv :
          db.range(CLUSTER, KeyRange.prefix(TableNames.PEER_KEY_PREFIX), ReadOptions.local())
              .kvs()) {
        PublishPeerKey p = PublishPeerKey.parseFrom(kv.value().toByteArray());
        if (p.getWantsSystemKey() && p.getJoining()) {
          return false;
        }
        published.add(p.getMemberId());
      }
    } catch (ClusterDbException | InvalidProtocolBufferException e) {
      // No cluster table yet, or a member closing: not settled.
      return false;
    }
    for (int i : running()) {
      if (!published.contains(configs.get(i).memberId())) {
        return false;
      }
    }
    return true;
  }

  /** Some running member that is not the leader. */
  public int aFollower() {
    int leader = awaitLeader();
    return running().stream().filter(i -> i != leader).findFirst().orElseThrow();
  }

  /**
   * Whether member {@code i}'s replica holds {@code key} in cluster table {@code table}, read
   * locally; a replica without the table does not.
   */
  public boolean holds(int i, String table, String key) {
    try {
      return member(i).blocking().get(table, Bytes.of(key), Consistency.LOCAL).isPresent();
    } catch (ClusterDbException e) {
      if (e.code() == ErrorCode.UNKNOWN_TABLE) {
        return false;
      }
      throw e;
    }
  }

  /** Waits until every running member has applied the same revision. */
  public long awaitConverged() {
    long[] revision = {-1};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              Set<Long> revisions = new HashSet<>();
              for (int i : running()) {
                revisions.add(members[i].status().revision());
              }
              revision[0] = revisions.iterator().next();
              return revisions.size() == 1;
            });
    return revision[0];
  }

  /** Stops member {@code i}, as if its process ended. */
  public void stop(int i) {
    ClusterDb m = members[i];
    members[i] = null;
    if (m != null) {
      m.close();
    }
  }

  /** Starts member {@code i} from its data directory (stopping it first if running). */
  public ClusterDb restart(int i) {
    stop(i);
    members[i] = ClusterDb.start(configs.get(i), registry);
    return members[i];
  }

  /** Puts {@code db}, member {@code i} started again by itself, in place of the closed one. */
  public void replace(int i, ClusterDb db) {
    members[i] = db;
  }

  /** Stops member {@code i} and deletes its whole data directory. */
  public void wipe(int i) throws IOException {
    stop(i);
    FileOps.deleteRecursively(configs.get(i).dataDir());
  }

  @Override
  public void close() {
    for (int i = 0; i < members.length; i++) {
      try {
        stop(i);
      } catch (RuntimeException e) {
        // keep closing the others
      }
    }
  }

  /** The ids of {@code db}'s active alarms. */
  public static List<Integer> activeAlarmIds(ClusterDb db) {
    return db.alarms().stream().filter(Alarm::active).map(Alarm::id).toList();
  }

  /** Distinct free ports on 127.0.0.1, all held open until every one is chosen. */
  public static List<Integer> freePorts(int n) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        s.setReuseAddress(true);
        sockets.add(s);
      }
      List<Integer> ports = new ArrayList<>();
      for (ServerSocket s : sockets) {
        ports.add(s.getLocalPort());
      }
      return ports;
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a probe socket
        }
      }
    }
  }
}
