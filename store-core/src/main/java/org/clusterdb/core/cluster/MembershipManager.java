package org.clusterdb.core.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.core.audit.AuditContexts;
import org.clusterdb.core.audit.Origin;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.config.WritePolicy;
import org.clusterdb.core.fsm.TableNames;
import org.clusterdb.core.ratis.Membership;
import org.clusterdb.core.ratis.PeerProbe;
import org.clusterdb.core.ratis.RaftNode;
import org.clusterdb.core.util.DaemonThreads;
import org.clusterdb.proto.log.v1.Failure;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.JoinRequest;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Query;
import org.clusterdb.proto.log.v1.QueryResult;
import org.clusterdb.proto.log.v1.RefuseJoin;
import org.clusterdb.proto.log.v1.SetClusterSettings;
import org.clusterdb.proto.log.v1.StoredValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Raft group's members equal to the peer list of the cluster's clustering settings.
 *
 * <p>On the primary, while it leads: writes its own settings as the cluster's when they differ;
 * adds each listed peer that asked to join, passed admission and answers at its configured address
 * (Ratis catches it up before it votes); removes members no longer listed. On a peer outside the
 * group: asks the leader to let it join, and raises the alarm of the check it failed. On every
 * peer: raises the conflict and restart-required alarms from its own, the cluster's and its started
 * settings. Runs on its own thread, once per health check.
 */
public final class MembershipManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipManager.class);

  private static final Set<AlarmDefinition> JOIN_ALARMS =
      EnumSet.of(
          AlarmDefinition.REPLICATION_MISSING_CONFIGURATION,
          AlarmDefinition.JOIN_VERSION,
          AlarmDefinition.JOIN_PLATFORM,
          AlarmDefinition.JOIN_OPTION_KEYS,
          AlarmDefinition.JOIN_ROUND_TRIP,
          AlarmDefinition.JOIN_ADDRESS,
          AlarmDefinition.JOIN_CLUSTER_FULL);

  private final ClusterDbConfig config;
  private final RaftNode node;
  private final ClusteringStore settings;
  private final AlarmRegistry alarms;
  private final AdmissionPolicy policy;
  private final ScheduledExecutorService ticker;

  /** Ticker thread only: the settings a join request was last accepted with, and when. */
  private ClusteringSettings acceptedWith;

  private long acceptedAtMillis;

  /** Ticker thread only: since when (nanoTime) the named and ranked primaries differ; -1 if not. */
  private long primaryDifferSince = -1;

  /** Ticker thread only: why the last join request went undecided, if it did. */
  private ErrorCode undecidedFor;

  /** Ticker thread only: admitted peers not answering, since when (nanoTime). */
  private final java.util.Map<PeerAddress, Long> unanswered = new java.util.HashMap<>();

  /** Ticker thread only: the reason the last join request was refused, if it was. */
  private Optional<AdmissionPolicy.Reason> refusedFor = Optional.empty();

  private MembershipManager(
      ClusterDbConfig config,
      RaftNode node,
      ClusteringStore settings,
      AlarmRegistry alarms,
      AdmissionPolicy policy) {
    this.config = config;
    this.node = node;
    this.settings = settings;
    this.alarms = alarms;
    this.policy = policy;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("clusterdb-membership-" + config.memberId()));
  }

  /** Starts keeping the membership, and decides join requests while this member leads. */
  public static MembershipManager start(
      ClusterDbConfig config, RaftNode node, ClusteringStore settings, AlarmRegistry alarms) {
    MembershipManager m =
        new MembershipManager(config, node, settings, alarms, AdmissionPolicy.of(config));
    node.setJoinGate(m::admit);
    long every = config.healthCheckInterval().toMillis();
    m.ticker.scheduleWithFixedDelay(m::round, 0, every, TimeUnit.MILLISECONDS);
    return m;
  }

  /** The cluster's clustering settings as this replica has them; empty before the primary wrote. */
  public Optional<ClusteringSettings> clusterSettings() {
    return readCluster(TableNames.SETTINGS_KEY)
        .map(
            v -> {
              try {
                return SettingsCodec.decode(
                    org.clusterdb.proto.log.v1.ClusteringSettings.parseFrom(v.getValue()));
              } catch (InvalidProtocolBufferException e) {
                throw new ClusterDbException(
                    ErrorCode.INTERNAL, "the cluster's clustering settings are unreadable");
              }
            });
  }

  /** The join request of {@code memberId} the cluster accepted last, if any. */
  Optional<JoinRequest> joinRequest(String memberId) {
    return readCluster(TableNames.JOIN_PREFIX + memberId)
        .map(
            v -> {
              try {
                return JoinRequest.parseFrom(v.getValue());
              } catch (InvalidProtocolBufferException e) {
                return null;
              }
            });
  }

  /** Empty also while this member holds no replica: removed from the group, or closing. */
  private Optional<StoredValue> readCluster(String key) {
    try {
      return node.readLocal(
          view ->
              view.table(TableNames.CLUSTER).isEmpty()
                  ? Optional.<StoredValue>empty()
                  : view.get(TableNames.CLUSTER, key.getBytes(StandardCharsets.UTF_8)));
    } catch (ClusterDbException e) {
      return Optional.empty();
    }
  }

  /** Runs on the leader before a join request is appended. */
  private Optional<Failure> admit(JoinRequest request) {
    List<String> members = node.membership().map(Membership::ids).orElse(List.of());
    Optional<AdmissionPolicy.Refusal> refusal = policy.check(request, clusterSettings(), members);
    refusal.ifPresent(
        r ->
            LOG.warn(
                "join refused member={} peer={} reason={} detail=\"{}\"",
                config.memberId(),
                request.getMemberId(),
                r.reason(),
                r.message()));
    return refusal.map(
        r ->
            Failure.newBuilder()
                .setCode(ErrorCode.JOIN_REFUSED.number())
                .setField(r.field())
                .setMessage(r.reason().name() + ": " + r.message())
                .build());
  }

  private void round() {
    try {
      clusterSettings().ifPresent(settings::rememberCluster);
      Optional<Membership> m = node.membership();
      boolean member = m.map(x -> x.ids().contains(config.memberId())).orElse(false);
      if (member) {
        // Each step waits for its change to commit; the next one starts from the new membership.
        for (int step = 0; step < 4 && m.isPresent() && node.isLeader(); step++) {
          if (!leadsAsPrimary(m.get()) || !reconcile(m.get())) {
            break;
          }
          m = node.membership();
        }
      } else {
        join();
      }
      if (member) {
        JOIN_ALARMS.forEach(alarms::lower);
        refusedFor = Optional.empty();
      }
      settingsAlarms(member);
    } catch (RuntimeException e) {
      LOG.warn("membership round failed member={} error={}", config.memberId(), e.toString());
    }
  }

  private boolean leadsAsPrimary(Membership m) {
    return config.writePolicy() == WritePolicy.ANY_LEADER
        || m.primaryId().map(config.memberId()::equals).orElse(false);
  }

  /** One step towards the wanted membership; whether it changed anything. */
  private boolean reconcile(Membership m) {
    ClusteringSettings own = settings.own();
    Optional<ClusteringSettings> cluster = clusterSettings();
    boolean ownIsPrimary =
        own.primaryPeer().map(p -> p.id().equals(config.memberId())).orElse(false);
    if (ownIsPrimary && own.problems().isEmpty() && !cluster.equals(Optional.of(own))) {
      LOG.info(
          "writing the cluster's clustering settings member={} settings={}",
          config.memberId(),
          own);
      propose(
          LogEntry.newBuilder()
              .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
              .setSetClusterSettings(
                  SetClusterSettings.newBuilder().setSettings(SettingsCodec.encode(own)))
              // Audited as the admin who saved them here; else (saved before a restart, or the
              // configuration file's) as clusterdb itself.
              .setAudit(
                  settings
                      .savedBy()
                      .orElseGet(
                          () ->
                              AuditContexts.of(
                                  Origin.SYSTEM, config.memberId(), System.currentTimeMillis())))
              .build());
      return true;
    }
    if (cluster.isEmpty()) {
      return false;
    }
    List<PeerAddress> wanted = cluster.get().peers();
    List<String> wantedIds = wanted.stream().map(PeerAddress::id).toList();
    List<PeerAddress> gone = new ArrayList<>();
    for (PeerAddress p : m.all()) {
      if (!wantedIds.contains(p.id()) && !p.id().equals(config.memberId())) {
        gone.add(p);
      }
    }
    if (!gone.isEmpty()) {
      LOG.info("removing peers no longer listed member={} removed={}", config.memberId(), gone);
      return change(without(m.voters(), gone), without(m.listeners(), gone), m.primaryId());
    }
    for (PeerAddress p : wanted) {
      Optional<PeerAddress> now = m.all().stream().filter(x -> x.id().equals(p.id())).findFirst();
      if (now.isPresent() && !now.get().equals(p) && answersAt(p)) {
        // A member keeps its place (and its vote) while it moves: removed, a restarted peer that
        // never heard of its removal would campaign, and Ratis shuts a refused candidate down.
        LOG.info(
            "moving peer to its new address member={} peer={} from={} to={}",
            config.memberId(),
            p.id(),
            now.get().address(),
            p.address());
        // Two configuration changes: twice the time of one.
        return await(node.readdress(p), 4);
      }
    }
    List<PeerAddress> adding = new ArrayList<>();
    for (PeerAddress p : wanted) {
      if (m.ids().contains(p.id()) || !admitted(p, cluster.get())) {
        continue;
      }
      Optional<PeerProbe> probe = node.probe(p);
      if (probe.isEmpty()) {
        long now = System.nanoTime();
        Long since = unanswered.putIfAbsent(p, now);
        if (since == null) {
          LOG.info(
              "admitted peer does not answer at its configured address member={} peer={}",
              config.memberId(),
              p);
        } else if (now - since >= config.peerFailureTimeout().toNanos()) {
          // It reached us, we cannot reach it: an address translated on the way, or a firewall.
          unanswered.remove(p);
          LOG.warn(
              "join refused member={} peer={} reason=ADDRESS detail=\"no answer at {} for {}\"",
              config.memberId(),
              p.id(),
              p.address(),
              config.peerFailureTimeout());
          propose(
              LogEntry.newBuilder()
                  .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
                  .setRefuseJoin(
                      RefuseJoin.newBuilder()
                          .setMemberId(p.id())
                          .setField("address")
                          .setMessage(
                              "ADDRESS: the primary cannot reach this peer at its configured"
                                  + " address "
                                  + p.address()
                                  + "; NAT between peers is not supported"))
                  .build());
          return true;
        }
        continue;
      }
      unanswered.remove(p);
      adding.add(p);
    }
    if (!adding.isEmpty()) {
      // Ratis stages a new voter: it gets the log without counting towards the majority until it
      // has caught up, so writes go on. One at a time: Ratis refuses a change that adds a
      // majority. Not as a Ratis listener first: a listener promoted to voter is never marked
      // caught up in Ratis 3.2, and linearizable reads on it hang.
      PeerAddress p = adding.get(0);
      LOG.info("adding peer member={} added={}", config.memberId(), p);
      List<PeerAddress> voters = new ArrayList<>(m.voters());
      voters.add(p);
      return change(voters, without(m.listeners(), List.of(p)), m.primaryId());
    }
    return false;
  }

  /** Whether {@code p} answers at its address; this member always does. Says once if not. */
  private boolean answersAt(PeerAddress p) {
    if (p.id().equals(config.memberId()) || node.probe(p).isPresent()) {
      unanswered.remove(p);
      return true;
    }
    if (unanswered.putIfAbsent(p, System.nanoTime()) == null) {
      LOG.info(
          "member does not answer at its new address yet member={} peer={}", config.memberId(), p);
    }
    return false;
  }

  /** Whether {@code p} asked to join with the cluster's current settings, and is not refused. */
  private boolean admitted(PeerAddress p, ClusteringSettings cluster) {
    Optional<JoinRequest> r = joinRequest(p.id());
    return r.isPresent()
        && readCluster(TableNames.REFUSED_PREFIX + p.id()).isEmpty()
        && r.get().getHost().equals(p.host())
        && r.get().getPort() == p.port()
        && SettingsCodec.decode(r.get().getSettings()).conflicts(cluster).isEmpty();
  }

  private void join() {
    ClusteringSettings own = settings.own();
    Optional<PeerAddress> primary = own.primaryPeer();
    int index = own.indexOf(config.memberId());
    if (primary.isEmpty() || index == 0 || primary.get().id().equals(config.memberId())) {
      return;
    }
    long now = System.currentTimeMillis();
    if (own.equals(acceptedWith)
        && now - acceptedAtMillis < config.peerFailureTimeout().toMillis() * 6) {
      checkRefused();
      return;
    }
    Optional<Long> roundTrip = roundTripMicros(primary.get());
    if (roundTrip.isEmpty()) {
      // The group's id comes from the cluster's name: a primary running another group answers
      // nothing for ours, so ask what it runs.
      if (node.runsThisGroup(primary.get()).map(runs -> !runs).orElse(false)) {
        if (refusedFor.map(r -> r != AdmissionPolicy.Reason.CONFLICT).orElse(true)) {
          LOG.warn(
              "join refused member={} reason=CONFLICT detail=\"the primary runs no cluster named"
                  + " {}\"",
              config.memberId(),
              own.name());
        }
        refusedFor = Optional.of(AdmissionPolicy.Reason.CONFLICT);
      }
      return;
    }
    PeerAddress self = own.peers().get(index - 1);
    JoinRequest request =
        JoinRequest.newBuilder()
            .setMemberId(config.memberId())
            .setHost(self.host())
            .setPort(self.port())
            .setVersion(config.softwareVersion())
            .setPlatform(config.platform())
            .addAllOptionKeys(config.optionKeys())
            .setSettings(SettingsCodec.encode(own))
            .setRoundTripMicros(roundTrip.get())
            .build();
    try {
      propose(
          LogEntry.newBuilder()
              .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
              .setJoinRequest(request)
              .build());
      LOG.info(
          "join request accepted member={} primary={} roundtripmicros={}",
          config.memberId(),
          primary.get(),
          roundTrip.get());
      acceptedWith = own;
      acceptedAtMillis = now;
      undecidedFor = null;
      // An address refusal stands until the peer is added or refused for something else.
      for (AlarmDefinition a : JOIN_ALARMS) {
        if (a != AlarmDefinition.JOIN_ADDRESS) {
          alarms.lower(a);
        }
      }
      if (refusedFor.map(r -> r != AdmissionPolicy.Reason.ADDRESS).orElse(true)) {
        refusedFor = Optional.empty();
      }
    } catch (ClusterDbException e) {
      if (e.code() != ErrorCode.JOIN_REFUSED) {
        // Every health check while the primary is away: say it once per cause.
        if (!e.code().equals(undecidedFor)) {
          LOG.info(
              "join request not decided, will retry member={} error={}",
              config.memberId(),
              e.getMessage());
        }
        undecidedFor = e.code();
        return;
      }
      undecidedFor = null;
      AdmissionPolicy.Reason reason = AdmissionPolicy.Reason.ofField(e.field().orElse(""));
      if (refusedFor.map(r -> r != reason).orElse(true)) {
        LOG.warn(
            "join refused member={} reason={} detail=\"{}\"",
            config.memberId(),
            reason,
            e.getMessage());
      }
      refusedFor = Optional.of(reason);
      for (AlarmDefinition a : JOIN_ALARMS) {
        if (a != reason.alarm()) {
          alarms.lower(a);
        }
      }
      if (reason.alarm() != AlarmDefinition.REPLICATION_CONFLICT) {
        alarms.raise(reason.alarm());
      }
    }
  }

  /** Whether the primary refused this admitted peer since: asked of the leader's replica. */
  private void checkRefused() {
    Query query =
        Query.newBuilder()
            .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
            .setRange(
                org.clusterdb.proto.log.v1.Range.newBuilder()
                    .setTable(TableNames.CLUSTER)
                    .setKey(
                        com.google.protobuf.ByteString.copyFromUtf8(
                            TableNames.REFUSED_PREFIX + config.memberId())))
            .build();
    QueryResult r;
    try {
      r = node.queryLeader(query).get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return;
    }
    if (!r.hasRange() || r.getRange().getKvsCount() == 0) {
      return;
    }
    RefuseJoin refusal;
    try {
      refusal = RefuseJoin.parseFrom(r.getRange().getKvs(0).getValue());
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    AdmissionPolicy.Reason reason = AdmissionPolicy.Reason.ofField(refusal.getField());
    if (refusedFor.map(x -> x != reason).orElse(true)) {
      LOG.warn(
          "join refused member={} reason={} detail=\"{}\"",
          config.memberId(),
          reason,
          refusal.getMessage());
    }
    refusedFor = Optional.of(reason);
    alarms.raise(reason.alarm());
  }

  /** The quickest of a few probes: a queue or a GC pause on one is no measure of the link. */
  private Optional<Long> roundTripMicros(PeerAddress primary) {
    Optional<Long> best = Optional.empty();
    for (int i = 0; i < 3; i++) {
      Optional<PeerProbe> p = node.probe(primary);
      if (p.isPresent() && (best.isEmpty() || p.get().roundTripMicros() < best.get())) {
        best = Optional.of(p.get().roundTripMicros());
      }
    }
    return best;
  }

  /**
   * Conflict: this peer's settings differ from the cluster's (or its join was refused for it).
   * Restart required: its settings differ from those it started with in a way only a restart
   * applies.
   */
  private void settingsAlarms(boolean member) {
    ClusteringSettings own = settings.own();
    boolean conflict;
    if (member) {
      conflict = clusterSettings().map(c -> !c.conflicts(own).isEmpty()).orElse(false);
    } else {
      conflict = refusedFor.map(r -> r == AdmissionPolicy.Reason.CONFLICT).orElse(false);
    }
    if (conflict) {
      alarms.raise(AlarmDefinition.REPLICATION_CONFLICT);
    } else {
      alarms.lower(AlarmDefinition.REPLICATION_CONFLICT);
    }
    if (!own.problems().isEmpty() || !own.inconsistencies().isEmpty()) {
      alarms.raise(AlarmDefinition.INVALID_CLUSTERING_CONFIGURATION);
    } else {
      alarms.lower(AlarmDefinition.INVALID_CLUSTERING_CONFIGURATION);
    }
    primaryIdAlarm(member);
    if (own.peers().isEmpty()) {
      alarms.raise(AlarmDefinition.FACTORY_RESET_PENDING);
    } else {
      alarms.lower(AlarmDefinition.FACTORY_RESET_PENDING);
    }
    if (restartRequired(own, settings.started(), config.memberId())) {
      alarms.raise(AlarmDefinition.RESTART_REQUIRED);
    } else {
      alarms.lower(AlarmDefinition.RESTART_REQUIRED);
    }
  }

  /**
   * The cluster's settings name one primary, the Raft configuration ranks another: normal for the
   * moment a change of primary takes, an error when it lasts past the failure timeout.
   */
  private void primaryIdAlarm(boolean member) {
    Optional<String> ranked = node.clusterPrimary();
    Optional<String> named =
        member
            ? clusterSettings().flatMap(ClusteringSettings::primaryPeer).map(PeerAddress::id)
            : Optional.empty();
    boolean differ = ranked.isPresent() && named.isPresent() && !ranked.equals(named);
    long now = System.nanoTime();
    if (!differ) {
      primaryDifferSince = -1;
      alarms.lower(AlarmDefinition.REPLICATION_PRIMARY_ID);
      return;
    }
    if (primaryDifferSince < 0) {
      primaryDifferSince = now;
    }
    if (now - primaryDifferSince >= config.peerFailureTimeout().toNanos()) {
      alarms.raise(AlarmDefinition.REPLICATION_PRIMARY_ID);
    }
  }

  /**
   * Whether {@code own} differs from {@code started} in what only a restart applies: the name, TLS
   * mode, IP version, or the peer list, except that the primary of a formed cluster adds and
   * removes peers live.
   */
  static boolean restartRequired(
      ClusteringSettings own, ClusteringSettings started, String memberId) {
    if (!own.name().equals(started.name())
        || own.tlsMode() != started.tlsMode()
        || own.ipVersion() != started.ipVersion()) {
      return true;
    }
    if (own.peers().equals(started.peers())) {
      return false;
    }
    if (own.peers().isEmpty()) {
      // Leaving clustering: the factory reset runs at the restart.
      return true;
    }
    boolean primaryBoth =
        own.primaryPeer().map(p -> p.id().equals(memberId)).orElse(false)
            && started.primaryPeer().map(p -> p.id().equals(memberId)).orElse(false);
    return !primaryBoth;
  }

  private void propose(LogEntry entry) {
    try {
      node.propose(entry).get(config.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterDbException(ErrorCode.UNAVAILABLE, "interrupted");
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw org.clusterdb.api.BlockingKeyValueStore.unwrap(e);
    }
  }

  private boolean change(
      List<PeerAddress> voters, List<PeerAddress> listeners, Optional<String> primary) {
    return await(node.changeMembership(m -> new Membership(voters, listeners, true, primary)), 2);
  }

  /** Whether {@code change} went through within {@code timeouts} request timeouts. */
  private boolean await(java.util.concurrent.CompletableFuture<Void> change, int timeouts) {
    try {
      change.get(config.requestTimeout().toMillis() * timeouts, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.warn(
          "membership change failed, will retry member={} error={}",
          config.memberId(),
          org.clusterdb.api.BlockingKeyValueStore.unwrap(e).getMessage());
      return false;
    }
  }

  private static List<PeerAddress> without(List<PeerAddress> from, List<PeerAddress> remove) {
    List<PeerAddress> out = new ArrayList<>(from);
    out.removeAll(remove);
    return out;
  }

  @Override
  public void close() {
    DaemonThreads.stop(ticker);
    // A mapping the primary saved since the last round must survive a restart: the next start
    // resolves this peer's own name through it before its replica is readable.
    try {
      clusterSettings().ifPresent(settings::rememberCluster);
    } catch (RuntimeException e) {
      LOG.warn(
          "cluster settings not remembered at stop member={} error={}",
          config.memberId(),
          e.toString());
    }
  }
}
