package org.clusterdb.client;

import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
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
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValueStore;
import org.clusterdb.api.Lease;
import org.clusterdb.api.LeaseStatus;
import org.clusterdb.api.Leases;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.PeerUsage;
import org.clusterdb.api.PutResult;
import org.clusterdb.api.RangeResult;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.RequestId;
import org.clusterdb.api.Role;
import org.clusterdb.api.Table;
import org.clusterdb.api.TableOptions;
import org.clusterdb.api.Txn;
import org.clusterdb.api.TxnResult;
import org.clusterdb.api.UsageReport;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.client.RetryingCaller.Kind;
import org.clusterdb.proto.api.v1.AlarmsRequest;
import org.clusterdb.proto.api.v1.AuthGrpc;
import org.clusterdb.proto.api.v1.BackupChunk;
import org.clusterdb.proto.api.v1.BackupRequest;
import org.clusterdb.proto.api.v1.ClusterGrpc;
import org.clusterdb.proto.api.v1.ClusterStatusRequest;
import org.clusterdb.proto.api.v1.CreateTableRequest;
import org.clusterdb.proto.api.v1.DeleteAccountRequest;
import org.clusterdb.proto.api.v1.DropTableRequest;
import org.clusterdb.proto.api.v1.ForceConfigUpdateRequest;
import org.clusterdb.proto.api.v1.ForceSystemKeyUpdateRequest;
import org.clusterdb.proto.api.v1.GetClusteringSettingsRequest;
import org.clusterdb.proto.api.v1.KVGrpc;
import org.clusterdb.proto.api.v1.LeaderRequest;
import org.clusterdb.proto.api.v1.LeaderResponse;
import org.clusterdb.proto.api.v1.LeaseGrantRequest;
import org.clusterdb.proto.api.v1.LeaseGrpc;
import org.clusterdb.proto.api.v1.LeaseKeepAliveRequest;
import org.clusterdb.proto.api.v1.LeaseRevokeRequest;
import org.clusterdb.proto.api.v1.LeaseTimeToLiveRequest;
import org.clusterdb.proto.api.v1.ListAccountsRequest;
import org.clusterdb.proto.api.v1.ListTablesRequest;
import org.clusterdb.proto.api.v1.MaintenanceGrpc;
import org.clusterdb.proto.api.v1.MembersRequest;
import org.clusterdb.proto.api.v1.RestartRequest;
import org.clusterdb.proto.api.v1.SaveAccountRequest;
import org.clusterdb.proto.api.v1.SetAuthRequest;
import org.clusterdb.proto.api.v1.SetPrimaryRequest;
import org.clusterdb.proto.api.v1.SnapshotRequest;
import org.clusterdb.proto.api.v1.StatusRequest;
import org.clusterdb.proto.api.v1.UsageGrpc;
import org.clusterdb.proto.api.v1.UsagePublishRequest;
import org.clusterdb.proto.api.v1.UsagePublishResponse;
import org.clusterdb.proto.api.v1.UsageReportRequest;
import org.clusterdb.proto.api.v1.UsageReportResponse;
import org.clusterdb.proto.api.v1.WhoAmIRequest;
import org.clusterdb.proto.wire.WireCodec;
import org.clusterdb.proto.wire.WireErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of a clusterdb cluster over gRPC: the same {@link KeyValueStore} operations and typed
 * errors as the embedded library, with endpoint failover, deadlines and safe retries.
 *
 * <p><b>Thread-safety:</b> thread-safe; share one instance. Futures complete on library threads:
 * continuations should not block.
 *
 * <p><b>Deadlines:</b> every operation has {@link ClientConfig#requestTimeout()} in all; each
 * attempt at most {@link ClientConfig#attemptTimeout()}.
 *
 * <p><b>Endpoints:</b> every call goes to the member the client talks to: the endpoint that last
 * answered, else the configured ones in order. Any member serves any call (writes are forwarded to
 * the Raft leader by the member), so the client does not chase the leader; it follows a NOT_LEADER
 * hint when one comes. A failed attempt moves on to the next endpoint after a jittered, growing
 * pause.
 *
 * <p><b>Peer tables</b> are those of the member the client talks to. After a failover that is
 * another member: give a client a single endpoint to keep it on one member's peer tables.
 *
 * <p><b>Reads</b> are retried on any retryable error ({@link ErrorCode#retryable()}, a lost
 * connection, an attempt's deadline) until the request timeout; then the last error is returned.
 * Errors retrying cannot fix ({@link ErrorCode#INVALID_ARGUMENT}, {@link ErrorCode#UNKNOWN_TABLE},
 * ...) are returned at once.
 *
 * <p><b>Writes</b> carry a {@link RequestId} (a random client id, a sequence number per logical
 * write, and the smallest sequence still outstanding); every retry resends the same id, which the
 * cluster applies at most once, answering a repeat with the first outcome. So a retry never turns
 * into a second write. A write fails with {@code definite() == true} only when no attempt can have
 * been applied (say every connection was refused); if the request timeout passes after an attempt
 * that may have reached a member, it fails with {@link ErrorCode#TIMEOUT} and {@code definite() ==
 * false}: the write may or may not have been applied, and calling the method again is a new write.
 *
 * <p><b>Watches</b> survive the loss of a member: see {@link #watch(WatchRequest, WatchListener)}.
 *
 * <p>{@link #close()} fails operations in progress with {@link ErrorCode#UNAVAILABLE} (not definite
 * for a write that may have been sent) and ends watches the same way.
 */
public final class ClusterDbClient implements KeyValueStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterDbClient.class);

  private final ClientConfig config;
  private final Endpoints endpoints;
  private final RequestIds ids;
  private final ScheduledExecutorService timer;
  private final ExecutorService worker;
  private final RetryingCaller caller;
  private final Backoff backoff;
  private final Set<ClientWatch> watches = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean leaderLookup = new AtomicBoolean();
  private final BlockingKeyValueStore blocking;

  private ClusterDbClient(ClientConfig config, ChannelFactory channels) {
    this.config = config;
    this.ids = RequestIds.random();
    this.endpoints = new Endpoints(config.endpoints(), channels, config.backoffMax());
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemon("timer"));
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
    this.worker = Executors.newCachedThreadPool(daemon("worker"));
    this.caller = new RetryingCaller(config, endpoints, timer, worker);
    this.backoff = new Backoff(config.backoffInitial(), config.backoffMax());
    this.blocking = new BlockingKeyValueStore(this);
    LOG.info(
        "clusterdb client started endpoints={} requestTimeout={} attemptTimeout={} clientId={}",
        config.endpoints(),
        config.requestTimeout(),
        config.attemptTimeout(),
        ids.clientId());
    refreshLeaderIfDue();
  }

  /** A builder with every setting at its default and no endpoints. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A client of the cluster {@code config} names. Connects lazily: an unreachable endpoint fails
   * operations, not this call.
   *
   * @throws ClusterDbException INVALID_ARGUMENT naming the first bad field
   */
  public static ClusterDbClient connect(ClientConfig config) {
    ClientConfig valid = Objects.requireNonNull(config, "config").validate();
    return new ClusterDbClient(valid, ChannelFactory.of(valid));
  }

  public ClientConfig config() {
    return config;
  }

  /** The blocking view of this client; it throws the same {@link ClusterDbException}s. */
  public BlockingKeyValueStore blocking() {
    return blocking;
  }

  /**
   * Leases over this client's endpoints: each command is retried across members under one request
   * id, so it applies once; {@link LeaseKeeper} keeps one alive in the background.
   */
  public Leases leases() {
    return leases;
  }

  private final Leases leases =
      new Leases() {
        @Override
        public CompletableFuture<Lease> grant(Duration ttl) {
          return guard(
              () -> {
                Objects.requireNonNull(ttl, "ttl");
                return write(
                    LeaseGrpc.getGrantMethod(),
                    id ->
                        LeaseGrantRequest.newBuilder()
                            .setTtlMillis(ttl.toMillis())
                            .setRequestId(WireCodec.requestId(id))
                            .build(),
                    r -> new Lease(r.getId(), Duration.ofMillis(r.getTtlMillis())));
              });
        }

        @Override
        public CompletableFuture<Lease> keepAlive(long lease) {
          return guard(
              () ->
                  write(
                      LeaseGrpc.getKeepAliveMethod(),
                      id ->
                          LeaseKeepAliveRequest.newBuilder()
                              .setId(lease)
                              .setRequestId(WireCodec.requestId(id))
                              .build(),
                      r -> new Lease(r.getId(), Duration.ofMillis(r.getTtlMillis()))));
        }

        @Override
        public CompletableFuture<Long> revoke(long lease) {
          return guard(
              () ->
                  write(
                      LeaseGrpc.getRevokeMethod(),
                      id ->
                          LeaseRevokeRequest.newBuilder()
                              .setId(lease)
                              .setRequestId(WireCodec.requestId(id))
                              .build(),
                      r -> r.getHeader().getRevision()));
        }

        @Override
        public CompletableFuture<LeaseStatus> timeToLive(long lease) {
          return guard(
              () ->
                  read(
                      LeaseGrpc.getTimeToLiveMethod(),
                      LeaseTimeToLiveRequest.newBuilder().setId(lease).build(),
                      Consistency.LINEARIZABLE,
                      WireCodec::leaseStatus));
        }
      };

  // ---- tables ----

  @Override
  public CompletableFuture<Table> createTable(String name, TableOptions options) {
    return guard(
        () -> {
          Objects.requireNonNull(name, "name");
          Objects.requireNonNull(options, "options");
          return write(
              KVGrpc.getCreateTableMethod(),
              id ->
                  CreateTableRequest.newBuilder()
                      .setName(name)
                      .setScope(WireCodec.scope(options.scope()))
                      .setSensitive(options.sensitive())
                      .setPeerOwnedRows(options.peerOwnedRows())
                      .setRequestId(WireCodec.requestId(id))
                      .build(),
              r -> WireCodec.table(r.getTable()));
        });
  }

  @Override
  public CompletableFuture<Void> dropTable(String name) {
    return guard(
        () -> {
          Objects.requireNonNull(name, "name");
          return write(
              KVGrpc.getDropTableMethod(),
              id ->
                  DropTableRequest.newBuilder()
                      .setName(name)
                      .setRequestId(WireCodec.requestId(id))
                      .build(),
              r -> null);
        });
  }

  @Override
  public CompletableFuture<List<Table>> listTables(Consistency consistency) {
    return guard(
        () -> {
          Objects.requireNonNull(consistency, "consistency");
          return read(
              KVGrpc.getListTablesMethod(),
              ListTablesRequest.newBuilder()
                  .setConsistency(WireCodec.consistency(consistency))
                  .build(),
              consistency,
              r -> r.getTablesList().stream().map(WireCodec::table).toList());
        });
  }

  // ---- rows ----

  @Override
  public CompletableFuture<PutResult> put(String table, Bytes key, Bytes value, long lease) {
    return guard(
        () -> {
          Objects.requireNonNull(table, "table");
          Objects.requireNonNull(key, "key");
          Objects.requireNonNull(value, "value");
          return write(
              KVGrpc.getPutMethod(),
              id ->
                  WireCodec.putRequest(table, key, value).toBuilder()
                      .setLease(lease)
                      .setRequestId(WireCodec.requestId(id))
                      .build(),
              WireCodec::putResult);
        });
  }

  @Override
  public CompletableFuture<RangeResult> range(String table, KeyRange range, ReadOptions options) {
    return guard(
        () -> {
          Objects.requireNonNull(table, "table");
          Objects.requireNonNull(range, "range");
          Objects.requireNonNull(options, "options");
          return read(
              KVGrpc.getRangeMethod(),
              WireCodec.rangeRequest(table, range, options),
              options.consistency(),
              WireCodec::rangeResult);
        });
  }

  @Override
  public CompletableFuture<DeleteResult> deleteRange(String table, KeyRange range) {
    return guard(
        () -> {
          Objects.requireNonNull(table, "table");
          Objects.requireNonNull(range, "range");
          return write(
              KVGrpc.getDeleteRangeMethod(),
              id ->
                  WireCodec.deleteRequest(table, range).toBuilder()
                      .setRequestId(WireCodec.requestId(id))
                      .build(),
              WireCodec::deleteResult);
        });
  }

  @Override
  public CompletableFuture<TxnResult> txn(Txn txn) {
    return guard(
        () -> {
          Objects.requireNonNull(txn, "txn");
          return write(
              KVGrpc.getTxnMethod(),
              id ->
                  WireCodec.txnRequest(txn).toBuilder()
                      .setRequestId(WireCodec.requestId(id))
                      .build(),
              WireCodec::txnResult);
        });
  }

  /**
   * Watches a table or key prefix on whichever member is reachable. The listener gets every
   * revision from {@code request.startRevision()} on (0: from the next write) exactly once, in
   * order, one call at a time, from a library thread.
   *
   * <p>When the stream or its member fails, the watch resumes on another member from {@link
   * Watch#nextRevision()}, after a pause that grows to {@link ClientConfig#backoffMax()}, and keeps
   * trying until closed; a batch already delivered is dropped. A member ending the watch for a
   * reason another member would share ends it for good through {@link
   * WatchListener#onError(ClusterDbException)}: {@link ErrorCode#COMPACTED} (the exception is a
   * {@link org.clusterdb.api.CompactedException} with the oldest retained revision), {@link
   * ErrorCode#SLOW_WATCHER}, or a bad request. Closing the client ends it with {@link
   * ErrorCode#UNAVAILABLE}.
   *
   * <p>{@link Watch#close()} waits for a listener call in progress (unless made from the listener);
   * no call starts after it returns.
   *
   * @throws ClusterDbException UNAVAILABLE if this client is closed
   */
  @Override
  public Watch watch(WatchRequest request, WatchListener listener) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    if (closed.get()) {
      throw new ClusterDbException(ErrorCode.UNAVAILABLE, "the client is closed", null, true, null);
    }
    ClientWatch w =
        new ClientWatch(request, listener, endpoints, timer, worker, backoff, watches::remove);
    watches.add(w);
    if (closed.get()) {
      // close() may have swept the set just before this watch joined it.
      w.end(new ClusterDbException(ErrorCode.UNAVAILABLE, "the client is closed"));
      return w;
    }
    w.start();
    return w;
  }

  // ---- cluster ----

  /**
   * The Raft and replica status of the member this client talks to now (the leader, if known, is
   * not preferred: another member answers if that one cannot). Blocks up to the request timeout.
   *
   * @throws ClusterDbException as the asynchronous operations fail
   */
  public MemberStatus status() {
    return BlockingKeyValueStore.await(
        guard(
            () ->
                caller.call(
                    ClusterGrpc.getStatusMethod(),
                    StatusRequest.getDefaultInstance(),
                    Kind.READ,
                    r -> WireCodec.memberStatus(r.getStatus()))));
  }

  /**
   * The cluster as the member this client talks to now sees it: every peer's state and that
   * member's database state, as of its last health check. Blocks up to the request timeout.
   *
   * @throws ClusterDbException as the asynchronous operations fail
   */
  public ClusterStatus clusterStatus() {
    return BlockingKeyValueStore.await(
        guard(
            () ->
                caller.call(
                    ClusterGrpc.getClusterStatusMethod(),
                    ClusterStatusRequest.getDefaultInstance(),
                    Kind.READ,
                    WireCodec::clusterStatus)));
  }

  /**
   * The alarm registry of the member this client talks to now: the latest occurrence of each alarm
   * it raised, active ones first. Blocks up to the request timeout.
   *
   * @throws ClusterDbException as the asynchronous operations fail
   */
  public List<Alarm> alarms() {
    return BlockingKeyValueStore.await(
        guard(
            () ->
                caller.call(
                    ClusterGrpc.getAlarmsMethod(),
                    AlarmsRequest.getDefaultInstance(),
                    Kind.READ,
                    r -> r.getAlarmsList().stream().map(WireCodec::alarm).toList())));
  }

  /**
   * Names peer {@code primary} (1-based) configuration primary on the member this client talks to
   * now; on the new primary itself this also changes the cluster's primary. Run it on the new
   * primary first, then on the other peers. Idempotent, so retried like a read. Blocks up to the
   * request timeout.
   *
   * @throws ClusterDbException {@code INVALID_ARGUMENT} for an index that names no peer; as a write
   *     fails, if the cluster cannot commit the change
   */
  public void setPrimary(int primary) {
    BlockingKeyValueStore.await(
        guard(
            () ->
                caller.call(
                    ClusterGrpc.getSetPrimaryMethod(),
                    SetPrimaryRequest.newBuilder().setPrimary(primary).build(),
                    Kind.MEMBER,
                    r -> null)));
  }

  /**
   * Sets the usage counters of {@code memberId}'s row: the member this client talks to, which must
   * be {@code memberId} (the call is refused with {@code INVALID_ARGUMENT} on field {@code
   * member_id} otherwise, so that usage never lands in another member's row). The row lives on that
   * member's lease. Idempotent, so retried on that member only. Admission against the pooled
   * licences is the embedding process's ({@code ClusterDb.usage().admit}).
   */
  public CompletableFuture<PeerUsage> publishUsage(String memberId, Map<String, Long> counters) {
    return guard(
        () ->
            caller.call(
                UsageGrpc.getPublishMethod(),
                UsagePublishRequest.newBuilder()
                    .setMemberId(Objects.requireNonNull(memberId, "memberId"))
                    .putAllCounters(counters)
                    .build(),
                Kind.MEMBER,
                (UsagePublishResponse r) -> WireCodec.peerUsage(r.getPeer())));
  }

  /** Every live member's usage row, the totals, capacity and what remains; a linearizable read. */
  public CompletableFuture<UsageReport> usageReport() {
    return guard(
        () ->
            read(
                UsageGrpc.getReportMethod(),
                UsageReportRequest.getDefaultInstance(),
                Consistency.LINEARIZABLE,
                (UsageReportResponse r) -> WireCodec.usageReport(r.getReport())));
  }

  /**
   * The seed's {@code xcommand ForceSystemKeyUpdate} on the member this client talks to now, which
   * must hold the cluster's system key: it rewrites its key file and sends the key to every other
   * member, so that one whose key file was lost serves sensitive values again. Idempotent, so
   * retried on that member only. Blocks up to the request timeout.
   *
   * @return the member ids the key was sent to
   * @throws ClusterDbException {@code UNAVAILABLE} if that member holds no key or cannot write its
   *     key file
   */
  public List<String> forceSystemKeyUpdate() {
    return BlockingKeyValueStore.await(
        guard(
            () ->
                caller.call(
                    ClusterGrpc.getForceSystemKeyUpdateMethod(),
                    ForceSystemKeyUpdateRequest.getDefaultInstance(),
                    Kind.MEMBER,
                    r -> List.copyOf(r.getSentToList()))));
  }

  /**
   * The seed's {@code xcommand ForceConfigUpdate} on the member this client talks to now, a
   * subordinate: the primary takes a snapshot, then the member discards its copy of the cluster
   * tables and restarts its database to receive the primary's. Answers before the restart; follow
   * the member's {@link #clusterStatus()} until its applied index reaches the result and its
   * synchronisation check passes past it.
   *
   * @return the primary's snapshot index
   * @throws ClusterDbException {@code INVALID_ARGUMENT} on the primary; {@code UNAVAILABLE} if the
   *     primary does not lead (nothing changed)
   */
  public long forceConfigUpdate() {
    return BlockingKeyValueStore.await(
        guard(
            () ->
                caller.call(
                    ClusterGrpc.getForceConfigUpdateMethod(),
                    ForceConfigUpdateRequest.getDefaultInstance(),
                    Kind.MEMBER,
                    r -> r.getIndex())));
  }

  /**
   * The clustering settings of the member this client talks to now: its own and the cluster's, as
   * the appliance's clustering page shows them. Retried on that member only, never answered by
   * another. Blocks up to the request timeout.
   *
   * @throws ClusterDbException as the asynchronous operations fail
   */
  public MemberClusteringSettings clusteringSettings() {
    return BlockingKeyValueStore.await(
        guard(
            () ->
                caller.call(
                    ClusterGrpc.getGetClusteringSettingsMethod(),
                    GetClusteringSettingsRequest.getDefaultInstance(),
                    Kind.MEMBER,
                    r ->
                        new MemberClusteringSettings(
                            r.getMemberId(),
                            WireCodec.ownSettings(r),
                            WireCodec.clusterSettings(r),
                            r.getListenAddress().isEmpty()
                                ? Optional.empty()
                                : Optional.of(r.getListenAddress())))));
  }

  /**
   * Saves the own clustering settings of the member this client talks to now, as an admin does on
   * that peer's clustering page; on the primary they become the cluster's. Idempotent, so retried
   * on that member only, like {@link #setPrimary}. Blocks up to the request timeout.
   *
   * @return the settings as saved
   * @throws ClusterDbException {@code INVALID_ARGUMENT} naming the field for invalid settings, or a
   *     peer list that leaves that member out; nothing is saved then
   */
  public ClusteringSettings saveClusteringSettings(ClusteringSettings settings) {
    return saveClusteringSettings("", settings);
  }

  /**
   * As {@link #saveClusteringSettings(ClusteringSettings)}, but only on member {@code memberId}:
   * for a read-modify-write of {@link #clusteringSettings()}, pass its {@code memberId}, so that
   * settings read from one member are never saved on another.
   *
   * @throws ClusterDbException {@code INVALID_ARGUMENT} (field {@code member_id}) if another member
   *     answers; nothing is saved then
   */
  public ClusteringSettings saveClusteringSettings(String memberId, ClusteringSettings settings) {
    return saveClusteringSettings(memberId, settings, false);
  }

  /**
   * As {@link #saveClusteringSettings(String, ClusteringSettings)}; with {@code force}, a switch to
   * TLS mode Enforce is saved even though some peers' certificates are invalid.
   *
   * @throws ClusterDbException {@code INVALID_ARGUMENT} (field {@code tlsMode}) listing the peers
   *     whose certificates are invalid, for a switch to Enforce without {@code force}
   */
  public ClusteringSettings saveClusteringSettings(
      String memberId, ClusteringSettings settings, boolean force) {
    return BlockingKeyValueStore.await(
        guard(
            () -> {
              Objects.requireNonNull(memberId, "memberId");
              Objects.requireNonNull(settings, "settings");
              return caller.call(
                  ClusterGrpc.getSaveClusteringSettingsMethod(),
                  WireCodec.saveClusteringSettingsRequest(memberId, settings, force),
                  Kind.MEMBER,
                  r -> WireCodec.clusteringSettings(r.getSettings(), "settings"));
            }));
  }

  /**
   * Every member of the cluster, in the cluster's configured order. Blocks up to the request
   * timeout.
   *
   * @throws ClusterDbException as the asynchronous operations fail
   */
  public List<Member> members() {
    return BlockingKeyValueStore.await(
        guard(
            () ->
                caller.call(
                    ClusterGrpc.getMembersMethod(),
                    MembersRequest.getDefaultInstance(),
                    Kind.READ,
                    r -> r.getMembersList().stream().map(Member::of).toList())));
  }

  /**
   * The leader as a member sees it; empty when that member knows none (say, during an election).
   * Also what this client prefers for writes from now on. Blocks up to the request timeout.
   *
   * @throws ClusterDbException as the asynchronous operations fail
   */
  public Optional<Member> leader() {
    return BlockingKeyValueStore.await(fetchLeader());
  }

  /**
   * Creates account {@code name}, or changes its role and, unless {@code password} is null, its
   * password. Needs an admin once authentication is on. Retried like a read: saving twice is
   * harmless. Blocks up to the request timeout.
   *
   * @throws ClusterDbException {@code INVALID_ARGUMENT} naming {@code name}, {@code password} or
   *     {@code role}; {@code PERMISSION_DENIED} for a read-only caller
   */
  public Account saveAccount(String name, Role role, String password) {
    return BlockingKeyValueStore.await(
        guard(
            () -> {
              Objects.requireNonNull(role, "role");
              SaveAccountRequest.Builder b =
                  SaveAccountRequest.newBuilder()
                      .setName(Objects.requireNonNull(name, "name"))
                      .setRole(WireCodec.role(role));
              if (password != null) {
                b.setPassword(password);
              }
              return caller.call(
                  AuthGrpc.getSaveAccountMethod(),
                  b.build(),
                  Kind.READ,
                  r -> WireCodec.account(r.getAccount()));
            }));
  }

  /**
   * Deletes account {@code name}. Blocks up to the request timeout.
   *
   * @throws ClusterDbException {@code INVALID_ARGUMENT} (field {@code name}) for no such account or
   *     the last admin while authentication is on
   */
  public void deleteAccount(String name) {
    BlockingKeyValueStore.await(
        guard(
            () ->
                caller.call(
                    AuthGrpc.getDeleteAccountMethod(),
                    DeleteAccountRequest.newBuilder()
                        .setName(Objects.requireNonNull(name, "name"))
                        .build(),
                    Kind.WRITE,
                    r -> null)));
  }

  /**
   * Turns authentication on or off for the whole cluster. Blocks up to the request timeout.
   *
   * @throws ClusterDbException {@code INVALID_ARGUMENT} (field {@code enabled}) turning it on with
   *     no admin account
   */
  public void setAuthEnabled(boolean enabled) {
    BlockingKeyValueStore.await(
        guard(
            () ->
                caller.call(
                    AuthGrpc.getSetAuthMethod(),
                    SetAuthRequest.newBuilder().setEnabled(enabled).build(),
                    Kind.READ,
                    r -> null)));
  }

  /**
   * Whether the cluster requires accounts, who this client is to it, and with {@code listAccounts}
   * (an admin's call) every account. Blocks up to the request timeout.
   */
  public AuthStatus authStatus(boolean listAccounts) {
    return BlockingKeyValueStore.await(
        guard(
            () ->
                caller
                    .call(
                        AuthGrpc.getWhoAmIMethod(),
                        WhoAmIRequest.getDefaultInstance(),
                        Kind.READ,
                        r -> r)
                    .thenCompose(
                        who -> {
                          Optional<Account> me =
                              who.hasAccount()
                                  ? Optional.of(WireCodec.account(who.getAccount()))
                                  : Optional.empty();
                          if (!listAccounts) {
                            return CompletableFuture.completedFuture(
                                new AuthStatus(
                                    who.getAuthEnabled(), me, who.getAuthenticatedBy(), List.of()));
                          }
                          return caller.call(
                              AuthGrpc.getListAccountsMethod(),
                              ListAccountsRequest.getDefaultInstance(),
                              Kind.READ,
                              r ->
                                  new AuthStatus(
                                      r.getAuthEnabled(),
                                      me,
                                      who.getAuthenticatedBy(),
                                      r.getAccountsList().stream()
                                          .map(WireCodec::account)
                                          .toList()));
                        })));
  }

  /**
   * Asks the member this client talks to now to take a snapshot; completes with the log index the
   * snapshot covers. Retried on another member like a read: a second snapshot is harmless.
   */
  public CompletableFuture<Long> snapshot() {
    return guard(
        () ->
            caller.call(
                MaintenanceGrpc.getSnapshotMethod(),
                SnapshotRequest.getDefaultInstance(),
                Kind.READ,
                r -> r.getSnapshotIndex()));
  }

  /**
   * Restarts the database of the member this client talks to now, in place (admin only): it
   * answers, then closes its database and client port and starts again from its configuration file.
   * Meanwhile calls to it fail with {@code UNAVAILABLE}. Retried on that member only, and safe to
   * retry when {@code ifStartedAt} is given: a member that started since does not restart again.
   * Blocks up to the request timeout; does not wait for the member to be back (watch {@link
   * MemberStatus#startedAt()}).
   *
   * @param ifStartedAt restart only the database that started at this time, as {@link #status()}
   *     reported it; empty: whatever runs
   * @throws ClusterDbException {@code PERMISSION_DENIED} for a read-only account; {@code
   *     INVALID_ARGUMENT} if the member's configuration file no longer loads (it keeps running)
   */
  public RestartAnswer restart(Optional<Instant> ifStartedAt) {
    return BlockingKeyValueStore.await(
        guard(
            () ->
                caller.call(
                    MaintenanceGrpc.getRestartMethod(),
                    RestartRequest.newBuilder()
                        .setIfStartedAtMillis(ifStartedAt.map(Instant::toEpochMilli).orElse(0L))
                        .build(),
                    Kind.MEMBER,
                    r ->
                        new RestartAnswer(
                            r.getMemberId(),
                            Instant.ofEpochMilli(r.getStartedAtMillis()),
                            r.getRestarting()))));
  }

  /**
   * Streams an online backup of the member this client talks to first into {@code out}: the bytes
   * of one backup file, which {@code clusterdb restore} checks and restores. Not retried elsewhere:
   * a backup is of one peer. Bounded by the backup timeout, not the request timeout.
   *
   * @param progress told (bytes received, bytes in all) as chunks arrive
   * @return the bytes written
   * @throws ClusterDbException as the member answers; {@code UNAVAILABLE} if the stream breaks, in
   *     which case {@code out} holds a partial file
   */
  public long backup(OutputStream out, BiConsumer<Long, Long> progress, Duration timeout)
      throws IOException {
    String address = endpoints.first(false);
    Iterator<BackupChunk> chunks;
    long done = 0;
    long total = -1;
    try {
      chunks =
          MaintenanceGrpc.newBlockingStub(endpoints.channel(address))
              .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .backup(BackupRequest.getDefaultInstance());
      while (chunks.hasNext()) {
        BackupChunk c = chunks.next();
        if (c.getTotalBytes() > 0) {
          total = c.getTotalBytes();
        }
        c.getData().writeTo(out);
        done += c.getData().size();
        progress.accept(done, total);
      }
    } catch (RuntimeException e) {
      throw WireErrors.fromStatus(e, false);
    }
    if (total >= 0 && done != total) {
      throw new ClusterDbException(
          ErrorCode.UNAVAILABLE,
          "backup from " + address + " ended after " + done + " of " + total + " bytes");
    }
    return done;
  }

  /**
   * Closes every channel. Operations in progress fail with {@link ErrorCode#UNAVAILABLE}; watches
   * end with it. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("clusterdb client closing clientId={} watches={}", ids.clientId(), watches.size());
    ClusterDbException closing =
        new ClusterDbException(ErrorCode.UNAVAILABLE, "the client is closed");
    for (ClientWatch w : watches) {
      w.end(closing);
    }
    caller.close();
    endpoints.close();
    timer.shutdownNow();
    // Not shutdownNow: a worker may be running a caller's continuation, which is not ours to
    // interrupt; what is still queued finds the operation already failed.
    worker.shutdown();
  }

  @Override
  public String toString() {
    return "ClusterDbClient{endpoints=" + config.endpoints() + ", clientId=" + ids.clientId() + "}";
  }

  private <Req, Resp, T> CompletableFuture<T> read(
      MethodDescriptor<Req, Resp> method,
      Req request,
      Consistency consistency,
      Function<Resp, T> decode) {
    Kind kind = consistency == Consistency.LINEARIZABLE ? Kind.LEADER_READ : Kind.READ;
    if (kind.prefersLeader) {
      refreshLeaderIfDue();
    }
    return caller.call(method, request, kind, decode);
  }

  private <Req, Resp, T> CompletableFuture<T> write(
      MethodDescriptor<Req, Resp> method,
      Function<RequestId, Req> build,
      Function<Resp, T> decode) {
    refreshLeaderIfDue();
    RequestId id = ids.next();
    CompletableFuture<T> result;
    try {
      result = caller.call(method, build.apply(id), Kind.WRITE, decode);
    } catch (RuntimeException e) {
      ids.done(id.seq());
      throw e;
    }
    result.whenComplete((r, e) -> ids.done(id.seq()));
    return result;
  }

  private CompletableFuture<Optional<Member>> fetchLeader() {
    return guard(
        () ->
            caller.call(
                ClusterGrpc.getLeaderMethod(),
                LeaderRequest.getDefaultInstance(),
                Kind.READ,
                (LeaderResponse r) -> {
                  if (r.hasLeader() && !r.getLeader().getClientAddress().isEmpty()) {
                    endpoints.leaderIs(r.getLeader().getClientAddress());
                    return Optional.of(Member.of(r.getLeader()));
                  }
                  endpoints.leaderUnknown();
                  return Optional.empty();
                }));
  }

  /** Asks for the leader in the background when none is known or the known one is due a check. */
  private void refreshLeaderIfDue() {
    // One lookup at a time: during an outage each one retries for a whole request timeout.
    if (!closed.get()
        && endpoints.claimLeaderRefresh()
        && leaderLookup.compareAndSet(false, true)) {
      fetchLeader()
          .whenComplete(
              (r, e) -> {
                leaderLookup.set(false);
                if (e != null) {
                  LOG.debug("leader lookup failed error={}", e.toString());
                }
              });
    }
  }

  /** Turns a synchronous failure (a null argument, a closed client) into a failed future. */
  private static <T> CompletableFuture<T> guard(Supplier<CompletableFuture<T>> op) {
    try {
      return op.get();
    } catch (NullPointerException e) {
      return CompletableFuture.failedFuture(
          ClusterDbException.invalid(String.valueOf(e.getMessage()), "must not be null"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(BlockingKeyValueStore.unwrap(e));
    }
  }

  private static ThreadFactory daemon(String role) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "clusterdb-client-" + role + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Builds a {@link ClusterDbClient}; every setting not given keeps its default from {@link
   * ClientConfig}. Not thread-safe.
   */
  public static final class Builder {
    private List<String> endpoints = List.of();
    private Duration requestTimeout = ClientConfig.DEFAULT_REQUEST_TIMEOUT;
    private Duration attemptTimeout = ClientConfig.DEFAULT_ATTEMPT_TIMEOUT;
    private Duration backoffInitial = ClientConfig.DEFAULT_BACKOFF_INITIAL;
    private Duration backoffMax = ClientConfig.DEFAULT_BACKOFF_MAX;
    private ChannelFactory channels;
    private ClientTls tls = ClientTls.UNVERIFIED;
    private Credentials credentials;

    private Builder() {}

    /** The members' client addresses, {@code host:port}, in order of preference. */
    public Builder endpoints(List<String> endpoints) {
      this.endpoints = endpoints;
      return this;
    }

    public Builder endpoints(String... endpoints) {
      return endpoints(Arrays.asList(endpoints));
    }

    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    public Builder attemptTimeout(Duration timeout) {
      this.attemptTimeout = timeout;
      return this;
    }

    /** The first pause between retries, and the longest. */
    public Builder backoff(Duration initial, Duration max) {
      this.backoffInitial = initial;
      this.backoffMax = max;
      return this;
    }

    /** How to check members' certificates and which one to present (default: none). */
    public Builder tls(ClientTls tls) {
      this.tls = tls;
      return this;
    }

    /** The account to call as; null for none. */
    public Builder credentials(Credentials credentials) {
      this.credentials = credentials;
      return this;
    }

    public Builder credentials(String user, String password) {
      return credentials(new Credentials(user, password));
    }

    /** For tests: channels of another transport, e.g. in-process. */
    Builder channelFactory(ChannelFactory factory) {
      this.channels = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * The validated configuration.
     *
     * @throws ClusterDbException INVALID_ARGUMENT naming the first bad field
     */
    public ClientConfig config() {
      return new ClientConfig(
              endpoints,
              requestTimeout,
              attemptTimeout,
              backoffInitial,
              backoffMax,
              tls,
              credentials)
          .validate();
    }

    /**
     * A client with this configuration.
     *
     * @throws ClusterDbException INVALID_ARGUMENT naming the first bad field
     */
    public ClusterDbClient build() {
      ClientConfig config = config();
      return new ClusterDbClient(config, channels != null ? channels : ChannelFactory.of(config));
    }
  }
}
