package org.clusterdb.core.fsm;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.proto.log.v1.AccountRecord;
import org.clusterdb.proto.log.v1.AccountRole;
import org.clusterdb.proto.log.v1.ApplyResult;
import org.clusterdb.proto.log.v1.AuditRecord;
import org.clusterdb.proto.log.v1.AuthRecord;
import org.clusterdb.proto.log.v1.Batch;
import org.clusterdb.proto.log.v1.BatchResult;
import org.clusterdb.proto.log.v1.Compare;
import org.clusterdb.proto.log.v1.CreateTable;
import org.clusterdb.proto.log.v1.DedupRecord;
import org.clusterdb.proto.log.v1.DeleteRange;
import org.clusterdb.proto.log.v1.DeleteResult;
import org.clusterdb.proto.log.v1.Event;
import org.clusterdb.proto.log.v1.Failure;
import org.clusterdb.proto.log.v1.HistoryRecord;
import org.clusterdb.proto.log.v1.KeyValue;
import org.clusterdb.proto.log.v1.LeaseGrant;
import org.clusterdb.proto.log.v1.LeaseRecord;
import org.clusterdb.proto.log.v1.LeaseResult;
import org.clusterdb.proto.log.v1.LeaseRevoke;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.OpResult;
import org.clusterdb.proto.log.v1.Put;
import org.clusterdb.proto.log.v1.PutAccount;
import org.clusterdb.proto.log.v1.PutResult;
import org.clusterdb.proto.log.v1.RequestId;
import org.clusterdb.proto.log.v1.StoredValue;
import org.clusterdb.proto.log.v1.TableMeta;
import org.clusterdb.proto.log.v1.TableResult;
import org.clusterdb.proto.log.v1.Txn;
import org.clusterdb.proto.log.v1.TxnResult;

/**
 * The deterministic apply logic: one command against one store's state.
 *
 * <p>Pure: no clock, no I/O of its own, no consensus types; the same command applied to the same
 * state always writes the same batch and returns the same result, on every peer. Business failures
 * (unknown table, table exists) are results, and leave the batch untouched. Size limits are not
 * checked here: they are per-peer settings, enforced by {@link CommandValidator} before a command
 * is replicated. Not thread-safe; one applier per store, driven by one thread.
 */
public final class Applier {
  /**
   * How many request outcomes are remembered for deduplication, across all clients. Part of the log
   * format's semantics, not a setting: peers that forgot differently would diverge.
   */
  public static final long DEDUP_WINDOW = 100_000;

  /** Up to this many seqs to forget are looked up one by one; more are found by a scan. */
  private static final long POINT_LOOKUP_MAX = 32;

  /**
   * How many audit rows a store keeps; the oldest go first. Part of the log format's semantics, as
   * {@link #DEDUP_WINDOW}: replicas that kept differently would differ in their digests.
   */
  public static final long AUDIT_ROWS = 10_000;

  /**
   * Audit rows one command writes at most (a wide range delete changes many keys); the last row
   * says how many keys it left out.
   */
  public static final int AUDIT_ROWS_PER_COMMAND = 1_000;

  private final HistoryPolicy history;
  private final long dedupWindow;
  private final String auditTable;
  private final long auditRows;

  /** The apply logic of the cluster tables, audited into {@link TableNames#AUDIT}. */
  public Applier(HistoryPolicy history) {
    this(history, TableNames.AUDIT);
  }

  /** The apply logic of a store whose audited changes go to {@code auditTable}. */
  public Applier(HistoryPolicy history, String auditTable) {
    this(history, DEDUP_WINDOW, auditTable, AUDIT_ROWS);
  }

  /** With a smaller deduplication window, so tests can reach it. */
  Applier(HistoryPolicy history, long dedupWindow) {
    this(history, dedupWindow, TableNames.AUDIT, AUDIT_ROWS);
  }

  /** With a smaller audit retention, so tests can reach it. */
  Applier(HistoryPolicy history, long dedupWindow, String auditTable, long auditRows) {
    this.history = Objects.requireNonNull(history, "history");
    this.dedupWindow = dedupWindow;
    this.auditTable = Objects.requireNonNull(auditTable, "auditTable");
    this.auditRows = auditRows;
  }

  /**
   * Applies {@code entry} into {@code state}; the caller commits the batch. An entry carrying a
   * request id already applied changes nothing and returns the first outcome.
   */
  public ApplyOutcome apply(LogEntry entry, StateWriter state) {
    return apply(entry, state, 0);
  }

  /**
   * As {@link #apply(LogEntry, StateWriter)}, for an entry of the Raft log appended in {@code
   * term}: a lease's expiry applies only in the term of the leader that decided it.
   */
  public ApplyOutcome apply(LogEntry entry, StateWriter state, long term) {
    if (!entry.hasRequestId() || entry.getRequestId().getClientId().isEmpty()) {
      return applyCommand(entry, state, term);
    }
    RequestId id = entry.getRequestId();
    byte[] client = id.getClientId().toByteArray();
    long count = state.dedupCount();
    long below = id.getAckedBelow();
    OptionalLong floor = state.dedupFloor(client);
    long from =
        floor.isPresent()
            ? floor.getAsLong()
            : state.latestDedup(client).map(DedupRecord::getAckedBelow).orElse(0L);
    count -= forget(client, Math.min(from, below), below, state);
    if (!floor.isPresent() || below > from) {
      state.setDedupFloor(client, Math.max(from, below));
    }
    Optional<DedupRecord> seen = state.dedup(client, id.getSeq());
    if (seen.isPresent()) {
      state.setDedupCount(count);
      return new ApplyOutcome(seen.get().getResult(), state.revision(), List.of());
    }
    if (id.getSeq() < from) {
      // The client already had this request's outcome (or gave up on it) and told us so; its record
      // is gone. A late retry applied now could undo the client's later writes: refuse it.
      state.setDedupCount(count);
      return failed(
          state,
          CommandValidator.fail(
                  ErrorCode.INVALID_ARGUMENT,
                  "request_id.seq",
                  "request "
                      + id.getSeq()
                      + " was already acknowledged to its client (acked below "
                      + from
                      + "): a stale retry is not applied")
              .orElseThrow());
    }
    ApplyOutcome outcome = applyCommand(entry, state, term);
    state.putDedup(
        client,
        id.getSeq(),
        DedupRecord.newBuilder()
            .setRevision(outcome.revision())
            .setResult(outcome.result())
            .setAckedBelow(below)
            .build());
    count++;
    while (count > dedupWindow) {
      StateReader.DedupKey oldest = state.oldestDedup().orElseThrow();
      state.deleteDedup(oldest.clientId(), oldest.seq(), oldest.revision());
      state.setDedupOrderFrom(oldest.revision());
      count--;
    }
    state.setDedupCount(count);
    return outcome;
  }

  /**
   * Forgets the remembered requests of {@code client} in {@code [from, below)}; returns how many.
   * The range is usually a few seqs (the requests acknowledged since the client's previous one):
   * looked up one by one, which is cheaper than opening an iterator.
   */
  private static long forget(byte[] client, long from, long below, StateWriter state) {
    long forgotten = 0;
    if (below - from <= POINT_LOOKUP_MAX) {
      for (long seq = from; seq < below; seq++) {
        OptionalLong revision = state.dedupRevision(client, seq);
        if (revision.isPresent()) {
          state.deleteDedup(client, seq, revision.getAsLong());
          forgotten++;
        }
      }
      return forgotten;
    }
    for (long seq : state.dedupSeqs(client, from, below)) {
      state.deleteDedup(client, seq, state.dedupRevision(client, seq).orElseThrow());
      forgotten++;
    }
    return forgotten;
  }

  private ApplyOutcome applyCommand(LogEntry entry, StateWriter state, long term) {
    AuditTrail trail =
        AuditTrail.of(entry.hasAudit() ? entry.getAudit() : null, AUDIT_ROWS_PER_COMMAND);
    return switch (entry.getCommandCase()) {
      case CREATE_TABLE -> createTable(entry.getCreateTable(), state, trail);
      case DROP_TABLE -> dropTable(entry.getDropTable().getName(), state, trail);
      case TXN -> txn(entry.getTxn(), entry.getProposer(), state, trail);
      // Markers for the synchronisation check: they change nothing, not even the revision.
      case SYNC_CHECK, SYNC_REPORT ->
          new ApplyOutcome(
              ApplyResult.newBuilder().setRevision(state.revision()).build(),
              state.revision(),
              List.of());
      case SET_CLUSTER_SETTINGS ->
          reservedPut(
              TableNames.CLUSTER,
              TableNames.SETTINGS_KEY,
              entry.getSetClusterSettings().getSettings().toByteString(),
              null,
              state,
              trail);
      case JOIN_REQUEST ->
          reservedPut(
              TableNames.CLUSTER,
              TableNames.JOIN_PREFIX + entry.getJoinRequest().getMemberId(),
              entry.getJoinRequest().toByteString(),
              TableNames.REFUSED_PREFIX + entry.getJoinRequest().getMemberId(),
              state,
              AuditTrail.NONE);
      case REFUSE_JOIN ->
          reservedPut(
              TableNames.CLUSTER,
              TableNames.REFUSED_PREFIX + entry.getRefuseJoin().getMemberId(),
              entry.getRefuseJoin().toByteString(),
              null,
              state,
              AuditTrail.NONE);
      case PUT_ACCOUNT -> putAccount(entry.getPutAccount(), state, trail);
      case DELETE_ACCOUNT -> deleteAccount(entry.getDeleteAccount().getName(), state, trail);
      case SET_AUTH -> setAuth(entry.getSetAuth().getEnabled(), state, trail);
      case PUBLISH_PEER_KEY ->
          reservedPut(
              TableNames.CLUSTER,
              TableNames.PEER_KEY_PREFIX + entry.getPublishPeerKey().getMemberId(),
              entry.getPublishPeerKey().toByteString(),
              entry.getPublishPeerKey().getWantsSystemKey()
                  ? null
                  : TableNames.KEY_GRANT_PREFIX + entry.getPublishPeerKey().getMemberId(),
              state,
              AuditTrail.NONE);
      case LEASE_GRANT -> leaseGrant(entry.getLeaseGrant(), state);
      case LEASE_KEEP_ALIVE -> leaseKeepAlive(entry.getLeaseKeepAlive().getId(), state);
      case LEASE_REVOKE -> leaseRevoke(entry.getLeaseRevoke(), term, state, trail);
      case GRANT_SYSTEM_KEY ->
          reservedPut(
              TableNames.CLUSTER,
              TableNames.KEY_GRANT_PREFIX + entry.getGrantSystemKey().getMemberId(),
              entry.getGrantSystemKey().toByteString(),
              null,
              state,
              AuditTrail.NONE);
      // Only applyBatch unpacks a batch: one inside another is refused, as the validator does.
      case BATCH ->
          failed(
              state,
              CommandValidator.fail(
                      ErrorCode.INVALID_ARGUMENT, "batch", "a batch cannot hold another batch")
                  .orElseThrow());
      case COMMAND_NOT_SET ->
          failed(
              state,
              CommandValidator.fail(ErrorCode.INVALID_ARGUMENT, "command", "no command set")
                  .orElseThrow());
    };
  }

  /**
   * Applies the entries of {@code batch} in order into {@code state}, each exactly as {@link
   * #apply} would as its own log entry (its own revision, deduplication and result); the caller
   * commits once for all. Returns one outcome per entry.
   */
  public List<ApplyOutcome> applyBatch(Batch batch, StateWriter state, long term) {
    List<ApplyOutcome> outcomes = new ArrayList<>(batch.getEntriesCount());
    for (LogEntry entry : batch.getEntriesList()) {
      outcomes.add(apply(entry, state, term));
    }
    return outcomes;
  }

  /** The reply to a batch's proposer: each entry's result, in order. */
  public static ApplyResult batchResult(List<ApplyOutcome> outcomes, long revision) {
    BatchResult.Builder b = BatchResult.newBuilder();
    for (ApplyOutcome o : outcomes) {
      b.addResults(o.result());
    }
    return ApplyResult.newBuilder().setRevision(revision).setBatch(b).build();
  }

  /**
   * A write to one of clusterdb's own cluster tables, created with its first row; {@code
   * deleteKey}, if not null, goes in the same revision.
   */
  private ApplyOutcome reservedPut(
      String table,
      String key,
      ByteString value,
      String deleteKey,
      StateWriter state,
      AuditTrail trail) {
    long revision = state.revision() + 1;
    if (state.table(table).isEmpty()) {
      state.putTable(TableMeta.newBuilder().setName(table).setCreateRevision(revision).build());
    }
    List<Event> events = new ArrayList<>();
    if (deleteKey != null) {
      deleteRow(
          table,
          deleteKey.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          revision,
          state,
          events,
          trail);
    }
    PutResult result =
        put(
            Put.newBuilder()
                .setTable(table)
                .setKey(ByteString.copyFromUtf8(key))
                .setValue(value)
                .build(),
            revision,
            state,
            events,
            trail);
    List<AuditRecord> audit = commitRevision(state, revision, events, trail);
    return new ApplyOutcome(
        ApplyResult.newBuilder()
            .setRevision(revision)
            .setTxn(
                TxnResult.newBuilder()
                    .setSucceeded(true)
                    .addResults(OpResult.newBuilder().setPut(result)))
            .build(),
        revision,
        events,
        audit);
  }

  private ApplyOutcome putAccount(PutAccount put, StateWriter state, AuditTrail trail) {
    Optional<AccountRecord> existing = account(put.getName(), state);
    String hash = put.getPasswordHash();
    ByteString sealed = put.getSealedPasswordHash();
    if (hash.isEmpty() && sealed.isEmpty()) {
      if (existing.isEmpty()) {
        return refused(state, "password", "required for a new account");
      }
      hash = existing.get().getPasswordHash();
      sealed = existing.get().getSealedPasswordHash();
    }
    boolean demoted =
        existing.map(a -> a.getRole() == AccountRole.ACCOUNT_ROLE_ADMIN).orElse(false)
            && put.getRole() != AccountRole.ACCOUNT_ROLE_ADMIN;
    if (demoted && authEnabled(state) && admins(state) == 1) {
      return refused(
          state,
          "role",
          "'" + put.getName() + "' is the last admin account while authentication is on");
    }
    AccountRecord record =
        AccountRecord.newBuilder()
            .setName(put.getName())
            .setRole(put.getRole())
            .setPasswordHash(hash)
            .setSealedPasswordHash(sealed)
            .build();
    return reservedPut(
        TableNames.ACCOUNTS, put.getName(), record.toByteString(), null, state, trail);
  }

  private ApplyOutcome deleteAccount(String name, StateWriter state, AuditTrail trail) {
    Optional<AccountRecord> existing = account(name, state);
    if (existing.isEmpty()) {
      return refused(state, "name", "no account '" + name + "'");
    }
    if (existing.get().getRole() == AccountRole.ACCOUNT_ROLE_ADMIN
        && authEnabled(state)
        && admins(state) == 1) {
      return refused(
          state, "name", "'" + name + "' is the last admin account while authentication is on");
    }
    long revision = state.revision() + 1;
    List<Event> events = new ArrayList<>();
    deleteRow(
        TableNames.ACCOUNTS,
        name.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        revision,
        state,
        events,
        trail);
    List<AuditRecord> audit = commitRevision(state, revision, events, trail);
    return new ApplyOutcome(
        ApplyResult.newBuilder().setRevision(revision).build(), revision, events, audit);
  }

  private ApplyOutcome setAuth(boolean enabled, StateWriter state, AuditTrail trail) {
    if (enabled && admins(state) == 0) {
      return refused(state, "enabled", "authentication needs an admin account: create one first");
    }
    return reservedPut(
        TableNames.CLUSTER,
        TableNames.AUTH_KEY,
        AuthRecord.newBuilder().setEnabled(enabled).build().toByteString(),
        null,
        state,
        trail);
  }

  private static ApplyOutcome refused(StateReader state, String field, String message) {
    return failed(
        state, CommandValidator.fail(ErrorCode.INVALID_ARGUMENT, field, message).orElseThrow());
  }

  private static Optional<AccountRecord> account(String name, StateReader state) {
    if (state.table(TableNames.ACCOUNTS).isEmpty()) {
      return Optional.empty();
    }
    return state
        .get(TableNames.ACCOUNTS, name.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .map(v -> parse(v.getValue(), AccountRecord.parser()))
        .filter(Objects::nonNull);
  }

  private static int admins(StateReader state) {
    if (state.table(TableNames.ACCOUNTS).isEmpty()) {
      return 0;
    }
    int[] admins = {0};
    state.scan(
        TableNames.ACCOUNTS,
        new byte[0],
        null,
        (key, value) -> {
          AccountRecord a = parse(value.getValue(), AccountRecord.parser());
          if (a != null && a.getRole() == AccountRole.ACCOUNT_ROLE_ADMIN) {
            admins[0]++;
          }
          return true;
        });
    return admins[0];
  }

  /** Whether the cluster requires client authentication, as applied into {@code state}. */
  public static boolean authEnabled(StateReader state) {
    if (state.table(TableNames.CLUSTER).isEmpty()) {
      return false;
    }
    return state
        .get(
            TableNames.CLUSTER,
            TableNames.AUTH_KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .map(v -> parse(v.getValue(), AuthRecord.parser()))
        .map(a -> a != null && a.getEnabled())
        .orElse(false);
  }

  /** Null for a record this build cannot read: treated as absent, never as a crash mid-apply. */
  private static <T> T parse(ByteString bytes, com.google.protobuf.Parser<T> parser) {
    try {
      return parser.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return null;
    }
  }

  private ApplyOutcome createTable(CreateTable create, StateWriter state, AuditTrail trail) {
    String name = create.getName();
    if (state.table(name).isPresent()) {
      return failed(
          state,
          Failure.newBuilder()
              .setCode(ErrorCode.TABLE_EXISTS.number())
              .setField("name")
              .setMessage("name: table '" + name + "' already exists")
              .build());
    }
    long revision = state.revision() + 1;
    TableMeta meta =
        TableMeta.newBuilder()
            .setName(name)
            .setCreateRevision(revision)
            .setSensitive(create.getSensitive())
            .setPeerOwnedRows(create.getPeerOwnedRows())
            .build();
    state.putTable(meta);
    trail.table(AuditRecord.Action.CREATE_TABLE, meta);
    List<AuditRecord> audit = commitRevision(state, revision, List.of(), trail);
    return new ApplyOutcome(
        ApplyResult.newBuilder()
            .setRevision(revision)
            .setTable(TableResult.newBuilder().setTable(meta))
            .build(),
        revision,
        List.of(),
        audit);
  }

  private ApplyOutcome dropTable(String name, StateWriter state, AuditTrail trail) {
    Optional<TableMeta> meta = state.table(name);
    if (meta.isEmpty()) {
      return failed(state, Reader.unknownTable(name, "name"));
    }
    long revision = state.revision() + 1;
    List<Event> events = new ArrayList<>();
    // One row for the table, not one per row it held.
    deleteRows(name, new byte[0], null, revision, state, events, AuditTrail.NONE);
    state.deleteTable(name);
    trail.table(AuditRecord.Action.DROP_TABLE, meta.get());
    List<AuditRecord> audit = commitRevision(state, revision, events, trail);
    return new ApplyOutcome(
        ApplyResult.newBuilder()
            .setRevision(revision)
            .setTable(TableResult.newBuilder().setTable(meta.get()))
            .build(),
        revision,
        events,
        audit);
  }

  private ApplyOutcome txn(Txn txn, String proposer, StateWriter state, AuditTrail trail) {
    Optional<Failure> missing = missingTable(txn, state);
    if (missing.isPresent()) {
      return failed(state, missing.get());
    }
    Optional<Failure> notOwned = PeerOwnedRows.refusal(txn, proposer, state);
    if (notOwned.isPresent()) {
      return failed(state, notOwned.get());
    }
    if (PeerOwnedRows.writesOnlyOwnedRows(txn, state)) {
      // Runtime state a member publishes, not configuration: not audited.
      trail = AuditTrail.NONE;
    }
    Optional<Failure> unsealed = sealing(txn, state);
    if (unsealed.isPresent()) {
      return failed(state, unsealed.get());
    }
    Optional<Failure> noLease = missingLease(txn, state);
    if (noLease.isPresent()) {
      return failed(state, noLease.get());
    }
    boolean succeeded = true;
    for (Compare c : txn.getComparesList()) {
      if (!holds(c, state)) {
        succeeded = false;
        break;
      }
    }
    List<Op> branch = succeeded ? txn.getSuccessList() : txn.getFailureList();
    // Writes of this transaction carry the next revision; it is committed only if one happens.
    long revision = state.revision() + 1;
    List<Event> events = new ArrayList<>();
    TxnResult.Builder result = TxnResult.newBuilder().setSucceeded(succeeded);
    for (Op op : branch) {
      result.addResults(run(op, revision, state, events, trail));
    }
    long after = events.isEmpty() ? state.revision() : revision;
    List<AuditRecord> audit =
        events.isEmpty() ? List.of() : commitRevision(state, revision, events, trail);
    return new ApplyOutcome(
        ApplyResult.newBuilder().setRevision(after).setTxn(result).build(), after, events, audit);
  }

  private static Optional<Failure> missingTable(Txn txn, StateReader state) {
    for (int i = 0; i < txn.getComparesCount(); i++) {
      String table = txn.getCompares(i).getTable();
      if (state.table(table).isEmpty()) {
        return Optional.of(Reader.unknownTable(table, "txn.compare[" + i + "].table"));
      }
    }
    Optional<Failure> f = missingTable(txn.getSuccessList(), "txn.success", state);
    return f.isPresent() ? f : missingTable(txn.getFailureList(), "txn.failure", state);
  }

  private static Optional<Failure> missingTable(List<Op> ops, String name, StateReader state) {
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      String table =
          switch (op.getOpCase()) {
            case PUT -> op.getPut().getTable();
            case DELETE_RANGE -> op.getDeleteRange().getTable();
            case RANGE -> op.getRange().getTable();
            case OP_NOT_SET -> "";
          };
      if (state.table(table).isEmpty()) {
        return Optional.of(Reader.unknownTable(table, name + "[" + i + "].table"));
      }
    }
    return Optional.empty();
  }

  /**
   * A sensitive table's values are sealed by the proposing member, so the log and the state never
   * hold them in plain text: a put must be sealed exactly when its table is sensitive (a member
   * whose replica did not know the table yet may have got it wrong), and a sealed value cannot be
   * compared, since each sealing of a value differs.
   */
  private static Optional<Failure> sealing(Txn txn, StateReader state) {
    for (int i = 0; i < txn.getComparesCount(); i++) {
      Compare c = txn.getCompares(i);
      if (c.getTarget() == Compare.Target.VALUE && sensitive(c.getTable(), state)) {
        return CommandValidator.fail(
            ErrorCode.INVALID_ARGUMENT,
            "txn.compare[" + i + "].target",
            "table '" + c.getTable() + "' is sensitive: its values cannot be compared");
      }
    }
    Optional<Failure> f = sealing(txn.getSuccessList(), "txn.success", state);
    return f.isPresent() ? f : sealing(txn.getFailureList(), "txn.failure", state);
  }

  private static Optional<Failure> sealing(List<Op> ops, String name, StateReader state) {
    for (int i = 0; i < ops.size(); i++) {
      if (!ops.get(i).hasPut()) {
        continue;
      }
      Put put = ops.get(i).getPut();
      boolean sensitive = sensitive(put.getTable(), state);
      if (put.getSealed() != sensitive) {
        return CommandValidator.fail(
            ErrorCode.INVALID_ARGUMENT,
            name + "[" + i + "].put.value",
            "table '"
                + put.getTable()
                + (sensitive
                    ? "' is sensitive and the value was not sealed with the system key"
                    : "' is not sensitive and the value was sealed")
                + "; the member's replica did not know the table as it is: retry");
      }
    }
    return Optional.empty();
  }

  /** Both branches are checked, as for tables: a refusal must not depend on the comparisons. */
  private static Optional<Failure> missingLease(Txn txn, StateReader state) {
    Optional<Failure> f = missingLease(txn.getSuccessList(), "txn.success", state);
    return f.isPresent() ? f : missingLease(txn.getFailureList(), "txn.failure", state);
  }

  private static Optional<Failure> missingLease(List<Op> ops, String name, StateReader state) {
    for (int i = 0; i < ops.size(); i++) {
      if (!ops.get(i).hasPut()) {
        continue;
      }
      long lease = ops.get(i).getPut().getLease();
      if (lease != 0 && leaseRecord(lease, state).isEmpty()) {
        return Optional.of(leaseNotFound(lease, name + "[" + i + "].put.lease"));
      }
    }
    return Optional.empty();
  }

  static Failure leaseNotFound(long lease, String field) {
    return CommandValidator.fail(
            ErrorCode.LEASE_NOT_FOUND,
            field,
            "lease " + lease + " does not exist: it expired, was revoked, or was never granted")
        .orElseThrow();
  }

  /** The record of lease {@code id}, if it is granted and not yet revoked or expired. */
  public static Optional<LeaseRecord> leaseRecord(long id, StateReader state) {
    return state
        .get(TableNames.LEASES, LeaseKeys.lease(id))
        .map(v -> parse(v.getValue(), LeaseRecord.parser()));
  }

  private ApplyOutcome leaseGrant(LeaseGrant grant, StateWriter state) {
    if (leaseRecord(grant.getId(), state).isPresent()) {
      return failed(
          state,
          CommandValidator.fail(
                  ErrorCode.INVALID_ARGUMENT, "id", "lease " + grant.getId() + " already exists")
              .orElseThrow());
    }
    ensureTable(TableNames.LEASES, state);
    ensureTable(TableNames.LEASE_KEYS, state);
    LeaseRecord record =
        LeaseRecord.newBuilder()
            .setId(grant.getId())
            .setTtlMillis(grant.getTtlMillis())
            .setGrantedRevision(state.revision())
            .setMemberId(grant.getMemberId())
            .build();
    // Leases live outside the revision: granting one changes no key a client can watch.
    state.put(
        TableNames.LEASES,
        LeaseKeys.lease(grant.getId()),
        StoredValue.newBuilder().setValue(record.toByteString()).build());
    return leaseResult(state, grant.getId(), grant.getTtlMillis(), 0, 0, state.revision());
  }

  private ApplyOutcome leaseKeepAlive(long id, StateWriter state) {
    Optional<LeaseRecord> record = leaseRecord(id, state);
    if (record.isEmpty()) {
      return failed(state, leaseNotFound(id, "id"));
    }
    LeaseRecord renewed =
        record.get().toBuilder().setRenewals(record.get().getRenewals() + 1).build();
    // Outside the revision, as the grant: a keep-alive changes no key a client can watch.
    state.put(
        TableNames.LEASES,
        LeaseKeys.lease(id),
        StoredValue.newBuilder().setValue(renewed.toByteString()).build());
    return leaseResult(
        state, id, renewed.getTtlMillis(), 0, renewed.getRenewals(), state.revision());
  }

  /** Deletes the lease and, at one new revision, every key still attached to it. */
  private ApplyOutcome leaseRevoke(
      LeaseRevoke revoke, long term, StateWriter state, AuditTrail trail) {
    long id = revoke.getId();
    Optional<LeaseRecord> record = leaseRecord(id, state);
    if (record.isEmpty()) {
      return failed(state, leaseNotFound(id, "id"));
    }
    Optional<Failure> stale = staleExpiry(revoke, term, record.get());
    if (stale.isPresent()) {
      return failed(state, stale.get());
    }
    long revision = state.revision() + 1;
    List<Event> events = new ArrayList<>();
    List<byte[]> index = new ArrayList<>();
    state.scan(
        TableNames.LEASE_KEYS,
        LeaseKeys.first(id),
        LeaseKeys.end(id),
        (row, value) -> {
          index.add(row);
          return true;
        });
    for (byte[] row : index) {
      LeaseKeys.Attached a = LeaseKeys.decode(row);
      state.delete(TableNames.LEASE_KEYS, row);
      // A table dropped and created again, or a key put since without this lease, keeps its key.
      Optional<StoredValue> current =
          state.table(a.table()).isPresent() ? state.get(a.table(), a.key()) : Optional.empty();
      if (current.isPresent() && current.get().getLease() == id) {
        boolean runtimeState =
            state.table(a.table()).map(TableMeta::getPeerOwnedRows).orElse(false);
        state.delete(a.table(), a.key());
        if (!runtimeState) {
          trail.delete(a.table(), a.key(), current.get(), state);
        }
        events.add(deleteEvent(a.table(), a.key(), revision));
      }
    }
    state.delete(TableNames.LEASES, LeaseKeys.lease(id));
    if (events.isEmpty()) {
      return leaseResult(state, id, record.get().getTtlMillis(), 0, 0, state.revision());
    }
    List<AuditRecord> audit = commitRevision(state, revision, events, trail);
    ApplyOutcome o =
        leaseResult(state, id, record.get().getTtlMillis(), events.size(), 0, revision);
    return new ApplyOutcome(o.result(), revision, events, audit);
  }

  /**
   * Why an expiry must not apply: decided by a leader of another term than the one that appended it
   * (a deposed leader's, retried through its successor), or a keep-alive applied since the
   * decision. Empty for a client's revocation and for expiries written before these checks.
   */
  private static Optional<Failure> staleExpiry(LeaseRevoke revoke, long term, LeaseRecord lease) {
    if (!revoke.getExpired() || revoke.getTerm() == 0) {
      return Optional.empty();
    }
    if (term != 0 && revoke.getTerm() != term) {
      return CommandValidator.fail(
          ErrorCode.INVALID_ARGUMENT,
          "lease_revoke.term",
          "the expiry of lease "
              + revoke.getId()
              + " was decided by the leader of term "
              + revoke.getTerm()
              + " and appended in term "
              + term
              + ": not applied, the leader of this term decides");
    }
    if (lease.getRenewals() != revoke.getRenewals()) {
      return CommandValidator.fail(
          ErrorCode.INVALID_ARGUMENT,
          "lease_revoke.renewals",
          "lease "
              + revoke.getId()
              + " was kept alive after its expiry was decided ("
              + lease.getRenewals()
              + " renewals, not "
              + revoke.getRenewals()
              + "): not expired");
    }
    return Optional.empty();
  }

  private static ApplyOutcome leaseResult(
      StateReader state, long id, long ttlMillis, long deleted, long renewals, long revision) {
    return new ApplyOutcome(
        ApplyResult.newBuilder()
            .setRevision(revision)
            .setLease(
                LeaseResult.newBuilder()
                    .setId(id)
                    .setTtlMillis(ttlMillis)
                    .setDeleted(deleted)
                    .setRenewals(renewals))
            .build(),
        revision,
        List.of());
  }

  private static void ensureTable(String table, StateWriter state) {
    if (state.table(table).isEmpty()) {
      state.putTable(
          TableMeta.newBuilder().setName(table).setCreateRevision(state.revision()).build());
    }
  }

  private static boolean sensitive(String table, StateReader state) {
    return state.table(table).map(TableMeta::getSensitive).orElse(false);
  }

  private static boolean holds(Compare c, StateReader state) {
    if (!c.getRangeEnd().isEmpty()) {
      boolean[] all = {true};
      state.scan(
          c.getTable(),
          c.getKey().toByteArray(),
          KeyRanges.scanEnd(c.getRangeEnd().toByteArray()),
          (key, value) -> {
            all[0] = holds(c, Optional.of(value));
            return all[0];
          });
      return all[0];
    }
    return holds(c, state.get(c.getTable(), c.getKey().toByteArray()));
  }

  private static boolean holds(Compare c, Optional<StoredValue> row) {
    if (c.getTarget() == Compare.Target.VALUE && row.isEmpty()) {
      // A missing key has no value: it is unequal to, and unordered with, every operand.
      return c.getResult() == Compare.Result.NOT_EQUAL;
    }
    int cmp =
        switch (c.getTarget()) {
          case VALUE ->
              Arrays.compareUnsigned(
                  row.orElseThrow().getValue().toByteArray(), c.getValue().toByteArray());
          case VERSION -> Long.compare(row.map(StoredValue::getVersion).orElse(0L), c.getNumber());
          case CREATE_REVISION ->
              Long.compare(row.map(StoredValue::getCreateRevision).orElse(0L), c.getNumber());
          case MOD_REVISION ->
              Long.compare(row.map(StoredValue::getModRevision).orElse(0L), c.getNumber());
          case EXISTS -> row.isPresent() == c.getExists() ? 0 : 1;
          case TARGET_UNSPECIFIED, UNRECOGNIZED -> 1;
        };
    return switch (c.getResult()) {
      case EQUAL -> cmp == 0;
      case NOT_EQUAL -> cmp != 0;
      case GREATER -> cmp > 0;
      case LESS -> cmp < 0;
      case RESULT_UNSPECIFIED, UNRECOGNIZED -> false;
    };
  }

  private static OpResult run(
      Op op, long revision, StateWriter state, List<Event> events, AuditTrail trail) {
    return switch (op.getOpCase()) {
      case PUT ->
          OpResult.newBuilder().setPut(put(op.getPut(), revision, state, events, trail)).build();
      case DELETE_RANGE -> {
        DeleteRange d = op.getDeleteRange();
        byte[] start = d.getKey().toByteArray();
        byte[] end = d.getRangeEnd().toByteArray();
        long deleted;
        if (KeyRanges.isSingleKey(end)) {
          deleted = deleteRow(d.getTable(), start, revision, state, events, trail) ? 1 : 0;
        } else {
          deleted =
              deleteRows(
                  d.getTable(), start, KeyRanges.scanEnd(end), revision, state, events, trail);
        }
        yield OpResult.newBuilder()
            .setDelete(DeleteResult.newBuilder().setDeleted(deleted))
            .build();
      }
      case RANGE -> OpResult.newBuilder().setRange(Reader.range(op.getRange(), state)).build();
      case OP_NOT_SET -> OpResult.getDefaultInstance();
    };
  }

  private static PutResult put(
      Put put, long revision, StateWriter state, List<Event> events, AuditTrail trail) {
    byte[] key = put.getKey().toByteArray();
    Optional<StoredValue> prev = state.get(put.getTable(), key);
    StoredValue next =
        StoredValue.newBuilder()
            .setValue(put.getValue())
            .setCreateRevision(prev.map(StoredValue::getCreateRevision).orElse(revision))
            .setModRevision(revision)
            .setVersion(prev.map(StoredValue::getVersion).orElse(0L) + 1)
            .setLease(put.getLease())
            .build();
    state.put(put.getTable(), key, next);
    long prevLease = prev.map(StoredValue::getLease).orElse(0L);
    if (prevLease != 0 && prevLease != put.getLease()) {
      state.delete(TableNames.LEASE_KEYS, LeaseKeys.attached(prevLease, put.getTable(), key));
    }
    if (put.getLease() != 0 && prevLease != put.getLease()) {
      state.put(
          TableNames.LEASE_KEYS,
          LeaseKeys.attached(put.getLease(), put.getTable(), key),
          StoredValue.getDefaultInstance());
    }
    trail.put(put.getTable(), key, prev, put.getValue(), state);
    events.add(
        Event.newBuilder()
            .setType(Event.Type.PUT)
            .setTable(put.getTable())
            .setKv(Reader.toKeyValue(key, next))
            .build());
    PutResult.Builder result = PutResult.newBuilder();
    prev.ifPresent(p -> result.setPrev(Reader.toKeyValue(key, p)));
    return result.build();
  }

  private static boolean deleteRow(
      String table,
      byte[] key,
      long revision,
      StateWriter state,
      List<Event> events,
      AuditTrail trail) {
    Optional<StoredValue> old = state.get(table, key);
    if (old.isEmpty()) {
      return false;
    }
    state.delete(table, key);
    detach(table, key, old.get(), state);
    trail.delete(table, key, old.get(), state);
    events.add(deleteEvent(table, key, revision));
    return true;
  }

  private static long deleteRows(
      String table,
      byte[] start,
      byte[] end,
      long revision,
      StateWriter state,
      List<Event> events,
      AuditTrail trail) {
    List<byte[]> keys = new ArrayList<>();
    List<StoredValue> values = new ArrayList<>();
    state.scan(
        table,
        start,
        end,
        (key, value) -> {
          keys.add(key);
          values.add(value);
          return true;
        });
    for (int i = 0; i < keys.size(); i++) {
      byte[] key = keys.get(i);
      state.delete(table, key);
      detach(table, key, values.get(i), state);
      trail.delete(table, key, values.get(i), state);
      events.add(deleteEvent(table, key, revision));
    }
    return keys.size();
  }

  private static void detach(String table, byte[] key, StoredValue old, StateWriter state) {
    if (old.getLease() != 0) {
      state.delete(TableNames.LEASE_KEYS, LeaseKeys.attached(old.getLease(), table, key));
    }
  }

  private static Event deleteEvent(String table, byte[] key, long revision) {
    return Event.newBuilder()
        .setType(Event.Type.DELETE)
        .setTable(table)
        .setKv(KeyValue.newBuilder().setKey(ByteString.copyFrom(key)).setModRevision(revision))
        .build();
  }

  /**
   * Records the new revision, its history and its audit rows, then trims the history to the policy;
   * returns the audit rows.
   */
  private List<AuditRecord> commitRevision(
      StateWriter state, long revision, List<Event> events, AuditTrail trail) {
    state.setRevision(revision);
    List<AuditRecord> audit = trail.write(revision, state, auditTable, auditRows);
    long bytes = state.historyBytes();
    if (!events.isEmpty()) {
      HistoryRecord record = HistoryRecord.newBuilder().addAllEvents(events).build();
      state.putHistory(revision, record);
      bytes += record.getSerializedSize();
    }
    long oldest = state.historyOldest();
    long floor = revision - history.maxRevisions() + 1;
    // Nothing at or after oldest can go while oldest is within both bounds: no lookup needed.
    while (oldest < revision && (oldest < floor || bytes > history.maxBytes())) {
      long first;
      int size = state.historySize(oldest);
      if (size >= 0) {
        first = oldest;
      } else {
        Optional<StateReader.HistoryEntry> next = state.historyAtOrAfter(oldest);
        if (next.isEmpty()) {
          break;
        }
        first = next.get().revision();
        size = next.get().size();
      }
      if (first >= revision || first >= floor && bytes <= history.maxBytes()) {
        break;
      }
      state.deleteHistory(first);
      bytes -= size;
      oldest = first + 1;
    }
    state.setHistoryOldest(Math.max(oldest, floor));
    state.setHistoryBytes(bytes);
    return audit;
  }

  private static ApplyOutcome failed(StateReader state, Failure failure) {
    return new ApplyOutcome(
        ApplyResult.newBuilder().setRevision(state.revision()).setError(failure).build(),
        state.revision(),
        List.of());
  }
}
