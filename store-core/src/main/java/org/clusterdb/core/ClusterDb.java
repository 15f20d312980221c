package org.clusterdb.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.clusterdb.api.Account;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.DeleteResult;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Header;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValueStore;
import org.clusterdb.api.Leases;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.api.PutResult;
import org.clusterdb.api.RangeResult;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.RequestId;
import org.clusterdb.api.Role;
import org.clusterdb.api.SharedUsage;
import org.clusterdb.api.Table;
import org.clusterdb.api.TableOptions;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.clusterdb.api.TxnResult;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.core.audit.AuditContexts;
import org.clusterdb.core.audit.Origin;
import org.clusterdb.core.auth.AccountStore;
import org.clusterdb.core.auth.PasswordHash;
import org.clusterdb.core.backup.BackupArchive;
import org.clusterdb.core.backup.Backups;
import org.clusterdb.core.cluster.AlarmDefinition;
import org.clusterdb.core.cluster.AlarmRegistry;
import org.clusterdb.core.cluster.ClusteringStore;
import org.clusterdb.core.cluster.FactoryReset;
import org.clusterdb.core.cluster.MembershipManager;
import org.clusterdb.core.cluster.PeerMonitor;
import org.clusterdb.core.cluster.SyncChecker;
import org.clusterdb.core.cluster.SystemKeyManager;
import org.clusterdb.core.codec.ApiCodec;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.config.WritePolicy;
import org.clusterdb.core.fsm.Applier;
import org.clusterdb.core.fsm.CommandValidator;
import org.clusterdb.core.fsm.HistoryPolicy;
import org.clusterdb.core.fsm.Reader;
import org.clusterdb.core.fsm.RequestLimits;
import org.clusterdb.core.fsm.StateReader;
import org.clusterdb.core.fsm.TableNames;
import org.clusterdb.core.local.PeerStore;
import org.clusterdb.core.metrics.MemberMetrics;
import org.clusterdb.core.metrics.Operation;
import org.clusterdb.core.ratis.RaftNode;
import org.clusterdb.core.security.CertificateCheck;
import org.clusterdb.core.security.CertificateStatus;
import org.clusterdb.core.security.PeerResolver;
import org.clusterdb.core.security.PeerTls;
import org.clusterdb.core.storage.DataDirs;
import org.clusterdb.core.storage.FileOps;
import org.clusterdb.core.util.DaemonThreads;
import org.clusterdb.core.watch.WatchHub;
import org.clusterdb.proto.log.v1.ApplyResult;
import org.clusterdb.proto.log.v1.CreateTable;
import org.clusterdb.proto.log.v1.DropTable;
import org.clusterdb.proto.log.v1.Failure;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.ListTables;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.Query;
import org.clusterdb.proto.log.v1.QueryResult;
import org.clusterdb.proto.log.v1.TableMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded clusterdb member: the entry point of the library.
 *
 * <p>{@link #start} opens this member's data directory and joins its Raft group; the cluster serves
 * requests once a majority of the configured peers have started and elected a leader. Cluster
 * tables are replicated through Raft and are linearizable; peer tables live only in this member's
 * local database. All operations are asynchronous and thread-safe; failures complete the future
 * with a {@link ClusterDbException} as the cause. {@link #close} stops the member; its data
 * directory stays consistent and a later {@link #start} resumes from it.
 */
public final class ClusterDb implements KeyValueStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterDb.class);

  private final ClusterDbConfig config;
  private final CommandValidator validator;
  private final ExecutorService watchExecutor;
  private final WatchHub clusterHub;
  private final WatchHub peerHub;
  private final PeerStore peerStore;
  private final RaftNode node;
  private final AlarmRegistry alarms;
  private final ClusteringStore settings;
  private final MembershipManager membership;
  private final SyncChecker sync;
  private final PeerMonitor monitor;
  private final AccountStore accounts;
  private final ScheduledExecutorService accountsTicker;
  private final SystemKeyManager keys;
  private final SensitiveValues values;
  private final PeerResolver resolver;
  private final Optional<ResyncCheck> resync;
  private final BlockingKeyValueStore blocking;
  private final Instant startedAt = Instant.now();
  private final MemberMetrics metrics;
  private final ClusterLeases leases;
  private final Object usageLock = new Object();
  private ClusterUsage usage;

  private ClusterDb(
      ClusterDbConfig config,
      CommandValidator validator,
      ExecutorService watchExecutor,
      WatchHub clusterHub,
      WatchHub peerHub,
      PeerStore peerStore,
      RaftNode node,
      AlarmRegistry alarms,
      ClusteringStore settings,
      MembershipManager membership,
      SyncChecker sync,
      PeerMonitor monitor,
      AccountStore accounts,
      SystemKeyManager keys,
      PeerResolver resolver,
      Optional<ResyncCheck> resync,
      MemberMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.validator = validator;
    this.watchExecutor = watchExecutor;
    this.clusterHub = clusterHub;
    this.peerHub = peerHub;
    this.peerStore = peerStore;
    this.node = node;
    this.alarms = alarms;
    this.settings = settings;
    this.membership = membership;
    this.sync = sync;
    this.monitor = monitor;
    this.accounts = accounts;
    this.accountsTicker =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("clusterdb-accounts-" + config.memberId()));
    accountsTicker.scheduleWithFixedDelay(this::syncAccounts, 0, 1, TimeUnit.SECONDS);
    this.keys = keys;
    this.values = new SensitiveValues(config.memberId(), this::tableMeta, keys::key);
    this.resolver = resolver;
    this.resync = resync;
    this.blocking = new BlockingKeyValueStore(this);
    this.leases = new ClusterLeases(config, node);
  }

  /** Leases: keys that live as long as their writer keeps them alive. See {@link Leases}. */
  public Leases leases() {
    return leases(new Stamp(null, Origin.LOCAL));
  }

  /**
   * {@link #leases()} for a remote caller: each command deduplicated under {@code id} (when not
   * null) and audited as {@code origin}'s.
   */
  public Leases leases(RequestId id, Origin origin) {
    return leases(new Stamp(id, Objects.requireNonNull(origin, "origin")));
  }

  /**
   * This member's row of shared runtime state (usage, admission against the cluster's capacity and
   * pooled licences). Its lease is granted on first use and revoked when the member closes.
   */
  public SharedUsage usage() {
    synchronized (usageLock) {
      if (usage == null) {
        usage =
            new ClusterUsage(
                this,
                config,
                e ->
                    apply(
                        TableScope.CLUSTER, e.toBuilder().setProposer(config.memberId()).build()));
      }
      return usage;
    }
  }

  /** Whether the cluster table {@code name} exists on this member's replica. */
  boolean tableExists(String name) {
    return clusterTableExists(name);
  }

  private Leases leases(Stamp stamp) {
    return leases.view(e -> apply(TableScope.CLUSTER, stamped(e, stamp)));
  }

  /**
   * Starts this member. Returns once its Raft server is up; use {@link #status()} to see whether a
   * leader is elected.
   *
   * @throws ClusterDbException {@link ErrorCode#INVALID_ARGUMENT} for an invalid config, {@link
   *     ErrorCode#UNAVAILABLE} if the data directory cannot be opened or the port is taken
   */
  public static ClusterDb start(ClusterDbConfig config) {
    return start(config, Metrics.globalRegistry);
  }

  /**
   * As {@link #start(ClusterDbConfig)}, recording this member's meters ({@code clusterdb.*}, tagged
   * {@code member=<id>}; docs/operations.md lists them) in {@code registry}. Without a registry
   * they go to Micrometer's global one ({@link Metrics#globalRegistry}), where they cost next to
   * nothing until a registry is added to it. {@link #close} removes them.
   */
  public static ClusterDb start(ClusterDbConfig config, MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    config.validate();
    LOG.info("starting clusterdb member={} config={}", config.memberId(), config);
    if (config.unsafeLocalReads()) {
      LOG.warn(
          "UNSAFE member={} linearizable reads are served from local state and may be stale:"
              + " a broken variant for fault-injection tests",
          config.memberId());
    }
    CommandValidator validator =
        new CommandValidator(
            new RequestLimits(
                config.maxKeyBytes(),
                config.maxValueBytes(),
                config.maxTxnOps(),
                config.maxRequestBytes()));
    HistoryPolicy history =
        new HistoryPolicy(config.watchHistoryRevisions(), config.watchHistoryBytes());
    // Cached, so that a listener blocking on a slow consumer delays only its own watch.
    ExecutorService watchExecutor =
        Executors.newCachedThreadPool(
            DaemonThreads.numbered("clusterdb-watch-" + config.memberId()));
    WatchHub clusterHub =
        new WatchHub("cluster-" + config.memberId(), watchExecutor, config.watchMaxPendingBytes());
    WatchHub peerHub =
        new WatchHub("peer-" + config.memberId(), watchExecutor, config.watchMaxPendingBytes());
    PeerStore peerStore = null;
    DataDirs.opened(config.dataDir());
    MemberMetrics metrics = null;
    try {
      Files.createDirectories(config.dataDir());
      peerStore =
          PeerStore.open(
              config.dataDir().resolve("peer"),
              new Applier(history, TableNames.PEER_AUDIT),
              peerHub,
              config.memberId());
      Backups.checkNoInterruptedRestore(config.dataDir());
      boolean reset = ClusteringStore.resetPending(peerStore);
      if (reset) {
        FactoryReset.run(config, peerStore);
      }
      ClusteringStore settings =
          ClusteringStore.open(
              peerStore,
              config,
              reset ? ClusteringStore.alone(config) : ClusteringStore.seed(config));
      AlarmRegistry alarms = AlarmRegistry.open(peerStore, Clock.systemUTC(), config.memberId());
      ClusterDbConfig effective = effectiveConfig(config, settings);
      leaveOwnCluster(effective, settings);
      PeerResolver resolver = new PeerResolver(config.memberId(), settings::mappingSource);
      RaftNode node =
          RaftNode.start(effective, new Applier(history), validator, clusterHub, resolver);
      metrics = new MemberMetrics(registry, config.memberId());
      metrics.bind(node, alarms, clusterHub, peerHub, effective.healthCheckInterval());
      SystemKeyManager keys = SystemKeyManager.start(effective, node, alarms);
      MembershipManager membership = MembershipManager.start(effective, node, settings, alarms);
      settings.followCluster(membership::clusterSettings);
      SyncChecker sync = SyncChecker.start(effective, node, alarms);
      PeerMonitor monitor =
          PeerMonitor.start(
              effective,
              node,
              alarms,
              settings,
              membership::clusterSettings,
              sync::verifiedIndex,
              resolver,
              keys::softwareVersions);
      return new ClusterDb(
          effective,
          validator,
          watchExecutor,
          clusterHub,
          peerHub,
          peerStore,
          node,
          alarms,
          settings,
          membership,
          sync,
          monitor,
          new AccountStore(node, peerStore, effective.memberId(), effective.dataDir(), keys::key),
          keys,
          resolver,
          ResyncCheck.start(effective.dataDir(), effective.memberId(), node, sync),
          metrics);
    } catch (IOException | RuntimeException e) {
      if (metrics != null) {
        metrics.close();
      }
      Optional<String> damage = DatabaseFailedException.damage(e);
      List<Alarm> alarmsNow = damage.isPresent() ? databaseFailed(config, peerStore) : List.of();
      Optional<ClusteringStore.Saved> saved =
          damage.isPresent() ? savedSettings(config, peerStore) : Optional.empty();
      if (peerStore != null) {
        peerStore.close();
      }
      watchExecutor.shutdownNow();
      DataDirs.closed(config.dataDir());
      if (damage.isPresent()) {
        LOG.error(
            "Detail=\"Database failure: the local database cannot be used; not serving\""
                + " Member=\"{}\" Damage=\"{}\"",
            config.memberId(),
            damage.get());
        throw new DatabaseFailedException(
            config.memberId(), damage.get(), peerStore == null, alarmsNow, saved, e);
      }
      if (e instanceof ClusterDbException c) {
        throw c;
      }
      throw new ClusterDbException(
          ErrorCode.UNAVAILABLE,
          "cannot start member " + config.memberId() + ": " + e.getMessage(),
          null,
          true,
          e);
    }
  }

  /** The clustering settings in the peer's own tables, when those could be opened. */
  private static Optional<ClusteringStore.Saved> savedSettings(
      ClusterDbConfig config, PeerStore peerStore) {
    if (peerStore == null) {
      return Optional.empty();
    }
    try {
      return ClusteringStore.saved(peerStore);
    } catch (RuntimeException e) {
      LOG.warn("settings not read member={} error={}", config.memberId(), e.toString());
      return Optional.empty();
    }
  }

  /**
   * Raises "Database failure" in the peer's registry when its own tables could be opened (so it is
   * still active at the next start, until one succeeds); else only in what is returned.
   */
  private static List<Alarm> databaseFailed(ClusterDbConfig config, PeerStore peerStore) {
    if (peerStore != null) {
      try {
        AlarmRegistry registry =
            AlarmRegistry.open(peerStore, Clock.systemUTC(), config.memberId());
        registry.raise(AlarmDefinition.DATABASE_FAILURE);
        return registry.list();
      } catch (RuntimeException e) {
        LOG.warn("alarm not recorded member={} error={}", config.memberId(), e.toString());
      }
    }
    AlarmDefinition d = AlarmDefinition.DATABASE_FAILURE;
    return List.of(
        new Alarm(
            d.id(),
            d.uuid(),
            d.severity(),
            d.detail(),
            Clock.systemUTC().instant(),
            Optional.empty()));
  }

  /** {@code config} with the clustering settings this peer starts with in place of the file's. */
  private static ClusterDbConfig effectiveConfig(ClusterDbConfig config, ClusteringStore settings) {
    ClusteringSettings s = settings.started();
    if (s.peers().isEmpty() || s.indexOf(config.memberId()) == 0) {
      throw new ClusterDbException(
          ErrorCode.INVALID_ARGUMENT,
          "this peer's clustering settings do not list it (member " + config.memberId() + "): " + s,
          "peers",
          true,
          null);
    }
    return config.toBuilder()
        .clusterName(s.name())
        .peers(s.peers())
        .primary(s.primary())
        .tlsMode(s.tlsMode())
        .ipVersion(s.ipVersion())
        .build();
  }

  /**
   * A peer that ran a cluster of its own and is now set to join another primary's cluster drops its
   * cluster state: the primary's replaces it, as a subordinate's configuration is replaced on the
   * appliance. Its peer tables stay.
   */
  private static void leaveOwnCluster(ClusterDbConfig config, ClusteringStore settings)
      throws IOException {
    Optional<ClusteringSettings> before = settings.previousStart();
    ClusteringSettings now = settings.started();
    boolean wasAlone =
        before.isPresent()
            && before.get().peers().size() == 1
            && before.get().indexOf(config.memberId()) == 1;
    boolean joinsOther =
        now.primaryPeer().map(p -> !p.id().equals(config.memberId())).orElse(false);
    if (wasAlone && joinsOther) {
      LOG.warn(
          "this peer's own cluster of one gives way to the primary's: dropping its cluster state"
              + " member={} primary={}",
          config.memberId(),
          now.primaryPeer().get());
      FileOps.deleteRecursively(config.dataDir().resolve("raft"));
      FileOps.deleteRecursively(config.dataDir().resolve("state"));
      // Its own cluster's key: the primary's cluster sends its own once this peer is added.
      SystemKeyManager.deleteKeyFile(config.dataDir());
    }
  }

  public ClusterDbConfig config() {
    return config;
  }

  /**
   * {@code host}'s IP address as this peer resolves its peers' hosts: through the cluster address
   * mapping while it is on, then DNS. For listening on a name only the mapping knows.
   *
   * @throws UnknownHostException if neither the mapping nor DNS knows {@code host}
   */
  public InetAddress resolve(String host) throws UnknownHostException {
    return resolver.resolve(host);
  }

  /**
   * The IP address this peer's Raft server listens on: its own peer host, resolved through the
   * address mapping, then DNS, at start. The address this peer reports of itself, from which the
   * admin's "suggest mappings" maps its FQDN ({@link ClusteringSettings#withSuggestedMappings}).
   */
  public String listenAddress() {
    return node.listenAddress();
  }

  /** The blocking view of this store. */
  public BlockingKeyValueStore blocking() {
    return blocking;
  }

  /**
   * A view of this store whose writes carry {@code id}, for servers relaying a remote client's
   * write: the cluster applies it at most once per id, so a retry (say, on another member after a
   * lost reply) gets the first outcome instead of applying twice. Reads and watches pass through.
   * The audit log names the caller {@link Origin#LOCAL}.
   */
  public KeyValueStore forRequest(RequestId id) {
    return forRequest(id, Origin.LOCAL);
  }

  /**
   * A view of this store whose writes the audit log attributes to {@code origin}. The store itself
   * attributes them to {@link Origin#LOCAL}. Reads and watches pass through.
   */
  public KeyValueStore as(Origin origin) {
    return view(new Stamp(null, Objects.requireNonNull(origin, "origin")));
  }

  /** As {@link #forRequest(RequestId)}, with writes attributed to {@code origin}. */
  public KeyValueStore forRequest(RequestId id, Origin origin) {
    Objects.requireNonNull(id, "id");
    return view(new Stamp(id, Objects.requireNonNull(origin, "origin")));
  }

  /** Who asked for a write: its request id, if any, and its origin. */
  private record Stamp(RequestId id, Origin origin) {}

  private static final Stamp LOCAL = new Stamp(null, Origin.LOCAL);

  private KeyValueStore view(Stamp stamp) {
    return new KeyValueStore() {
      @Override
      public CompletableFuture<Table> createTable(String name, TableOptions options) {
        return timed(Operation.CREATE_TABLE, () -> createTableNow(name, options, stamp));
      }

      @Override
      public CompletableFuture<Void> dropTable(String name) {
        return timed(Operation.DROP_TABLE, () -> dropTableNow(name, stamp));
      }

      @Override
      public CompletableFuture<List<Table>> listTables(Consistency consistency) {
        return ClusterDb.this.listTables(consistency);
      }

      @Override
      public CompletableFuture<PutResult> put(String table, Bytes key, Bytes value, long lease) {
        return timed(Operation.PUT, () -> putNow(table, key, value, lease, stamp));
      }

      @Override
      public CompletableFuture<RangeResult> range(
          String table, KeyRange range, ReadOptions options) {
        return ClusterDb.this.range(table, range, options);
      }

      @Override
      public CompletableFuture<DeleteResult> deleteRange(String table, KeyRange range) {
        return timed(Operation.DELETE_RANGE, () -> deleteRangeNow(table, range, stamp));
      }

      @Override
      public CompletableFuture<TxnResult> txn(Txn txn) {
        return timed(Operation.TXN, () -> txnNow(txn, stamp));
      }

      @Override
      public Watch watch(WatchRequest request, WatchListener listener) {
        return ClusterDb.this.watch(request, listener);
      }
    };
  }

  /**
   * This member's TLS identity (as its peers see it) and the CAs it trusts: a server presents it on
   * its client port too.
   */
  public PeerTls tlsIdentity() {
    return node.identity();
  }

  /** The latest check of the certificate a peer at {@code host} presented to this member. */
  Optional<CertificateCheck> certificateCheck(String host) {
    return node.certificateCheck(host);
  }

  /** This member's Raft and replica status. */
  public MemberStatus status() {
    return node.status().withStartedAt(startedAt);
  }

  /**
   * This peer's cluster database state as of its last health check: {@code
   * clusterStatus().database()} without checking every peer's certificate to build the rest.
   */
  public ClusterStatus.Database databaseState() {
    return monitor.status().database();
  }

  /**
   * The cluster as this peer sees it: the other peers' states, the database state and the alarms as
   * of its last health check (every {@code healthCheckInterval}); this peer's own commit and
   * applied indexes as of the call.
   */
  public ClusterStatus clusterStatus() {
    ClusterStatus s = monitor.status();
    // This peer's own indexes cost nothing to read: give them as of the call.
    MemberStatus self = node.status();
    List<PeerStatus> peers = new ArrayList<>();
    for (PeerStatus p : s.peers()) {
      boolean me = p.state() == PeerStatus.State.THIS_SYSTEM;
      PeerStatus now =
          !me
              ? p
              : new PeerStatus(
                  p.index(),
                  p.memberId(),
                  p.address(),
                  p.state(),
                  p.resolvedAddress(),
                  self.appliedIndex(),
                  Math.max(0, self.commitIndex() - self.appliedIndex()),
                  p.certificate(),
                  p.softwareVersion());
      Optional<CertificateCheck> cert =
          me ? Optional.of(node.ownCertificateCheck(p.host())) : node.certificateCheck(p.host());
      peers.add(now.withCertificate(cert.map(c -> c.status().text())));
    }
    return new ClusterStatus(
        s.memberId(),
        s.primary(),
        s.primaryId(),
        s.ownPrimary(),
        s.database(),
        self.commitIndex(),
        self.appliedIndex(),
        s.syncCheckedIndex(),
        peers);
  }

  /**
   * Names peer {@code primary} (1-based, as in the peer list) configuration primary in this peer's
   * own settings, as an admin does on each peer's clustering page: on the new primary first, then
   * on the others. On the new primary itself this also changes the cluster's primary, a Raft
   * configuration change that needs a majority but not the old primary; the new primary then takes
   * over leadership and cluster-table writes. While a peer's own setting differs from the
   * cluster's, it raises "Cluster primary mismatch". Idempotent.
   *
   * @throws ClusterDbException {@link ErrorCode#INVALID_ARGUMENT} (field {@code primary}) for an
   *     index that names no peer; as a write fails, if the configuration change does
   */
  public CompletableFuture<Void> setPrimary(int primary) {
    return setPrimary(primary, Origin.LOCAL);
  }

  /** As {@link #setPrimary(int)}, audited as asked by {@code origin}. */
  public CompletableFuture<Void> setPrimary(int primary, Origin origin) {
    ClusteringSettings own = settings.own();
    if (primary < 1 || primary > own.peers().size()) {
      return failed(
          ClusterDbException.invalid(
              "primary", "must be a peer index, 1 to " + own.peers().size() + ", was " + primary));
    }
    return saveClusteringSettings(own.withPrimary(primary), false, origin).thenApply(s -> null);
  }

  /**
   * The members of the Raft group as this replica knows them: voters, and listeners still catching
   * up. Empty while this peer waits to be added.
   */
  public Optional<org.clusterdb.core.ratis.Membership> membership() {
    return node.membership();
  }

  /** This peer's own clustering settings, as its admin last saved them. */
  public ClusteringSettings clusteringSettings() {
    return settings.own();
  }

  /**
   * The cluster's clustering settings, as the primary wrote them, as of this replica; empty until
   * the primary has led once, and on a peer not yet added.
   */
  public Optional<ClusteringSettings> clusterClusteringSettings() {
    return membership.clusterSettings();
  }

  /**
   * Saves this peer's own clustering settings, as an admin does on the peer's clustering page.
   *
   * <p>On the primary, the settings become the cluster's: peers added to the list are admitted and
   * added to the group once they ask to join, peers taken off it are removed. On the others they
   * are compared with the cluster's: any difference raises "Cluster replication error: this peer's
   * configuration conflicts with the primary's configuration". A change only a restart applies
   * (name, TLS mode, IP version, the peer list anywhere but on the primary) raises "Restart
   * required". Naming this peer primary also changes the cluster's primary, as {@link #setPrimary}
   * does.
   *
   * @throws ClusterDbException {@link ErrorCode#INVALID_ARGUMENT} naming the field for invalid
   *     settings, or a peer list that leaves this peer out; nothing is saved then
   */
  public CompletableFuture<ClusteringSettings> saveClusteringSettings(ClusteringSettings s) {
    return saveClusteringSettings(s, false);
  }

  /**
   * As {@link #saveClusteringSettings(ClusteringSettings)}. A switch to TLS mode Enforce is
   * refused, as on the appliance, while any listed peer's certificate is invalid or has not been
   * checked yet (Enforce would cut that peer off), unless {@code force}.
   *
   * @throws ClusterDbException {@link ErrorCode#INVALID_ARGUMENT} (field {@code tlsMode}) listing
   *     those peers and their certificate status; nothing is saved then
   */
  public CompletableFuture<ClusteringSettings> saveClusteringSettings(
      ClusteringSettings s, boolean force) {
    return saveClusteringSettings(s, force, Origin.LOCAL);
  }

  /**
   * As {@link #saveClusteringSettings(ClusteringSettings, boolean)}, audited as asked by {@code
   * origin}: each changed field is a row of this peer's audit table ({@code clusterdb.peer-audit}),
   * and on the primary, of the cluster's too once the settings become the cluster's.
   */
  public CompletableFuture<ClusteringSettings> saveClusteringSettings(
      ClusteringSettings s, boolean force, Origin origin) {
    Objects.requireNonNull(s, "settings");
    Objects.requireNonNull(origin, "origin");
    try {
      s.validate();
    } catch (ClusterDbException e) {
      return failed(e);
    }
    if (!force
        && s.tlsMode() == ClusteringSettings.TlsMode.ENFORCE
        && settings.own().tlsMode() != ClusteringSettings.TlsMode.ENFORCE) {
      List<String> invalid = invalidCertificates(s);
      if (!invalid.isEmpty()) {
        return failed(
            ClusterDbException.invalid(
                "tlsMode",
                "Enforce would refuse these peers, whose certificates are not valid: "
                    + String.join("; ", invalid)
                    + ". Fix their certificates first, or force the change"));
      }
    }
    if (!s.peers().isEmpty() && s.indexOf(config.memberId()) == 0) {
      return failed(
          ClusterDbException.invalid(
              "peers",
              "must list this peer (" + config.memberId() + "), or be empty to leave clustering"));
    }
    String self = config.memberId();
    return supply(
            () -> {
              settings.save(s, AuditContexts.of(origin, self, System.currentTimeMillis()));
              LOG.info("own clustering settings saved member={} settings={}", self, s);
              return s;
            })
        .thenCompose(
            saved -> {
              boolean ranked = config.writePolicy() == WritePolicy.PRIMARY_ONLY;
              boolean primaryHere = saved.primaryPeer().map(p -> p.id().equals(self)).orElse(false);
              if (ranked
                  && primaryHere
                  && !node.clusterPrimary().map(self::equals).orElse(false)
                  && node.membership().map(m -> m.isVoter(self)).orElse(false)) {
                return node.setPrimary(self).thenApply(v -> saved);
              }
              return CompletableFuture.completedFuture(saved);
            });
  }

  /** Each listed peer whose certificate is not valid, as "peer 2 (p2 at host): status". */
  private List<String> invalidCertificates(ClusteringSettings s) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.peers().size(); i++) {
      PeerAddress p = s.peers().get(i);
      Optional<CertificateCheck> check =
          p.id().equals(config.memberId())
              ? Optional.of(node.ownCertificateCheck(p.host()))
              : node.certificateCheck(p.host());
      if (check.isEmpty() || check.get().status() != CertificateStatus.VALID) {
        String status = check.map(c -> c.status().text()).orElse("no certificate checked yet");
        out.add("peer " + (i + 1) + " (" + p.id() + " at " + p.host() + "): " + status);
      }
    }
    return out;
  }

  /**
   * Creates account {@code name}, or changes its role and, unless {@code password} is null, its
   * password. The password is hashed here (scrypt): only the hash is replicated.
   *
   * @throws ClusterDbException {@link ErrorCode#INVALID_ARGUMENT} naming {@code name}, {@code
   *     password} (too short or long, or missing for a new account) or {@code role} (demoting the
   *     last admin while authentication is on); nothing is saved then
   */
  public CompletableFuture<Account> saveAccount(String name, Role role, char[] password) {
    return saveAccount(name, role, password, Origin.LOCAL);
  }

  /** As {@link #saveAccount(String, Role, char[])}, audited as asked by {@code origin}. */
  public CompletableFuture<Account> saveAccount(
      String name, Role role, char[] password, Origin origin) {
    return guard(
        () -> {
          Objects.requireNonNull(role, "role");
          Optional<String> bad = Account.nameProblem(name);
          if (bad.isPresent()) {
            return failed(ClusterDbException.invalid("name", bad.get()));
          }
          if (password != null) {
            Optional<String> weak = PasswordHash.problem(password);
            if (weak.isPresent()) {
              return failed(ClusterDbException.invalid("password", weak.get()));
            }
          }
          return apply(
                  TableScope.CLUSTER,
                  stamped(accounts.putEntry(name, role, password), new Stamp(null, origin)))
              .thenApply(
                  r -> {
                    LOG.info(
                        "account saved member={} user={} role={}", config.memberId(), name, role);
                    return new Account(name, role);
                  });
        });
  }

  /**
   * Deletes account {@code name}.
   *
   * @throws ClusterDbException {@link ErrorCode#INVALID_ARGUMENT} (field {@code name}) if there is
   *     no such account, or it is the last admin while authentication is on
   */
  public CompletableFuture<Void> deleteAccount(String name) {
    return deleteAccount(name, Origin.LOCAL);
  }

  /** As {@link #deleteAccount(String)}, audited as asked by {@code origin}. */
  public CompletableFuture<Void> deleteAccount(String name, Origin origin) {
    return guard(
        () -> {
          Optional<String> bad = Account.nameProblem(name);
          if (bad.isPresent()) {
            return failed(ClusterDbException.invalid("name", bad.get()));
          }
          return apply(
                  TableScope.CLUSTER,
                  stamped(AccountStore.deleteEntry(name), new Stamp(null, origin)))
              .thenApply(
                  r -> {
                    LOG.info("account deleted member={} user={}", config.memberId(), name);
                    return null;
                  });
        });
  }

  /**
   * Turns client authentication on or off for the whole cluster. A server then refuses calls
   * without valid credentials; the library API is never authenticated.
   *
   * @throws ClusterDbException {@link ErrorCode#INVALID_ARGUMENT} (field {@code enabled}) when
   *     turning it on with no admin account
   */
  public CompletableFuture<Void> setAuthEnabled(boolean enabled) {
    return setAuthEnabled(enabled, Origin.LOCAL);
  }

  /** As {@link #setAuthEnabled(boolean)}, audited as asked by {@code origin}. */
  public CompletableFuture<Void> setAuthEnabled(boolean enabled, Origin origin) {
    return guard(
        () ->
            apply(
                    TableScope.CLUSTER,
                    stamped(AccountStore.authEntry(enabled), new Stamp(null, origin)))
                .thenApply(
                    r -> {
                      LOG.warn(
                          "client authentication {} member={}",
                          enabled ? "enabled" : "disabled",
                          config.memberId());
                      return null;
                    }));
  }

  /** The accounts this member checks callers against: the cluster's, as last applied here. */
  public AccountStore accounts() {
    return accounts;
  }

  private void syncAccounts() {
    try {
      accounts.syncCopy();
    } catch (RuntimeException e) {
      LOG.warn(
          "cannot keep this peer's copy of the accounts member={} error={}",
          config.memberId(),
          e.toString());
    }
  }

  public List<Alarm> alarms() {
    return alarms.list();
  }

  /**
   * A header describing this member's replica of the cluster tables as it is now; revision 0 while
   * it has none (a peer removed from the cluster, or not added yet).
   */
  public Header currentHeader() {
    try {
      return header(TableScope.CLUSTER, node.readLocal(StateReader::revision));
    } catch (ClusterDbException e) {
      return new Header(config.clusterName(), config.memberId(), 0, 0);
    }
  }

  /**
   * Writes an online, consistent backup of this peer to {@code out}: its cluster tables as they
   * stood at one log index, and its own tables, as one file with a checksum, this build's version
   * and the cluster's id (see {@link Backups}). Sensitive values stay sealed; the system key is not
   * in it. The peer serves and writes meanwhile.
   *
   * @throws ClusterDbException {@link ErrorCode#UNAVAILABLE} if this member is closed
   */
  public Backups.Summary backup(OutputStream out, BackupArchive.Progress progress)
      throws IOException {
    return Backups.write(config, node, peerStore, out, progress);
  }

  /**
   * The seed's {@code xcommand ForceConfigUpdate}, on a subordinate: discards this peer's copy of
   * the cluster tables and its Raft log, keeping its own tables and system key, and has the
   * configuration primary send them again; then checks that its tables equal the primary's. The
   * primary first takes a snapshot, which a rejoining member receives whole once the primary's log
   * no longer reaches back to its start; otherwise the primary's log is replayed. This instance is
   * closed; the member started again is in the result. Blocks up to {@code timeout} for each stage.
   *
   * <p>The steps, for a server that restarts itself in between: {@link #prepareForceConfigUpdate},
   * close, {@link #discardForResync}, start; the started member then checks itself against the
   * primary once caught up ({@link #resync()}).
   *
   * @throws ClusterDbException {@link ErrorCode#INVALID_ARGUMENT} on the configuration primary
   *     (nothing to sync from); {@link ErrorCode#UNAVAILABLE} if the primary is not leading, in
   *     which case nothing was changed; {@link ErrorCode#TIMEOUT} if the member did not catch up in
   *     time (it keeps running and catching up)
   */
  public Resync forceConfigUpdate(Duration timeout, Resync.Progress progress)
      throws IOException, InterruptedException {
    progress.report("snapshot on the primary", 0, 0);
    long index = prepareForceConfigUpdate(timeout);
    progress.report("discarding this peer's cluster tables and Raft log", 0, 0);
    close();
    discardForResync(config, index);
    ClusterDb next = start(config, metrics.registry());
    ResyncCheck check = next.resync.orElseThrow();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.caughtUp()) {
      progress.report("receiving the primary's configuration", check.applied(), index);
      if (System.nanoTime() > deadline) {
        throw new ClusterDbException(
            ErrorCode.TIMEOUT,
            "ForceConfigUpdate: applied " + check.applied() + " of " + index + " within " + timeout,
            null,
            false,
            null);
      }
      Thread.sleep(200);
    }
    progress.report("receiving the primary's configuration", index, index);
    progress.report("verifying the tables' digest against the primary's", 0, 0);
    boolean verified;
    try {
      verified =
          check.verdict().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      verified = false;
    }
    return new Resync(next, index, next.status().snapshotsInstalled() > 0, verified);
  }

  /**
   * First step of {@link #forceConfigUpdate}: checks that this is a subordinate and the primary
   * leads, and has the primary take a snapshot. Changes nothing here.
   *
   * @return the snapshot's log index: the member holds at least this much once resynced
   */
  public long prepareForceConfigUpdate(Duration timeout) {
    ClusterStatus cs = clusterStatus();
    if (cs.primaryId().equals(config.memberId())) {
      throw new ClusterDbException(
          ErrorCode.INVALID_ARGUMENT,
          "ForceConfigUpdate runs on a subordinate: this peer ("
              + config.memberId()
              + ") is the configuration primary",
          null,
          true,
          null);
    }
    String leader = node.status().leaderId().orElse("");
    boolean primaryLeads = leader.equals(cs.primaryId());
    if (leader.isEmpty() || (config.writePolicy() == WritePolicy.PRIMARY_ONLY && !primaryLeads)) {
      throw new ClusterDbException(
          ErrorCode.UNAVAILABLE,
          "ForceConfigUpdate needs the configuration primary "
              + cs.primaryId()
              + " leading the cluster; the leader is "
              + (leader.isEmpty() ? "unknown" : leader)
              + ". Nothing was changed");
    }
    long index =
        BlockingKeyValueStore.await(
            node.snapshotOn(leader).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS));
    LOG.warn(
        "Detail=\"ForceConfigUpdate: discarding this peer's configuration to resync from the"
            + " primary\" Member=\"{}\" Primary=\"{}\" Index=\"{}\"",
        config.memberId(),
        leader,
        index);
    return index;
  }

  /**
   * Second step of {@link #forceConfigUpdate}, on the stopped member: deletes its Raft log and
   * cluster tables, keeping its own tables and key, and leaves a note that its next start is a
   * resync to at least {@code index}, to be verified against the primary.
   */
  public static void discardForResync(ClusterDbConfig config, long index) throws IOException {
    Backups.discardClusterState(config.dataDir());
    ResyncCheck.note(config.dataDir(), index);
  }

  /** The resync this start completes, if it follows a ForceConfigUpdate; see {@link Resync}. */
  public Optional<ResyncCheck> resync() {
    return resync;
  }

  /** Takes a snapshot of the replicated state now; completes with its log index. */
  public CompletableFuture<Long> snapshot() {
    return node.snapshot();
  }

  /**
   * The seed's {@code xcommand ForceSystemKeyUpdate}, run on a peer that holds the cluster's system
   * key: rewrites this peer's key file, then sends the key to every other member over the
   * replicated log, wrapped to each member's TLS public key. A member whose key file was lost or
   * could not be written writes it again, lowers "Failed to update key file" and serves sensitive
   * values again. Completes with the member ids the key was sent to.
   *
   * @throws ClusterDbException {@link ErrorCode#UNAVAILABLE} if this peer holds no key or cannot
   *     write its own key file (run it on a peer without that alarm); as a write fails, if a grant
   *     does
   */
  public CompletableFuture<List<String>> forceSystemKeyUpdate() {
    return guard(keys::forceUpdate);
  }

  /** The index of the first entry still in this member's Raft log; grows as snapshots purge it. */
  public long logStartIndex() {
    return node.logStartIndex();
  }

  @Override
  public CompletableFuture<Table> createTable(String name, TableOptions options) {
    return timed(Operation.CREATE_TABLE, () -> createTableNow(name, options, LOCAL));
  }

  private CompletableFuture<Table> createTableNow(String name, TableOptions options, Stamp stamp) {
    Objects.requireNonNull(options, "options");
    TableScope scope = options.scope();
    if (!TableNames.isValid(name)) {
      return failed(invalidName(name));
    }
    if (TableNames.isReserved(name)) {
      return failed(reserved("name", name));
    }
    if (scope == TableScope.PEER) {
      if (options.peerOwnedRows()) {
        return failed(
            ClusterDbException.invalid(
                "options.peerOwnedRows",
                "a peer table is this member's alone: only cluster tables have peer-owned rows"));
      }
      if (clusterTableExists(name)) {
        return failed(tableExists(name, TableScope.CLUSTER));
      }
      return peerStore
          .apply(stamped(createEntry(name, options), stamp))
          .thenApply(r -> ApiCodec.table(check(r).getTable().getTable(), TableScope.PEER));
    }
    if (peerTableExists(name)) {
      return failed(tableExists(name, TableScope.PEER));
    }
    return node.propose(stamped(createEntry(name, options), stamp))
        .thenApply(r -> ApiCodec.table(check(r).getTable().getTable(), TableScope.CLUSTER));
  }

  @Override
  public CompletableFuture<Void> dropTable(String name) {
    return timed(Operation.DROP_TABLE, () -> dropTableNow(name, LOCAL));
  }

  private CompletableFuture<Void> dropTableNow(String name, Stamp stamp) {
    if (!TableNames.isValid(name)) {
      return failed(invalidName(name));
    }
    if (TableNames.isReserved(name)) {
      return failed(reserved("name", name));
    }
    LogEntry entry =
        LogEntry.newBuilder()
            .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
            .setDropTable(DropTable.newBuilder().setName(name))
            .build();
    return apply(scopeOf(name), stamped(entry, stamp)).thenApply(r -> null);
  }

  @Override
  public CompletableFuture<List<Table>> listTables(Consistency consistency) {
    return timed(Operation.LIST_TABLES, () -> listTablesNow(consistency));
  }

  private CompletableFuture<List<Table>> listTablesNow(Consistency consistency) {
    Query query =
        Query.newBuilder()
            .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
            .setListTables(ListTables.getDefaultInstance())
            .build();
    return queryCluster(query, consistency)
        .thenApply(
            r -> {
              List<Table> tables = new ArrayList<>();
              // The product's own tables (clustering settings, alarms) are reserved on both
              // sides: the clustering settings' cluster table appears once the leader writes them.
              for (TableMeta t : r.getTables().getTablesList()) {
                if (!TableNames.isReserved(t.getName())) {
                  tables.add(ApiCodec.table(t, TableScope.CLUSTER));
                }
              }
              for (TableMeta t : peerStore.read(view -> view.tables())) {
                if (!TableNames.isReserved(t.getName())) {
                  tables.add(ApiCodec.table(t, TableScope.PEER));
                }
              }
              return List.copyOf(tables);
            });
  }

  @Override
  public CompletableFuture<PutResult> put(String table, Bytes key, Bytes value, long lease) {
    return timed(Operation.PUT, () -> putNow(table, key, value, lease, LOCAL));
  }

  private CompletableFuture<PutResult> putNow(
      String table, Bytes key, Bytes value, long lease, Stamp stamp) {
    if (lease != 0 && scopeOf(table) == TableScope.PEER) {
      return failed(peerTableLease("lease", table));
    }
    Op op =
        values.seal(
            Op.newBuilder()
                .setPut(ApiCodec.put(table, key, value).toBuilder().setLease(lease))
                .build());
    return single(op, table, stamp)
        .thenApply(
            r ->
                ApiCodec.putResult(
                    header(r.scope, r.result), values.open(table, firstResult(r).getPut())));
  }

  @Override
  public CompletableFuture<DeleteResult> deleteRange(String table, KeyRange range) {
    return timed(Operation.DELETE_RANGE, () -> deleteRangeNow(table, range, LOCAL));
  }

  private CompletableFuture<DeleteResult> deleteRangeNow(
      String table, KeyRange range, Stamp stamp) {
    Op op = Op.newBuilder().setDeleteRange(ApiCodec.deleteRange(table, range)).build();
    return single(op, table, stamp)
        .thenApply(
            r -> ApiCodec.deleteResult(header(r.scope, r.result), firstResult(r).getDelete()));
  }

  @Override
  public CompletableFuture<RangeResult> range(String table, KeyRange range, ReadOptions options) {
    return timed(Operation.RANGE, () -> rangeNow(table, range, options));
  }

  private CompletableFuture<RangeResult> rangeNow(
      String table, KeyRange range, ReadOptions options) {
    Objects.requireNonNull(options, "options");
    if (TableNames.isPrivate(table)) {
      return failed(privateTable("table", table));
    }
    org.clusterdb.proto.log.v1.Range r =
        ApiCodec.range(table, range, options.limit(), options.countOnly());
    Optional<Failure> invalid = validator.validateOp(Op.newBuilder().setRange(r).build(), "");
    if (invalid.isPresent()) {
      return failed(ApiCodec.exception(invalid.get()));
    }
    Query query =
        Query.newBuilder().setFormatVersion(FormatVersion.FORMAT_VERSION_1).setRange(r).build();
    TableScope scope = scopeOf(table);
    CompletableFuture<QueryResult> result =
        scope == TableScope.PEER
            ? supply(() -> peerStore.read(view -> Reader.query(query, view)))
            : queryCluster(query, options.consistency());
    return result.thenApply(
        q -> {
          if (q.hasError()) {
            throw ApiCodec.exception(q.getError());
          }
          return ApiCodec.rangeResult(
              header(scope, q.getRevision()), values.open(table, q.getRange()));
        });
  }

  @Override
  public CompletableFuture<TxnResult> txn(Txn txn) {
    return timed(Operation.TXN, () -> txnNow(txn, LOCAL));
  }

  private CompletableFuture<TxnResult> txnNow(Txn txn, Stamp stamp) {
    Objects.requireNonNull(txn, "txn");
    org.clusterdb.proto.log.v1.Txn proto = values.seal(ApiCodec.txn(txn));
    Optional<Failure> invalid = validator.validateTxn(proto, "txn.");
    if (invalid.isPresent()) {
      return failed(ApiCodec.exception(invalid.get()));
    }
    List<String> tables = txn.tables();
    if (tables.isEmpty()) {
      return failed(ClusterDbException.invalid("txn", "a transaction needs at least one op"));
    }
    for (String t : tables) {
      if (TableNames.isReserved(t)) {
        return failed(reserved("txn", t));
      }
    }
    TableScope scope = scopeOf(tables.get(0));
    for (String t : tables) {
      if (scopeOf(t) != scope) {
        return failed(
            ClusterDbException.invalid(
                "txn", "mixes cluster and peer tables ('" + tables.get(0) + "', '" + t + "')"));
      }
    }
    if (scope == TableScope.PEER) {
      List<org.clusterdb.api.Op> ops = new ArrayList<>(txn.success());
      ops.addAll(txn.failure());
      for (org.clusterdb.api.Op op : ops) {
        if (op instanceof org.clusterdb.api.Op.Put p && p.lease() != 0) {
          return failed(peerTableLease("txn", p.table()));
        }
      }
    }
    LogEntry entry =
        LogEntry.newBuilder()
            .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
            .setTxn(proto)
            .build();
    return apply(scope, stamped(entry, stamp))
        .thenApply(r -> ApiCodec.txnResult(header(scope, r), values.open(proto, r.getTxn())));
  }

  @Override
  public Watch watch(WatchRequest request, WatchListener listener) {
    long started = System.nanoTime();
    try {
      Watch w = watchNow(request, listener);
      metrics.record(Operation.WATCH, null, System.nanoTime() - started);
      return w;
    } catch (RuntimeException e) {
      metrics.record(Operation.WATCH, e, System.nanoTime() - started);
      throw e;
    }
  }

  private Watch watchNow(WatchRequest request, WatchListener listener) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    if (!TableNames.isValid(request.table())) {
      throw invalidName(request.table());
    }
    if (TableNames.isPrivate(request.table())) {
      throw privateTable("table", request.table());
    }
    WatchListener opening = values.open(request.table(), listener);
    return scopeOf(request.table()) == TableScope.PEER
        ? peerStore.watch(request, opening)
        : node.watch(request, opening);
  }

  /** Stops this member: watches end with UNAVAILABLE, queued peer writes finish, Raft stops. */
  @Override
  public void close() {
    LOG.info("stopping clusterdb member={}", config.memberId());
    resync.ifPresent(ResyncCheck::close);
    synchronized (usageLock) {
      if (usage != null) {
        usage.close();
      }
    }
    leases.close();
    metrics.close();
    DaemonThreads.stop(accountsTicker);
    // The copy a factory reset keeps is then as new as the accounts at shutdown.
    syncAccounts();
    monitor.close();
    membership.close();
    sync.close();
    keys.close();
    clusterHub.close();
    peerHub.close();
    node.close();
    peerStore.close();
    watchExecutor.shutdown();
    DataDirs.closed(config.dataDir());
  }

  private record Applied(TableScope scope, ApplyResult result) {}

  private CompletableFuture<Applied> single(Op op, String table, Stamp stamp) {
    Optional<Failure> invalid = validator.validateOp(op, "");
    if (invalid.isPresent()) {
      return failed(ApiCodec.exception(invalid.get()));
    }
    if (TableNames.isReserved(table)) {
      return failed(reserved("table", table));
    }
    LogEntry entry =
        LogEntry.newBuilder()
            .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
            .setTxn(org.clusterdb.proto.log.v1.Txn.newBuilder().addSuccess(op))
            .build();
    if (entry.getSerializedSize() > config.maxRequestBytes()) {
      return failed(
          new ClusterDbException(
              ErrorCode.LIMIT_EXCEEDED,
              "request: " + entry.getSerializedSize() + " bytes exceeds maxRequestBytes",
              "request",
              true,
              null));
    }
    TableScope scope = scopeOf(table);
    return apply(scope, stamped(entry, stamp)).thenApply(r -> new Applied(scope, r));
  }

  private CompletableFuture<ApplyResult> apply(TableScope scope, LogEntry entry) {
    CompletableFuture<ApplyResult> f =
        scope == TableScope.PEER ? peerStore.apply(entry) : node.propose(entry);
    return f.thenApply(ClusterDb::check);
  }

  private CompletableFuture<QueryResult> queryCluster(Query query, Consistency consistency) {
    CompletableFuture<QueryResult> f =
        consistency == Consistency.LOCAL || config.unsafeLocalReads()
            ? supply(() -> node.readLocal(view -> Reader.query(query, view)))
            : node.query(query);
    return f.thenApply(
        q -> {
          if (q.hasError()) {
            throw ApiCodec.exception(q.getError());
          }
          return q;
        });
  }

  private static ApplyResult check(ApplyResult r) {
    if (r.hasError()) {
      throw ApiCodec.exception(r.getError());
    }
    return r;
  }

  private static org.clusterdb.proto.log.v1.OpResult firstResult(Applied r) {
    return r.result().getTxn().getResults(0);
  }

  /**
   * A cluster table this replica knows wins over a peer table of the same name, so that every peer
   * resolves a replicated name alike; unknown names resolve to the cluster.
   */
  private TableScope scopeOf(String table) {
    if (clusterTableExists(table)) {
      return TableScope.CLUSTER;
    }
    return peerTableExists(table) ? TableScope.PEER : TableScope.CLUSTER;
  }

  /** False also while this member holds no replica (removed), so its peer tables stay usable. */
  private boolean clusterTableExists(String name) {
    try {
      return node.readLocal(view -> view.table(name).isPresent());
    } catch (ClusterDbException e) {
      return false;
    }
  }

  private boolean peerTableExists(String name) {
    return peerStore.read(view -> view.table(name).isPresent());
  }

  /** A table's catalog entry as this member knows it: the cluster's first, as {@link #scopeOf}. */
  private Optional<TableMeta> tableMeta(String name) {
    Optional<TableMeta> cluster;
    try {
      cluster = node.readLocal(view -> view.table(name));
    } catch (ClusterDbException e) {
      cluster = Optional.empty();
    }
    return cluster.isPresent() ? cluster : peerStore.read(view -> view.table(name));
  }

  private Header header(TableScope scope, ApplyResult r) {
    return header(scope, r.getRevision());
  }

  private Header header(TableScope scope, long revision) {
    long term = scope == TableScope.CLUSTER ? node.appliedTerm() : 0;
    return new Header(config.clusterName(), config.memberId(), revision, term);
  }

  /** {@code entry} with the caller's request id, if any, and its audit context. */
  private LogEntry stamped(LogEntry entry, Stamp stamp) {
    LogEntry.Builder b =
        entry.toBuilder()
            .setProposer(config.memberId())
            .setAudit(
                AuditContexts.of(stamp.origin(), config.memberId(), System.currentTimeMillis()));
    RequestId id = stamp.id();
    if (id != null) {
      b.setRequestId(
          org.clusterdb.proto.log.v1.RequestId.newBuilder()
              .setClientId(ApiCodec.bytes(id.clientId()))
              .setSeq(id.seq())
              .setAckedBelow(id.ackedBelow()));
    }
    return b.build();
  }

  private static LogEntry createEntry(String name, TableOptions options) {
    return LogEntry.newBuilder()
        .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
        .setCreateTable(
            CreateTable.newBuilder()
                .setName(name)
                .setSensitive(options.sensitive())
                .setPeerOwnedRows(options.peerOwnedRows()))
        .build();
  }

  private static ClusterDbException privateTable(String field, String name) {
    return ClusterDbException.invalid(
        field, "'" + name + "' is private to clusterdb: use the account calls");
  }

  private static ClusterDbException peerTableLease(String field, String table) {
    return ClusterDbException.invalid(
        field,
        "'"
            + table
            + "' is a peer table: leases attach keys of cluster tables only (a peer's own rows"
            + " live as long as the peer)");
  }

  private static ClusterDbException reserved(String field, String name) {
    return ClusterDbException.invalid(
        field,
        "'"
            + name
            + "': table names beginning with '"
            + TableNames.RESERVED_PREFIX
            + "' are reserved for clusterdb");
  }

  private static ClusterDbException invalidName(String name) {
    return ClusterDbException.invalid(
        "name", "'" + name + "' is not a valid table name (" + TableNames.PATTERN.pattern() + ")");
  }

  private static ClusterDbException tableExists(String name, TableScope scope) {
    return new ClusterDbException(
        ErrorCode.TABLE_EXISTS,
        "name: a " + scope.name().toLowerCase() + " table '" + name + "' already exists",
        "name",
        true,
        null);
  }

  private static <T> CompletableFuture<T> supply(java.util.function.Supplier<T> s) {
    try {
      return CompletableFuture.completedFuture(s.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** {@link #guard}ed and counted in {@code clusterdb.requests}. */
  private <T> CompletableFuture<T> timed(
      Operation op, java.util.function.Supplier<CompletableFuture<T>> call) {
    return metrics.time(op, System.nanoTime(), guard(call));
  }

  /** Turns a synchronous failure (closed store, bad argument) into a failed future. */
  private static <T> CompletableFuture<T> guard(
      java.util.function.Supplier<CompletableFuture<T>> op) {
    try {
      return op.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static <T> CompletableFuture<T> failed(ClusterDbException e) {
    return CompletableFuture.failedFuture(e);
  }
}
