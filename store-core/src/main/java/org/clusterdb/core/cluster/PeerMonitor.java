package org.clusterdb.core.cluster;

import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.ratis.Membership;
import org.clusterdb.core.ratis.PeerProbe;
import org.clusterdb.core.ratis.RaftNode;
import org.clusterdb.core.security.PeerResolver;
import org.clusterdb.core.util.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the cluster from this peer: every {@code healthCheckInterval} it asks each other peer for
 * its Raft state over the peer port, reads its own replication state, and from these keeps the peer
 * states, this peer's database state and the communication alarms 20004 and 20006. Logs the
 * database's synchronisation as the appliance does. Thread-safe.
 */
public final class PeerMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("org.clusterdb.replication");

  private final ClusterDbConfig config;
  private final RaftNode node;
  private final AlarmRegistry alarms;
  private final ClusteringStore settings;
  private final Supplier<Optional<ClusteringSettings>> clusterSettings;
  private final LongSupplier syncChecked;
  private final PeerResolver resolver;
  private final Supplier<Map<String, String>> versions;
  private final HealthModel model;
  private final ScheduledExecutorService ticker;
  private final ExecutorService probes;
  private volatile ClusterStatus status;

  /** The database state of the last round; only the ticker thread touches it. */
  private ClusterStatus.Database lastDatabase;

  /** Each peer's state as of the last round; ticker thread only. */
  private Map<String, PeerStatus.State> lastPeers = Map.of();

  /** The versions the last round found different, if they did; only the ticker thread. */
  private Optional<String> lastMismatch = Optional.empty();

  private PeerMonitor(
      ClusterDbConfig config,
      RaftNode node,
      AlarmRegistry alarms,
      ClusteringStore settings,
      Supplier<Optional<ClusteringSettings>> clusterSettings,
      LongSupplier syncChecked,
      PeerResolver resolver,
      Supplier<Map<String, String>> versions) {
    this.config = config;
    this.resolver = resolver;
    this.versions = versions;
    this.node = node;
    this.alarms = alarms;
    this.settings = settings;
    this.clusterSettings = clusterSettings;
    this.syncChecked = syncChecked;
    this.model =
        new HealthModel(config.memberId(), config.peerFailureTimeout().toMillis(), nowMillis());
    String member = config.memberId();
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("clusterdb-monitor-" + member));
    this.probes =
        Executors.newFixedThreadPool(
            ClusteringSettings.MAX_PEERS - 1, DaemonThreads.numbered("clusterdb-probe-" + member));
    // No probes yet: start-up must not wait on the network.
    Optional<Membership> members = node.membership();
    this.status =
        model
            .assess(
                new HealthModel.Observation(
                    listed(members),
                    members.map(Membership::ids).orElse(List.of()),
                    members.map(m -> m.voters().size()).orElse(0),
                    nowMillis(),
                    node.status(),
                    node.replication(),
                    Map.of(),
                    Map.of(),
                    -1,
                    clusterPrimary(),
                    ownPrimary()))
            .status();
  }

  /**
   * Starts watching; the first round runs at once. {@code syncChecked} tells the last
   * synchronisation check this peer passed; {@code resolver} gives each peer's resolved address;
   * {@code versions} the software version each member published, by member id.
   */
  public static PeerMonitor start(
      ClusterDbConfig config,
      RaftNode node,
      AlarmRegistry alarms,
      ClusteringStore settings,
      Supplier<Optional<ClusteringSettings>> clusterSettings,
      LongSupplier syncChecked,
      PeerResolver resolver,
      Supplier<Map<String, String>> versions) {
    PeerMonitor monitor =
        new PeerMonitor(
            config, node, alarms, settings, clusterSettings, syncChecked, resolver, versions);
    long every = config.healthCheckInterval().toMillis();
    monitor.ticker.scheduleWithFixedDelay(monitor::round, 0, every, TimeUnit.MILLISECONDS);
    return monitor;
  }

  /** The cluster as of the last round. */
  public ClusterStatus status() {
    return status;
  }

  private void round() {
    try {
      HealthModel.Assessment a = model.assess(observe());
      status = withVersions(a.status());
      versionAlarm(status);
      if (a.communicationFailure()) {
        alarms.raise(AlarmDefinition.CLUSTER_COMMUNICATION_FAILURE);
      } else if (a.status().peers().stream()
          .noneMatch(p -> p.state() == PeerStatus.State.UNKNOWN)) {
        alarms.lower(AlarmDefinition.CLUSTER_COMMUNICATION_FAILURE);
      }
      if (a.databaseFailure()) {
        alarms.raise(AlarmDefinition.DATABASE_COMMUNICATION_FAILURE);
      } else if (a.status().database() == ClusterStatus.Database.ACTIVE) {
        alarms.lower(AlarmDefinition.DATABASE_COMMUNICATION_FAILURE);
      }
      // Closing stops this monitor first: a stopped database here failed, or was removed.
      if (a.status().database() == ClusterStatus.Database.STOPPED) {
        alarms.raise(AlarmDefinition.DATABASE_FAILURE);
      } else {
        alarms.lower(AlarmDefinition.DATABASE_FAILURE);
      }
      if (a.primaryMismatch()) {
        alarms.raise(AlarmDefinition.PRIMARY_MISMATCH);
      } else {
        alarms.lower(AlarmDefinition.PRIMARY_MISMATCH);
      }
      logTransition(a.status());
    } catch (RuntimeException e) {
      // A failed round must not end the schedule; the next one tries again.
      LOG.warn(
          "Detail=\"cluster health check failed\" Member=\"{}\" Error=\"{}\"",
          config.memberId(),
          e.toString());
    }
  }

  /** Each peer with the software version it published; this peer with its own. */
  private ClusterStatus withVersions(ClusterStatus s) {
    Map<String, String> published = versions.get();
    List<PeerStatus> peers = new ArrayList<>();
    for (PeerStatus p : s.peers()) {
      Optional<String> v =
          p.memberId().equals(config.memberId())
              ? Optional.of(config.softwareVersion())
              : Optional.ofNullable(published.get(p.memberId()));
      peers.add(p.withSoftwareVersion(v));
    }
    return s.withPeers(peers);
  }

  /**
   * "Software version mismatch" while the listed peers that published a version do not all run the
   * same one; logged when the versions change.
   */
  private void versionAlarm(ClusterStatus s) {
    Optional<String> mismatch = SoftwareVersions.mismatch(s.peers());
    if (mismatch.isPresent()) {
      alarms.raise(AlarmDefinition.SOFTWARE_VERSION_MISMATCH);
      if (!mismatch.equals(lastMismatch)) {
        LOG.warn(
            "Detail=\"Software version mismatch: the peers run different software versions\""
                + " Member=\"{}\" Versions=\"{}\"",
            config.memberId(),
            mismatch.get());
      }
    } else {
      alarms.lower(AlarmDefinition.SOFTWARE_VERSION_MISMATCH);
      if (lastMismatch.isPresent()) {
        LOG.info(
            "Detail=\"Software versions agree\" Member=\"{}\" Version=\"{}\"",
            config.memberId(),
            config.softwareVersion());
      }
    }
    lastMismatch = mismatch;
  }

  private void logTransition(ClusterStatus s) {
    logPeers(s);
    ClusterStatus.Database now = s.database();
    ClusterStatus.Database before = lastDatabase;
    lastDatabase = now;
    if (now == before) {
      return;
    }
    if (now == ClusterStatus.Database.NO_QUORUM) {
      long reachable =
          s.peers().stream()
              .filter(
                  p ->
                      p.state() == PeerStatus.State.THIS_SYSTEM
                          || p.state() == PeerStatus.State.ACTIVE)
              .count();
      LOG.error(
          "Detail=\"Inconsistent Database\" Context=\"partitioned network: no quorum"
              + " reachable\" Member=\"{}\" Reachable=\"{} of {}\"",
          s.memberId(),
          reachable,
          s.peers().size());
    }
    if (now == ClusterStatus.Database.SYNCHRONISING
        || (now == ClusterStatus.Database.ACTIVE
            && before != ClusterStatus.Database.SYNCHRONISING)) {
      LOG.info(
          "Detail=\"Starting synchronisation\" Member=\"{}\" Applied=\"{}\" Commit=\"{}\"",
          s.memberId(),
          s.appliedIndex(),
          s.commitIndex());
    }
    if (now == ClusterStatus.Database.ACTIVE) {
      LOG.info(
          "Detail=\"Synchronisation completed successfully\" Member=\"{}\" Applied=\"{}\"",
          s.memberId(),
          s.appliedIndex());
    } else if (before == ClusterStatus.Database.ACTIVE) {
      LOG.warn(
          "Detail=\"Cluster database left the working quorum\" Member=\"{}\" State=\"{}\"",
          s.memberId(),
          now.display());
    }
  }

  /** The seed's peer disconnection and reconnection lines, once per change of a peer's state. */
  private void logPeers(ClusterStatus s) {
    Map<String, PeerStatus.State> now = new HashMap<>();
    for (PeerStatus p : s.peers()) {
      now.put(p.memberId(), p.state());
      PeerStatus.State before = lastPeers.get(p.memberId());
      if (p.state() == before || p.state() == PeerStatus.State.THIS_SYSTEM) {
        continue;
      }
      if (p.state() == PeerStatus.State.FAILED) {
        LOG.warn(
            "Detail=\"Peer down: not answering\" Member=\"{}\" Peer=\"{}\" Address=\"{}\"",
            s.memberId(),
            p.memberId(),
            p.address());
      } else if (p.state() == PeerStatus.State.ACTIVE && before != null) {
        LOG.info(
            "Detail=\"Peer up: answering again\" Member=\"{}\" Peer=\"{}\" Address=\"{}\"",
            s.memberId(),
            p.memberId(),
            p.address());
      }
    }
    lastPeers = now;
  }

  private HealthModel.Observation observe() {
    Duration timeout = config.healthCheckInterval();
    Optional<Membership> members = node.membership();
    List<HealthModel.Peer> listed = listed(members);
    Map<String, PeerAddress> addresses = new HashMap<>();
    for (PeerAddress p : settingsPeers(members)) {
      addresses.put(p.id(), p);
    }
    Map<String, CompletableFuture<Optional<PeerProbe>>> asked = new HashMap<>();
    for (PeerAddress p : addresses.values()) {
      if (!p.id().equals(config.memberId())) {
        asked.put(p.id(), CompletableFuture.supplyAsync(() -> node.probe(p), probes));
      }
    }
    Map<String, Optional<PeerProbe>> answers = new HashMap<>();
    Map<String, String> resolved = new HashMap<>();
    for (PeerAddress p : addresses.values()) {
      CompletableFuture<Optional<PeerProbe>> f = asked.get(p.id());
      if (f != null) {
        answers.put(p.id(), answer(f, timeout));
      }
      resolve(p.host()).ifPresent(ip -> resolved.put(p.id(), ip));
    }
    MemberStatus self = node.status();
    return new HealthModel.Observation(
        listed,
        members.map(Membership::ids).orElse(List.of()),
        members.map(m -> m.voters().size()).orElse(0),
        nowMillis(),
        self,
        node.replication(),
        answers,
        resolved,
        syncChecked.getAsLong(),
        clusterPrimary(),
        ownPrimary());
  }

  /**
   * The peers to show: the cluster's list once this peer is a member and the primary has written
   * it, else this peer's own.
   */
  private List<PeerAddress> settingsPeers(Optional<Membership> members) {
    boolean member = members.map(m -> m.ids().contains(config.memberId())).orElse(false);
    Optional<ClusteringSettings> cluster = member ? clusterSettings.get() : Optional.empty();
    return cluster.orElse(settings.own()).peers();
  }

  private List<HealthModel.Peer> listed(Optional<Membership> members) {
    List<PeerAddress> peers = settingsPeers(members);
    List<HealthModel.Peer> out = new ArrayList<>();
    for (int i = 0; i < peers.size(); i++) {
      PeerAddress p = peers.get(i);
      out.add(new HealthModel.Peer(i + 1, p.id(), p.address()));
    }
    return out;
  }

  private String ownPrimary() {
    return settings.primaryId().orElse(config.memberId());
  }

  /** Without a ranking in the Raft configuration ({@code ANY_LEADER}), this peer's own setting. */
  private String clusterPrimary() {
    return node.clusterPrimary().orElse(ownPrimary());
  }

  /** Bounded and interruptible, so that close() never waits on a probe the pool dropped. */
  private static Optional<PeerProbe> answer(
      CompletableFuture<Optional<PeerProbe>> f, Duration timeout) {
    try {
      return f.get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    }
  }

  /**
   * The address mapping first, then DNS through the JVM's resolver cache, so a round costs no
   * lookup most of the time.
   */
  private Optional<String> resolve(String host) {
    try {
      return Optional.of(resolver.resolve(host).getHostAddress());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static long nowMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    probes.shutdownNow();
    try {
      ticker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
