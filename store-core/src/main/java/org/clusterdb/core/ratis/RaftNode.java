package org.clusterdb.core.ratis;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.CallId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.config.WritePolicy;
import org.clusterdb.core.fsm.Applier;
import org.clusterdb.core.fsm.CommandValidator;
import org.clusterdb.core.fsm.StateReader;
import org.clusterdb.core.lease.Lessor;
import org.clusterdb.core.security.CertificateCheck;
import org.clusterdb.core.security.PeerResolver;
import org.clusterdb.core.security.PeerTls;
import org.clusterdb.core.security.PeerTrustManager;
import org.clusterdb.core.storage.FileOps;
import org.clusterdb.core.util.DaemonThreads;
import org.clusterdb.core.watch.WatchHub;
import org.clusterdb.proto.log.v1.ApplyResult;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.ListTables;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Query;
import org.clusterdb.proto.log.v1.QueryResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's Raft replica: a Ratis server over the {@link ReplicatedStateMachine} and a Ratis
 * client that proposes commands to the leader. The only public face of the Ratis adapter; its
 * signatures carry no Ratis or shaded types.
 *
 * <p>A proposal whose commands all carry request ids goes to the leader this member's Raft server
 * knows: to its own server, without an RPC, when it leads. It is sent again after any failure that
 * leaves it unsettled (a leader lost, an election), the ids applying it once. Other proposals go
 * through the Ratis client, which finds the leader itself and whose retry cache applies a retried
 * proposal once. Every member starts its read-index rounds at its own server. Thread-safe.
 */
public final class RaftNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
  private static final TimeDuration RETRY_SLEEP = TimeDuration.valueOf(50, TimeUnit.MILLISECONDS);

  /**
   * One proposal outstanding per member: on a CPU-bound cluster fewer, larger batches beat a
   * pipeline (measured with 64 writes in flight: 1,151 ops/s with one, 690 with two, 631 with
   * four).
   */
  private static final int MAX_PROPOSALS_IN_FLIGHT = 1;

  private static final int MAX_BATCH_ENTRIES = 512;

  private static final int REPLY_THREADS = 2;

  /** Between attempts of an identified proposal that found no ready leader: an election runs. */
  private static final long FORWARD_RETRY_MILLIS = 10;

  /** The cheapest query there is, run by a read-index round for its wait, not its answer. */
  private static final Query BARRIER_QUERY =
      Query.newBuilder()
          .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
          .setListTables(ListTables.getDefaultInstance())
          .build();

  /** A batch entry's own bytes beyond its entries: version and batch field headers. */
  private static final int BATCH_FRAMING = 16;

  private final ClusterDbConfig config;
  private final RaftGroupId groupId;
  private final RaftPeerId selfId;
  private final ReplicatedStateMachine stateMachine;
  private final WatchHub hub;
  private final RaftServer server;
  private final Tls tls;

  /** This member started with Raft state of its group; see {@link #resumed()}. */
  private final boolean resumed;

  /** This member created its group at this start; see {@link #createdCluster()}. */
  private final boolean createdCluster;

  /** Replaced after a retry failure: Ratis then closes the client's ordered request window. */
  private final AtomicReference<RaftClient> client;

  private final ExecutorService admin;

  private final ProposalBatcher batcher;

  private final ReadBarrier reads = new ReadBarrier(this::readIndexRound);

  /** Names this member's own submissions to its Raft server, as a Raft client would. */
  private final ClientId localClientId = ClientId.randomId();

  /** Schedules the next attempt of identified proposals; the attempts run on {@link #replies}. */
  private final ScheduledExecutorService forwardTimer;

  private volatile boolean closing;

  /** Runs what follows a local submission's reply, off Ratis's threads. */
  private final ExecutorService replies;

  /**
   * One client a probed peer, without retries: a probe unanswered within the check interval is an
   * answer.
   */
  private final Map<PeerAddress, RaftClient> probeClients = new ConcurrentHashMap<>();

  /** Detaches this member's address mapping from the Ratis channels' name resolution. */
  private final AutoCloseable mapping;

  /** The IP address the Raft server listens on. */
  private final String listenAddress;

  private RaftNode(
      ClusterDbConfig config,
      RaftGroupId groupId,
      ReplicatedStateMachine stateMachine,
      WatchHub hub,
      RaftServer server,
      Tls tls,
      boolean resumed,
      boolean createdCluster,
      AutoCloseable mapping,
      String listenAddress) {
    this.config = config;
    this.tls = tls;
    this.resumed = resumed;
    this.createdCluster = createdCluster;
    this.mapping = mapping;
    this.listenAddress = listenAddress;
    this.groupId = groupId;
    this.selfId = RaftPeerId.valueOf(config.memberId());
    this.stateMachine = stateMachine;
    this.hub = hub;
    this.server = server;
    this.client =
        new AtomicReference<>(newClient(config, clientGroup(), Optional.empty(), tls.parameters()));
    this.admin =
        Executors.newSingleThreadExecutor(
            DaemonThreads.named("clusterdb-admin-" + config.memberId()));
    this.replies =
        Executors.newFixedThreadPool(
            REPLY_THREADS, DaemonThreads.numbered("clusterdb-replies-" + config.memberId()));
    this.forwardTimer =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("clusterdb-forward-" + config.memberId()));
    stateMachine.setConfListener(this::onConfigurationChanged);
    stateMachine.setSnapshotAsker(ClusterDbConfig.SNAPSHOT_EVERY_BYTES, this::askForSnapshot);
    this.batcher =
        new ProposalBatcher(
            this::proposeEntry,
            config.maxRequestBytes() - BATCH_FRAMING,
            MAX_BATCH_ENTRIES,
            MAX_PROPOSALS_IN_FLIGHT);
  }

  /**
   * Starts this member's Raft server on its configured address and opens its state under {@code
   * dataDir/raft} and {@code dataDir/state}. Returns once the server is started; a leader may not
   * be elected yet.
   *
   * <p>A member with Raft state resumes the membership it had. A new member that is the primary and
   * finds no cluster among its peers creates a cluster of one; any other new member starts outside
   * the group and waits for the leader to add it.
   *
   * <p>Every peer host this member dials, and its own host it listens on, goes through {@code
   * resolver}: the address mapping before DNS.
   */
  public static RaftNode start(
      ClusterDbConfig config,
      Applier applier,
      CommandValidator validator,
      WatchHub hub,
      PeerResolver resolver)
      throws IOException {
    Path dataDir = config.dataDir();
    RaftGroupId groupId = groupId(config);
    AtomicReference<RaftServer> started = new AtomicReference<>();
    Tls tls = tls(config, () -> peerHosts(config, groupId, started.get()));
    AutoCloseable mapping = MappedNameResolverProvider.attach(resolver);
    try {
      return start(config, applier, validator, hub, resolver, groupId, started, tls, mapping);
    } catch (IOException | RuntimeException e) {
      detach(mapping);
      throw e;
    }
  }

  private static RaftNode start(
      ClusterDbConfig config,
      Applier applier,
      CommandValidator validator,
      WatchHub hub,
      PeerResolver resolver,
      RaftGroupId groupId,
      AtomicReference<RaftServer> started,
      Tls tls,
      AutoCloseable mapping)
      throws IOException {
    Path dataDir = config.dataDir();
    String bind = bindAddress(config.self(), resolver);
    boolean resumed =
        Files.isDirectory(dataDir.resolve("raft").resolve(groupId.getUuid().toString()));
    RaftGroup initial = initialGroup(config, groupId, dataDir.resolve("raft"), tls.parameters());
    Optional<Path> seed = stagedRestore(config, !initial.getPeers().isEmpty());
    ReplicatedStateMachine sm =
        new ReplicatedStateMachine(
            config.memberId(),
            config.primaryPeer().id(),
            config.writePolicy(),
            dataDir.resolve("state"),
            applier,
            validator,
            hub,
            config.snapshotsRetained());
    seed.ifPresent(sm::seedFrom);
    RaftServer server =
        RaftServer.newBuilder()
            .setServerId(RaftPeerId.valueOf(config.memberId()))
            .setGroup(initial)
            .setStateMachine(sm)
            .setProperties(RatisProperties.server(config, dataDir.resolve("raft"), bind))
            .setParameters(tls.parameters())
            .setOption(RaftStorage.StartupOption.RECOVER)
            .build();
    started.set(server);
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      // A damaged log fails the start after the state machine opened its store: release it, so
      // the data directory can be purged or restored and the member started again.
      try {
        server.close();
      } catch (IOException | RuntimeException closing) {
        e.addSuppressed(closing);
      }
      sm.close();
      throw e;
    }
    LOG.info(
        "raft member started member={} group={} initialpeers={} settingspeers={} bind={}",
        config.memberId(),
        groupId,
        initial.getPeers(),
        config.peers(),
        bind);
    return new RaftNode(
        config,
        groupId,
        sm,
        hub,
        server,
        tls,
        resumed,
        !initial.getPeers().isEmpty(),
        mapping,
        bind);
  }

  /**
   * The IP address this member's server listens on: its own host through the mapping, then DNS.
   * Resolved here because Ratis ends the JVM when its server cannot bind.
   */
  private static String bindAddress(PeerAddress self, PeerResolver resolver) {
    try {
      return resolver.resolve(self.host()).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new ClusterDbException(
          ErrorCode.INVALID_ARGUMENT,
          "this peer's own host "
              + self.host()
              + " has no address: neither the address mapping nor DNS knows it",
          "peers",
          true,
          e);
    }
  }

  private static void detach(AutoCloseable mapping) {
    try {
      mapping.close();
    } catch (Exception e) {
      LOG.warn("address mapping detach failed error={}", e.toString());
    }
  }

  /**
   * Ratis's TLS for this member: every connection between peers (appends, votes, snapshots, the
   * member's own client, probes) is TLS with this peer's certificate on both ends, checked by
   * {@code trust}.
   */
  record Tls(Parameters parameters, PeerTls identity, PeerTrustManager trust) {}

  static Tls tls(ClusterDbConfig config, Supplier<Collection<String>> peerHosts)
      throws IOException {
    PeerTls identity = PeerTls.open(config);
    PeerTrustManager trust = identity.trustManager(config.memberId(), config.tlsMode(), peerHosts);
    return new Tls(
        GrpcFactory.newRaftParameters(new GrpcTlsConfig(identity.keyManager(), trust, true)),
        identity,
        trust);
  }

  /** The hosts of the configured peers and of the group's current members. */
  private static Collection<String> peerHosts(
      ClusterDbConfig config, RaftGroupId groupId, RaftServer server) {
    Set<String> hosts = new LinkedHashSet<>();
    config.peers().forEach(p -> hosts.add(p.host()));
    if (server != null) {
      try {
        server
            .getDivision(groupId)
            .getGroup()
            .getPeers()
            .forEach(p -> hosts.add(peerAddress(p).host()));
      } catch (IOException | RuntimeException e) {
        // Not started or not in the group yet: the configured peers are all there is.
      }
    }
    return hosts;
  }

  /** Whether this member started with Raft state of its group (a restart, not a new member). */
  public boolean resumed() {
    return resumed;
  }

  /** Whether this member created its group, as a cluster of one, at this start. */
  public boolean createdCluster() {
    return createdCluster;
  }

  /** The IP address this member's Raft server listens on: its own host, resolved at start. */
  public String listenAddress() {
    return listenAddress;
  }

  /** The latest check of the certificate a peer at {@code host} presented to this member. */
  public Optional<CertificateCheck> certificateCheck(String host) {
    return tls.trust().latest(host);
  }

  /**
   * This member's TLS identity and the CAs it trusts, as its Ratis connections use them; the system
   * key is wrapped to its key pair.
   */
  public PeerTls identity() {
    return tls.identity();
  }

  /** This member's own certificate for {@code host}, checked as its peers check it in Enforce. */
  public CertificateCheck ownCertificateCheck(String host) {
    return CertificateCheck.of(
        tls.identity().chain(), tls.identity().trusted(), host, Instant.now());
  }

  /** Where a restore stages a backup's cluster tables, under the data directory. */
  public static final String STAGED_RESTORE = "restore";

  /** The staged backup's manifest, beside its {@code state/} checkpoint. */
  public static final String STAGED_MANIFEST = "restore.meta";

  /**
   * A restore's staged cluster tables, if this member is to start from them: only when it creates
   * its cluster. A member that joins a running cluster takes the cluster's tables instead.
   */
  private static Optional<Path> stagedRestore(ClusterDbConfig config, boolean creates)
      throws IOException {
    Path staged = config.dataDir().resolve(STAGED_RESTORE);
    if (!Files.isDirectory(staged)) {
      return Optional.empty();
    }
    if (creates) {
      return Optional.of(staged);
    }
    LOG.warn(
        "Detail=\"Restored cluster tables dropped: this peer joins the running cluster and takes"
            + " its configuration\" Member=\"{}\"",
        config.memberId());
    FileOps.deleteRecursively(staged);
    return Optional.empty();
  }

  /** The cluster's id: its Raft group's, derived from the cluster's name. */
  public static String clusterId(ClusterDbConfig config) {
    return groupId(config).getUuid().toString();
  }

  /** The group's id: the same for every peer of a cluster, from the cluster's name. */
  static RaftGroupId groupId(ClusterDbConfig config) {
    UUID id =
        UUID.nameUUIDFromBytes(
            ("clusterdb/" + config.clusterName()).getBytes(StandardCharsets.UTF_8));
    return RaftGroupId.valueOf(id);
  }

  private static RaftGroup initialGroup(
      ClusterDbConfig config, RaftGroupId groupId, Path raftDir, Parameters tls)
      throws IOException {
    if (Files.isDirectory(raftDir.resolve(groupId.getUuid().toString()))) {
      // Ratis restores the membership from the log and its configuration file.
      return RaftGroup.valueOf(groupId);
    }
    if (!config.primaryPeer().id().equals(config.memberId())) {
      LOG.info(
          "new member: waiting for the cluster to add it member={} primary={}",
          config.memberId(),
          config.primaryPeer());
      return RaftGroup.valueOf(groupId);
    }
    Optional<String> member = existingMember(config, groupId, tls);
    if (member.isPresent()) {
      // The primary lost its state: creating a cluster now would fork the cluster's history.
      LOG.warn(
          "new primary found its cluster running: waiting to be added back member={} found={}",
          config.memberId(),
          member.get());
      return RaftGroup.valueOf(groupId);
    }
    LOG.info("new primary: creating a cluster of one member={}", config.memberId());
    return RaftGroup.valueOf(
        groupId, List.of(raftPeer(config.self(), ranked(config, config.memberId()))));
  }

  /** A peer listed in {@code config} that answers as a member of a formed group, if any does. */
  static Optional<String> existingMember(
      ClusterDbConfig config, RaftGroupId groupId, Parameters tls) throws IOException {
    for (PeerAddress p : config.peers()) {
      if (p.id().equals(config.memberId())) {
        continue;
      }
      try (RaftClient c = probeClient(config, groupId, p, tls)) {
        GroupInfoReply reply = c.getGroupManagementApi(RaftPeerId.valueOf(p.id())).info(groupId);
        // The group, not getConf(): Ratis 3.2 leaves the configuration out of the reply on the
        // wire, so a wiped primary found no cluster and forked one of its own.
        if (reply.isSuccess() && !reply.getGroup().getPeers().isEmpty()) {
          return Optional.of(p.id());
        }
      } catch (IOException | RuntimeException e) {
        // Not up, or not in the group: no evidence of a cluster.
      }
    }
    return Optional.empty();
  }

  private static RaftClient probeClient(
      ClusterDbConfig config, RaftGroupId groupId, PeerAddress p, Parameters tls) {
    return RaftClient.newBuilder()
        .setParameters(tls)
        .setClientId(ClientId.randomId())
        .setRaftGroup(RaftGroup.valueOf(groupId, List.of(raftPeer(p, 0))))
        .setProperties(RatisProperties.probe(config))
        .setRetryPolicy(RetryPolicies.noRetry())
        .build();
  }

  private static int ranked(ClusterDbConfig config, String peerId) {
    return config.writePolicy() == WritePolicy.PRIMARY_ONLY
            && peerId.equals(config.primaryPeer().id())
        ? 1
        : 0;
  }

  static RaftPeer raftPeer(PeerAddress p, int priority) {
    return RaftPeer.newBuilder()
        .setId(p.id())
        .setAddress(p.address())
        .setPriority(priority)
        .build();
  }

  /** {@code host:port}, IPv6 in brackets, as Ratis stores a peer's address. */
  static PeerAddress peerAddress(RaftPeer p) {
    String a = p.getAddress();
    int colon = a.lastIndexOf(':');
    String host = a.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new PeerAddress(p.getId().toString(), host, Integer.parseInt(a.substring(colon + 1)));
  }

  /**
   * A client that starts at {@code leader} when one is known: without it Ratis starts at the
   * group's first peer, and if that peer is cut off every write waits out an RPC timeout before the
   * client moves on; as the client is renewed on every configuration change, a primary change while
   * the old primary is unreachable stalled writes for seconds.
   */
  private static RaftClient newClient(
      ClusterDbConfig config, RaftGroup group, Optional<RaftPeerId> leader, Parameters tls) {
    int attempts =
        (int)
            Math.max(
                1, config.requestTimeout().toMillis() / RETRY_SLEEP.toLong(TimeUnit.MILLISECONDS));
    RaftClient.Builder b =
        RaftClient.newBuilder()
            .setClientId(ClientId.randomId())
            .setRaftGroup(group)
            .setProperties(RatisProperties.client(config))
            .setParameters(tls)
            .setRetryPolicy(
                RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts, RETRY_SLEEP));
    leader
        .filter(id -> group.getPeers().stream().anyMatch(p -> p.getId().equals(id)))
        .ifPresent(b::setLeaderId);
    return b.build();
  }

  /** The leader this member follows or is, if it knows one. */
  private Optional<RaftPeerId> knownLeader() {
    try {
      return Optional.ofNullable(server.getDivision(groupId).getInfo().getLeaderId());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Whom the client may send to: every member of the current configuration, and every peer this
   * member's settings list, so that a member being added can reach the cluster.
   */
  private RaftGroup clientGroup() {
    Map<String, RaftPeer> peers = new java.util.LinkedHashMap<>();
    for (PeerAddress p : config.peers()) {
      peers.put(p.id(), raftPeer(p, 0));
    }
    membership()
        .ifPresent(
            m -> {
              for (PeerAddress p : m.all()) {
                peers.put(p.id(), raftPeer(p, 0));
              }
            });
    return RaftGroup.valueOf(groupId, new ArrayList<>(peers.values()));
  }

  /** Swaps in a fresh client if {@code failed} is still current; the old one is closed. */
  private void renewClient(RaftClient failed) {
    RaftClient fresh = newClient(config, clientGroup(), knownLeader(), tls.parameters());
    if (client.compareAndSet(failed, fresh)) {
      LOG.info("raft client renewed after a retry failure member={}", config.memberId());
      admin.execute(() -> closeQuietly(failed));
    } else {
      closeQuietly(fresh);
    }
  }

  /** New members become reachable; the old client finishes what it has in flight, then closes. */
  private void onConfigurationChanged() {
    RaftClient old = client.get();
    RaftClient fresh = newClient(config, clientGroup(), knownLeader(), tls.parameters());
    if (client.compareAndSet(old, fresh)) {
      CompletableFuture.delayedExecutor(
              config.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS)
          .execute(() -> closeQuietly(old));
    } else {
      closeQuietly(fresh);
    }
  }

  private void closeQuietly(RaftClient c) {
    try {
      c.close();
    } catch (IOException e) {
      LOG.warn("raft client close failed member={} error={}", config.memberId(), e.toString());
    }
  }

  /**
   * Replicates {@code entry} and returns its apply result. Fails with a definite error only when
   * the entry was surely not appended. Table and transaction commands proposed concurrently share
   * log entries (see {@link ProposalBatcher}).
   */
  public CompletableFuture<ApplyResult> propose(LogEntry entry) {
    return ProposalBatcher.batchable(entry) ? batcher.propose(entry) : proposeEntry(entry);
  }

  private CompletableFuture<ApplyResult> proposeEntry(LogEntry entry) {
    Message message = Message.valueOf(ReplicatedStateMachine.shaded(entry.toByteArray()));
    CompletableFuture<RaftClientReply> sent =
        identified(entry) ? new Forward(message).start() : sendThroughClient(message);
    return decode(sent, ApplyResult.parser(), true);
  }

  /**
   * One proposal whose commands all carry request ids, sent to the leader this member's own Raft
   * server knows (its own server when it leads) and sent again after every failure that leaves it
   * unsettled, until the request timeout: the ids make every resend apply once. A member learns a
   * new leader from its first append, so after a failover the proposal goes straight there, where
   * the Raft client would try peers at random a retry pause apart (measured: 0.4 s from the new
   * leader's start to the first write it answered). Only when no leader has been known for two
   * election timeouts (say a member not yet added) does the Raft client search for one.
   */
  private final class Forward {
    private final Message message;
    // From Ratis's counter: the client's RPC streams match replies by call id.
    private final long callId = CallId.getAndIncrement();
    private final long started = System.nanoTime();
    private final long deadline = started + config.requestTimeout().toNanos();
    private final long leaderlessLimit = config.electionTimeoutMax().multipliedBy(2).toNanos();
    private final CompletableFuture<RaftClientReply> result = new CompletableFuture<>();
    private volatile Throwable last;
    private volatile RaftPeerId hint;

    Forward(Message message) {
      this.message = message;
    }

    CompletableFuture<RaftClientReply> start() {
      attempt();
      return result;
    }

    private void attempt() {
      if (result.isDone()) {
        return;
      }
      long now = System.nanoTime();
      if (closing) {
        result.completeExceptionally(
            new AlreadyClosedException("member " + config.memberId() + " is closing", last));
        return;
      }
      if (now - deadline >= 0) {
        result.completeExceptionally(
            new TimeoutIOException(
                "no leader settled the proposal within " + config.requestTimeout(), last));
        return;
      }
      CompletableFuture<RaftClientReply> sent;
      if (leaderReady()) {
        sent = submitLocal(message, RaftClientRequest.writeRequestType(), callId);
      } else {
        RaftPeerId to = target();
        if (to == null) {
          if (now - started > leaderlessLimit) {
            sendThroughClient(message).whenComplete(this::pass);
          } else {
            retryLater();
          }
          return;
        }
        sent = sendTo(to, message, callId);
      }
      sent.whenComplete(this::settle);
    }

    /** A leader's suggestion of its successor first, else the leader this member follows. */
    private RaftPeerId target() {
      RaftPeerId h = hint;
      hint = null;
      if (h != null && !h.equals(selfId)) {
        return h;
      }
      return knownLeader().filter(id -> !id.equals(selfId)).orElse(null);
    }

    private void settle(RaftClientReply reply, Throwable error) {
      if (error == null
          && (reply.isSuccess()
              || reply.getException() instanceof StateMachineException
              || reply.getException() instanceof GroupMismatchException)) {
        result.complete(reply);
        return;
      }
      Throwable cause = RatisErrors.unwrap(error != null ? error : reply.getException());
      last = cause;
      LOG.debug(
          "proposal attempt failed member={} callId={} error={}",
          config.memberId(),
          callId,
          cause.toString());
      if (!(cause instanceof IOException)) {
        result.completeExceptionally(cause);
        return;
      }
      if (cause instanceof NotLeaderException nle && nle.getSuggestedLeader() != null) {
        hint = nle.getSuggestedLeader().getId();
      }
      retryLater();
    }

    private void pass(RaftClientReply reply, Throwable error) {
      if (error != null) {
        result.completeExceptionally(error);
      } else {
        result.complete(reply);
      }
    }

    private void retryLater() {
      try {
        forwardTimer.schedule(
            () -> runReply(this::attempt), FORWARD_RETRY_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopped) {
        result.completeExceptionally(
            new AlreadyClosedException("member " + config.memberId() + " is closing", last));
      }
    }
  }

  /**
   * A request from this member's own client id, as a Raft client would send it to {@code server}.
   */
  private RaftClientRequest request(
      RaftPeerId server, Message message, RaftClientRequest.Type type, long callId) {
    return RaftClientRequest.newBuilder()
        .setClientId(localClientId)
        .setServerId(server)
        .setGroupId(groupId)
        .setCallId(callId)
        .setMessage(message)
        .setType(type)
        .build();
  }

  /** Sends a write straight to {@code leader} over the Raft client's connection to it. */
  private CompletableFuture<RaftClientReply> sendTo(
      RaftPeerId leader, Message message, long callId) {
    RaftClientRequest request =
        request(leader, message, RaftClientRequest.writeRequestType(), callId);
    CompletableFuture<RaftClientReply> sent;
    try {
      sent = client.get().getClientRpc().sendRequestAsyncUnordered(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return handOff(sent);
  }

  /**
   * True when every command in {@code entry} carries a request id, so that proposing it twice
   * applies it once.
   */
  private static boolean identified(LogEntry entry) {
    if (entry.hasBatch()) {
      return entry.getBatch().getEntriesList().stream().allMatch(LogEntry::hasRequestId);
    }
    return entry.hasRequestId();
  }

  private boolean leaderReady() {
    try {
      DivisionInfo info = server.getDivision(groupId).getInfo();
      return info.isLeader() && info.isLeaderReady();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Hands {@code message} to this member's own Raft server, saving the loopback RPC (about 2.5 ms
   * of a lone write on a loaded 2-core machine) that the Raft client would make to reach it.
   */
  private CompletableFuture<RaftClientReply> submitLocal(
      Message message, RaftClientRequest.Type type, long callId) {
    RaftClientRequest request = request(selfId, message, type, callId);
    CompletableFuture<RaftClientReply> submitted;
    try {
      submitted = server.submitClientRequestAsync(request);
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return handOff(submitted);
  }

  /**
   * {@code reply} completed on this member's reply threads. Ratis completes a local submission on
   * its own threads, some holding the server's lock (a step-down fails pending requests under it):
   * what follows, which may submit again, must not run there.
   */
  private CompletableFuture<RaftClientReply> handOff(CompletableFuture<RaftClientReply> reply) {
    CompletableFuture<RaftClientReply> handedOff = new CompletableFuture<>();
    reply.whenCompleteAsync(
        (r, error) -> {
          if (error != null) {
            handedOff.completeExceptionally(error);
          } else {
            handedOff.complete(r);
          }
        },
        this::runReply);
    return handedOff;
  }

  private void runReply(Runnable task) {
    try {
      replies.execute(task);
    } catch (RejectedExecutionException closing) {
      task.run();
    }
  }

  private CompletableFuture<RaftClientReply> sendThroughClient(Message message) {
    RaftClient c = client.get();
    CompletableFuture<RaftClientReply> sent;
    try {
      sent = c.async().send(message);
    } catch (RuntimeException e) {
      // Refused before sending: definite.
      return CompletableFuture.failedFuture(RatisErrors.map(e, false));
    }
    // Watches Ratis's own outcome, which may come after our deadline.
    sent.whenComplete(
        (reply, error) -> {
          if (error != null && RatisErrors.closesOrderedWindow(error)) {
            renewClient(c);
          }
        });
    return sent;
  }

  /**
   * A linearizable read: a read-index round through the leader, then this replica. Concurrent reads
   * share rounds (see {@link ReadBarrier}).
   */
  public CompletableFuture<QueryResult> query(Query query) {
    return reads.await().thenApply(ignored -> stateMachine.queryLocal(query));
  }

  /** One read-index round: completes once this replica has applied up to the leader's commit. */
  private CompletableFuture<QueryResult> readIndexRound() {
    Message message = Message.valueOf(ReplicatedStateMachine.shaded(BARRIER_QUERY.toByteArray()));
    // A failure means no leader to ask yet, or not in the group: the Raft client waits and retries.
    CompletableFuture<RaftClientReply> sent =
        submitLocal(message, RaftClientRequest.readRequestType(), CallId.getAndIncrement())
            .handle(
                (reply, error) ->
                    error == null && reply.isSuccess()
                        ? CompletableFuture.completedFuture(reply)
                        : sendReadThroughClient(message))
            .thenCompose(f -> f);
    return decode(sent, QueryResult.parser(), false);
  }

  private CompletableFuture<RaftClientReply> sendReadThroughClient(Message message) {
    try {
      return client.get().async().sendReadOnlyUnordered(message, selfId);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(RatisErrors.map(e, false));
    }
  }

  /**
   * Waits for a reply up to the request deadline and decodes it; every failure becomes a typed
   * error, indeterminate for writes.
   */
  private <T> CompletableFuture<T> decode(
      CompletableFuture<RaftClientReply> sent, Parser<T> parser, boolean write) {
    return sent.copy()
        .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (reply, error) -> {
              if (error != null) {
                throw RatisErrors.map(error, write);
              }
              if (!reply.isSuccess()) {
                throw RatisErrors.map(reply.getException(), write);
              }
              try {
                return parser.parseFrom(reply.getMessage().getContent().asReadOnlyByteBuffer());
              } catch (InvalidProtocolBufferException e) {
                throw new ClusterDbException(
                    ErrorCode.INTERNAL, "undecodable reply", null, !write, e);
              }
            });
  }

  /**
   * A linearizable read answered by the leader's replica: for a member not yet added, whose own
   * replica holds nothing of the cluster's.
   */
  public CompletableFuture<QueryResult> queryLeader(Query query) {
    Message message = Message.valueOf(ReplicatedStateMachine.shaded(query.toByteArray()));
    CompletableFuture<RaftClientReply> sent;
    try {
      sent = client.get().async().sendReadOnly(message);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(RatisErrors.map(e, false));
    }
    return decode(sent, QueryResult.parser(), false);
  }

  /** Runs {@code reader} on this replica as it is now, without a round trip. */
  public <T> T readLocal(Function<StateReader, T> reader) {
    return stateMachine.read(reader);
  }

  /** Sets who hears the synchronisation-check markers this replica applies. */
  public void setSyncListener(SyncListener listener) {
    stateMachine.setSyncListener(listener);
  }

  /** Sets who hears this replica's commit, apply, leader and snapshot measurements. */
  public void setMetrics(RaftMetrics metrics) {
    stateMachine.setMetrics(metrics);
  }

  /**
   * Each follower's lag while this member leads: the entries it has committed that the follower has
   * not stored yet (its commit index less the follower's match index), by member id. Empty when it
   * does not lead.
   */
  public Map<String, Long> followerLag() {
    RaftServer.Division division;
    try {
      division = server.getDivision(groupId);
    } catch (IOException e) {
      return Map.of();
    }
    DivisionInfo info = division.getInfo();
    if (!info.isLeader()) {
      return Map.of();
    }
    List<RaftProtos.ServerRpcProto> followers =
        info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
    long[] matched = info.getFollowerMatchIndices();
    // Both list the leader's log appenders in one order, unless the membership changed between.
    if (matched == null || matched.length != followers.size()) {
      return Map.of();
    }
    long commit = division.getRaftLog().getLastCommittedIndex();
    Map<String, Long> lag = new HashMap<>();
    for (int i = 0; i < matched.length; i++) {
      lag.put(followers.get(i).getId().getId().toStringUtf8(), Math.max(0, commit - matched[i]));
    }
    return lag;
  }

  /** Registers a watch on this replica's changes. */
  public Watch watch(WatchRequest request, WatchListener listener) {
    return stateMachine.read(view -> hub.register(request, listener, view));
  }

  /** The term of the last entry this replica applied. */
  public long appliedTerm() {
    return stateMachine.getLastAppliedTermIndex().getTerm();
  }

  /** This member's Raft status. */
  public MemberStatus status() {
    String id = config.memberId();
    RaftServer.Division division;
    try {
      division = server.getDivision(groupId);
    } catch (IOException e) {
      return new MemberStatus(
          id, MemberStatus.Role.STOPPED, Optional.empty(), 0, -1, -1, -1, -1, 0);
    }
    DivisionInfo info = division.getInfo();
    MemberStatus.Role role = role(info.getCurrentRole());
    RaftPeerId leader = info.getLeaderId();
    long revision;
    try {
      revision = stateMachine.read(StateReader::revision);
    } catch (ClusterDbException e) {
      revision = -1;
    }
    return new MemberStatus(
        id,
        info.isAlive() ? role : MemberStatus.Role.STOPPED,
        Optional.ofNullable(leader).map(RaftPeerId::toString),
        info.getCurrentTerm(),
        division.getRaftLog().getLastCommittedIndex(),
        stateMachine.getLastAppliedTermIndex().getIndex(),
        stateMachine.latestSnapshotIndex(),
        revision,
        stateMachine.snapshotsInstalled());
  }

  /** The index of the first entry still in this member's log (higher after a purge). */
  public long logStartIndex() {
    try {
      return server.getDivision(groupId).getRaftLog().getStartIndex();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Runs on Ratis's state machine updater: the snapshot is taken there once this returns. */
  private void askForSnapshot() {
    try {
      snapshot()
          .whenComplete(
              (index, error) -> {
                if (error != null) {
                  LOG.warn(
                      "snapshot by log size failed member={} error={}",
                      config.memberId(),
                      error.toString());
                }
                stateMachine.snapshotAskSettled();
              });
    } catch (RuntimeException closing) {
      stateMachine.snapshotAskSettled();
    }
  }

  /** Takes a snapshot of this member's state now; returns its log index. */
  /**
   * Writes a consistent copy of this member's cluster tables into {@code target}, which must not
   * exist: a RocksDB checkpoint, so it holds the effects of a prefix of the log.
   */
  public void checkpointState(Path target) throws IOException {
    stateMachine.checkpointState(target);
  }

  public CompletableFuture<Long> snapshot() {
    return snapshotOn(config.memberId());
  }

  /** Asks member {@code memberId}'s server to take a snapshot now; completes with its index. */
  public CompletableFuture<Long> snapshotOn(String memberId) {
    RaftPeerId member = RaftPeerId.valueOf(memberId);
    long timeoutMs = config.requestTimeout().toMillis();
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            RaftClientReply reply = client.get().getSnapshotManagementApi(member).create(timeoutMs);
            if (!reply.isSuccess()) {
              throw RatisErrors.map(reply.getException(), false);
            }
            return reply.getLogIndex();
          } catch (IOException e) {
            throw RatisErrors.map(e, false);
          }
        },
        admin);
  }

  /**
   * Asks {@code peer} for its Raft state over its peer-to-peer port, waiting at most {@code
   * healthCheckInterval}; empty if it did not answer in time. Blocks the calling thread.
   */
  public Optional<PeerProbe> probe(PeerAddress peer) {
    RaftClient c =
        probeClients.computeIfAbsent(peer, p -> probeClient(config, groupId, p, tls.parameters()));
    long started = System.nanoTime();
    try {
      GroupInfoReply reply = c.getGroupManagementApi(RaftPeerId.valueOf(peer.id())).info(groupId);
      long roundTripMicros = (System.nanoTime() - started) / 1000;
      if (!reply.isSuccess()) {
        return Optional.empty();
      }
      RaftProtos.RoleInfoProto role = reply.getRoleInfoProto();
      Optional<String> leader =
          switch (role.getRole()) {
            case LEADER -> Optional.of(peer.id());
            case FOLLOWER, LISTENER ->
                role.getFollowerInfo().getLeaderInfo().hasId()
                    ? Optional.of(
                        role.getFollowerInfo().getLeaderInfo().getId().getId().toStringUtf8())
                    : Optional.empty();
            default -> Optional.empty();
          };
      RaftProtos.LogInfoProto log = reply.getLogInfoProto();
      // From the group: Ratis 3.2 leaves getConf() out of the reply on the wire.
      List<String> members = new ArrayList<>();
      reply.getGroup().getPeers().forEach(x -> members.add(x.getId().toString()));
      return Optional.of(
          new PeerProbe(
              role(role.getRole()),
              leader,
              log.hasCommitted() ? log.getCommitted().getIndex() : -1,
              log.hasApplied() ? log.getApplied().getIndex() : -1,
              members,
              roundTripMicros));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code peer} runs this member's group: empty if it did not answer, false when it runs
   * other groups only (its cluster has another name).
   */
  public Optional<Boolean> runsThisGroup(PeerAddress peer) {
    RaftClient c =
        probeClients.computeIfAbsent(peer, p -> probeClient(config, groupId, p, tls.parameters()));
    try {
      org.apache.ratis.protocol.GroupListReply reply =
          c.getGroupManagementApi(RaftPeerId.valueOf(peer.id())).list();
      return reply.isSuccess()
          ? Optional.of(reply.getGroupIds().contains(groupId))
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The peer ranked highest in {@code peers}, if one outranks the rest. */
  static Optional<String> primaryOf(Collection<RaftPeer> peers) {
    RaftPeer best = null;
    boolean tie = false;
    for (RaftPeer p : peers) {
      if (best == null || p.getPriority() > best.getPriority()) {
        best = p;
        tie = false;
      } else if (p.getPriority() == best.getPriority()) {
        tie = true;
      }
    }
    return best == null || tie || best.getPriority() <= 0
        ? Optional.empty()
        : Optional.of(best.getId().toString());
  }

  /**
   * The configuration primary as the cluster's current Raft configuration has it: the peer ranked
   * highest. Empty when no peer outranks the others ({@code ANY_LEADER}) or this member is not
   * running.
   */
  public Optional<String> clusterPrimary() {
    try {
      return primaryOf(server.getDivision(groupId).getRaftConf().getCurrentPeers());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The group's members as this replica knows them; empty before it has a configuration. */
  public Optional<Membership> membership() {
    RaftConfiguration conf;
    try {
      conf = server.getDivision(groupId).getRaftConf();
    } catch (IOException e) {
      return Optional.empty();
    }
    List<PeerAddress> voters = new ArrayList<>();
    for (RaftPeer p : conf.getCurrentPeers(RaftProtos.RaftPeerRole.FOLLOWER)) {
      voters.add(peerAddress(p));
    }
    List<PeerAddress> listeners = new ArrayList<>();
    for (RaftPeer p : conf.getCurrentPeers(RaftProtos.RaftPeerRole.LISTENER)) {
      listeners.add(peerAddress(p));
    }
    if (voters.isEmpty() && listeners.isEmpty()) {
      return Optional.empty();
    }
    voters.sort(java.util.Comparator.comparing(PeerAddress::id));
    listeners.sort(java.util.Comparator.comparing(PeerAddress::id));
    return Optional.of(
        new Membership(voters, listeners, conf.getPreviousPeers().isEmpty(), clusterPrimary()));
  }

  /**
   * Makes {@code peerId} the configuration primary: a Raft configuration change that ranks it above
   * the others, committed by a majority. The current leader then hands leadership to it once it is
   * caught up. Works while the old primary is down, as long as a majority is up.
   */
  public CompletableFuture<Void> setPrimary(String peerId) {
    return changeMembership(
        m -> new Membership(m.voters(), m.listeners(), true, Optional.of(peerId)));
  }

  /**
   * Changes the group's members: a Raft configuration change proposed through the leader and
   * committed by a majority of the old and the new voters. Ratis first brings new members up to
   * date (without counting them), so writes go on meanwhile. {@code change} maps the members now to
   * the members wanted; its primary is ranked above the others under {@code PRIMARY_ONLY}.
   */
  public CompletableFuture<Void> changeMembership(
      java.util.function.UnaryOperator<Membership> change) {
    return changeMembership(change, Optional.empty());
  }

  /**
   * Moves member {@code moved.id()} to {@code moved}, its new address, in the group's
   * configuration, keeping its role: a configuration change as {@link #changeMembership}. Ratis
   * takes a configuration that differs only in an address for no change at all, so this member (the
   * leader, which a higher priority leaves in place) is ranked one higher in a first change that
   * carries the address, and back in a second. A running peer keeps dialling the member at the
   * address it first connected to until it restarts (Ratis keeps one connection per id).
   */
  public CompletableFuture<Void> readdress(PeerAddress moved) {
    java.util.function.UnaryOperator<PeerAddress> at = p -> p.id().equals(moved.id()) ? moved : p;
    java.util.function.UnaryOperator<Membership> change =
        m ->
            new Membership(
                m.voters().stream().map(at).toList(),
                m.listeners().stream().map(at).toList(),
                true,
                m.primaryId());
    return changeMembership(change, Optional.of(config.memberId()))
        .thenCompose(v -> changeMembership(m -> m, Optional.empty()));
  }

  /** {@code raised}: a member ranked one above what it would be, so that Ratis sees a change. */
  private CompletableFuture<Void> changeMembership(
      java.util.function.UnaryOperator<Membership> change, Optional<String> raised) {
    long timeoutMs = config.requestTimeout().toMillis();
    CompletableFuture<Void> done =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                Membership now =
                    membership()
                        .orElseThrow(
                            () ->
                                new ClusterDbException(
                                    ErrorCode.NO_LEADER, "this member is not in a group yet"));
                Membership wanted = change.apply(now);
                Optional<String> primary =
                    config.writePolicy() == WritePolicy.PRIMARY_ONLY
                        ? wanted.primaryId()
                        : Optional.empty();
                List<RaftPeer> voters = new ArrayList<>();
                for (PeerAddress p : wanted.voters()) {
                  int rank = primary.map(p.id()::equals).orElse(false) ? 1 : 0;
                  voters.add(
                      raftPeer(p, rank + (raised.map(p.id()::equals).orElse(false) ? 1 : 0)));
                }
                List<RaftPeer> listeners = new ArrayList<>();
                for (PeerAddress p : wanted.listeners()) {
                  listeners.add(raftPeer(p, 0));
                }
                RaftClientReply reply =
                    client
                        .get()
                        .admin()
                        .setConfiguration(
                            SetConfigurationRequest.Arguments.newBuilder()
                                .setServersInNewConf(voters)
                                .setListenersInNewConf(listeners)
                                .setMode(SetConfigurationRequest.Mode.SET_UNCONDITIONALLY)
                                .build());
                if (!reply.isSuccess()) {
                  throw RatisErrors.map(reply.getException(), true);
                }
                LOG.info(
                    "group membership changed member={} voters={} listeners={} primary={}"
                        + " index={}",
                    config.memberId(),
                    wanted.voters(),
                    wanted.listeners(),
                    primary.orElse("none"),
                    reply.getLogIndex());
                return (Void) null;
              } catch (IOException e) {
                throw RatisErrors.map(e, true);
              }
            },
            admin);
    return done.orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
        .exceptionally(
            e -> {
              throw RatisErrors.map(e, true);
            });
  }

  /** Whether this member leads its group now. */
  public boolean isLeader() {
    try {
      return server.getDivision(groupId).getInfo().isLeader();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The term this member leads in, once it is ready to lead (it applied an entry of its own term,
   * so its state holds everything committed before it); empty otherwise.
   */
  public java.util.OptionalLong readyLeaderTerm() {
    try {
      DivisionInfo info = server.getDivision(groupId).getInfo();
      return info.isLeader() && info.isLeaderReady()
          ? java.util.OptionalLong.of(info.getCurrentTerm())
          : java.util.OptionalLong.empty();
    } catch (IOException e) {
      return java.util.OptionalLong.empty();
    }
  }

  /** When this member last asked to hand the lead to the primary, by System.nanoTime. */
  private final java.util.concurrent.atomic.AtomicLong yieldAskedAt =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);

  /**
   * Under {@code PRIMARY_ONLY}, a ready leader that is not the primary hands the lead to it once it
   * answers and is nearly caught up. Ratis yields to a higher priority by itself only when it finds
   * the primary's log level with its own at an idle moment, which traffic exempt from the policy
   * (lease keep-alives, peer-owned rows) can put off for as long as it lasts; a transfer waits for
   * the primary to catch up instead. At most one attempt per two election timeouts.
   */
  public void yieldToPrimary() {
    if (config.writePolicy() != WritePolicy.PRIMARY_ONLY || readyLeaderTerm().isEmpty()) {
      return;
    }
    RaftServer.Division division;
    try {
      division = server.getDivision(groupId);
    } catch (IOException e) {
      return;
    }
    Optional<String> primary = primaryOf(division.getRaftConf().getCurrentPeers());
    if (primary.isEmpty() || primary.get().equals(config.memberId())) {
      return;
    }
    Long lag = followerLag().get(primary.get());
    boolean answering =
        division.getInfo().getRoleInfoProto().getLeaderInfo().getFollowerInfoList().stream()
            .anyMatch(
                f ->
                    f.getId().getId().toStringUtf8().equals(primary.get())
                        && f.getLastRpcElapsedTimeMs() <= config.electionTimeoutMin().toMillis());
    if (lag == null || lag > YIELD_MAX_LAG || !answering) {
      return;
    }
    long now = System.nanoTime();
    long last = yieldAskedAt.get();
    if (now - last < 2 * config.electionTimeoutMax().toNanos()
        || !yieldAskedAt.compareAndSet(last, now)) {
      return;
    }
    LOG.info(
        "handing the lead to the configuration primary member={} primary={} lag={}",
        config.memberId(),
        primary.get(),
        lag);
    admin.execute(
        () -> {
          try {
            RaftClientReply reply =
                client
                    .get()
                    .admin()
                    .transferLeadership(
                        RaftPeerId.valueOf(primary.get()),
                        RaftPeerId.valueOf(config.memberId()),
                        config.electionTimeoutMax().toMillis());
            if (!reply.isSuccess()) {
              LOG.info(
                  "lead not handed over member={} primary={} reason={}",
                  config.memberId(),
                  primary.get(),
                  String.valueOf(reply.getException()));
            }
          } catch (IOException | RuntimeException e) {
            LOG.info(
                "lead not handed over member={} primary={} reason={}",
                config.memberId(),
                primary.get(),
                e.toString());
          }
        });
  }

  /** The primary's lag below which a transfer to it is asked: it then catches up within it. */
  private static final long YIELD_MAX_LAG = 64;

  /** This member's clock of leases, fed by what it applies. */
  public Lessor lessor() {
    return stateMachine.lessor();
  }

  /** Sets who decides the join requests this member receives while it leads. */
  public void setJoinGate(JoinGate gate) {
    stateMachine.setJoinGate(gate);
  }

  /** This member's own view of replication, as of now. */
  public Replication replication() {
    RaftServer.Division division;
    try {
      division = server.getDivision(groupId);
    } catch (IOException e) {
      return new Replication(MemberStatus.Role.STOPPED, Optional.empty(), Map.of());
    }
    RaftProtos.RoleInfoProto info = division.getInfo().getRoleInfoProto();
    Map<String, Long> contact = new HashMap<>();
    Optional<String> leader = Optional.empty();
    switch (info.getRole()) {
      case LEADER -> {
        leader = Optional.of(config.memberId());
        for (RaftProtos.ServerRpcProto f : info.getLeaderInfo().getFollowerInfoList()) {
          contact.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs());
        }
      }
      case FOLLOWER, LISTENER -> {
        RaftProtos.ServerRpcProto l = info.getFollowerInfo().getLeaderInfo();
        if (l.hasId() && !l.getId().getId().isEmpty()) {
          leader = Optional.of(l.getId().getId().toStringUtf8());
          contact.put(leader.get(), l.getLastRpcElapsedTimeMs());
        }
      }
      default -> {}
    }
    return new Replication(
        division.getInfo().isAlive() ? role(info.getRole()) : MemberStatus.Role.STOPPED,
        leader,
        contact);
  }

  private static MemberStatus.Role role(RaftProtos.RaftPeerRole role) {
    return switch (role) {
      case LEADER -> MemberStatus.Role.LEADER;
      case FOLLOWER -> MemberStatus.Role.FOLLOWER;
      case CANDIDATE -> MemberStatus.Role.CANDIDATE;
      case LISTENER -> MemberStatus.Role.LISTENER;
      default -> MemberStatus.Role.STOPPED;
    };
  }

  @Override
  public void close() {
    closing = true;
    admin.shutdownNow();
    probeClients.values().forEach(this::closeQuietly);
    closeQuietly(client.get());
    try {
      server.close();
    } catch (IOException e) {
      LOG.warn("raft server close failed member={} error={}", config.memberId(), e.toString());
    }
    // After the server: closing it fails its pending requests, whose replies run here. Retries
    // already scheduled still run, and find the member closing.
    forwardTimer.shutdown();
    replies.shutdown();
    detach(mapping);
    LOG.info("raft member stopped member={}", config.memberId());
  }
}
