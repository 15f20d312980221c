package org.clusterdb.proto.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.Compare;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.DeleteResult;
import org.clusterdb.api.Header;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.Op;
import org.clusterdb.api.OpResult;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.api.PutResult;
import org.clusterdb.api.RangeResult;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.RequestId;
import org.clusterdb.api.Table;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.clusterdb.api.TxnResult;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.proto.api.v1.DeleteRangeRequest;
import org.clusterdb.proto.api.v1.DeleteRangeResponse;
import org.clusterdb.proto.api.v1.Event;
import org.clusterdb.proto.api.v1.GetClusteringSettingsResponse;
import org.clusterdb.proto.api.v1.PutRequest;
import org.clusterdb.proto.api.v1.PutResponse;
import org.clusterdb.proto.api.v1.RangeRequest;
import org.clusterdb.proto.api.v1.RangeResponse;
import org.clusterdb.proto.api.v1.RequestOp;
import org.clusterdb.proto.api.v1.ResponseHeader;
import org.clusterdb.proto.api.v1.ResponseOp;
import org.clusterdb.proto.api.v1.SaveClusteringSettingsRequest;
import org.clusterdb.proto.api.v1.TxnRequest;
import org.clusterdb.proto.api.v1.TxnResponse;

/**
 * Converts between the public API records ({@code org.clusterdb.api}) and the wire messages ({@code
 * clusterdb.api.v1}), both ways, for the server and the client alike. Decoding checks enum fields
 * and throws {@link ClusterDbException} INVALID_ARGUMENT naming the field.
 */
public final class WireCodec {
  private WireCodec() {}

  // ---- bytes, rows, headers ----

  public static ByteString bytes(Bytes b) {
    return UnsafeByteOperations.unsafeWrap(b.unsafeArray());
  }

  public static Bytes bytes(ByteString b) {
    return b.isEmpty() ? Bytes.EMPTY : Bytes.wrap(b.toByteArray());
  }

  public static org.clusterdb.proto.api.v1.KeyValue keyValue(KeyValue kv) {
    return org.clusterdb.proto.api.v1.KeyValue.newBuilder()
        .setKey(bytes(kv.key()))
        .setValue(bytes(kv.value()))
        .setCreateRevision(kv.createRevision())
        .setModRevision(kv.modRevision())
        .setVersion(kv.version())
        .setLease(kv.lease())
        .build();
  }

  public static KeyValue keyValue(org.clusterdb.proto.api.v1.KeyValue kv) {
    return new KeyValue(
        bytes(kv.getKey()),
        bytes(kv.getValue()),
        kv.getCreateRevision(),
        kv.getModRevision(),
        kv.getVersion(),
        kv.getLease());
  }

  public static ResponseHeader header(Header h) {
    return ResponseHeader.newBuilder()
        .setClusterId(h.clusterId())
        .setMemberId(h.memberId())
        .setRevision(h.revision())
        .setTerm(h.term())
        .build();
  }

  public static Header header(ResponseHeader h) {
    return new Header(h.getClusterId(), h.getMemberId(), h.getRevision(), h.getTerm());
  }

  // ---- tables ----

  public static org.clusterdb.proto.api.v1.TableScope scope(TableScope s) {
    return s == TableScope.PEER
        ? org.clusterdb.proto.api.v1.TableScope.PEER
        : org.clusterdb.proto.api.v1.TableScope.CLUSTER;
  }

  public static TableScope scope(org.clusterdb.proto.api.v1.TableScope s, String field) {
    return switch (s) {
      case CLUSTER -> TableScope.CLUSTER;
      case PEER -> TableScope.PEER;
      case TABLE_SCOPE_UNSPECIFIED, UNRECOGNIZED ->
          throw ClusterDbException.invalid(field, "must be CLUSTER or PEER");
    };
  }

  public static org.clusterdb.proto.api.v1.Table table(Table t) {
    return org.clusterdb.proto.api.v1.Table.newBuilder()
        .setName(t.name())
        .setScope(scope(t.scope()))
        .setCreateRevision(t.createRevision())
        .setSensitive(t.sensitive())
        .setPeerOwnedRows(t.peerOwnedRows())
        .build();
  }

  public static Table table(org.clusterdb.proto.api.v1.Table t) {
    return new Table(
        t.getName(),
        scope(t.getScope(), "table.scope"),
        t.getCreateRevision(),
        t.getSensitive(),
        t.getPeerOwnedRows());
  }

  public static org.clusterdb.proto.api.v1.Consistency consistency(Consistency c) {
    return c == Consistency.LOCAL
        ? org.clusterdb.proto.api.v1.Consistency.LOCAL
        : org.clusterdb.proto.api.v1.Consistency.LINEARIZABLE;
  }

  public static Consistency consistency(org.clusterdb.proto.api.v1.Consistency c) {
    return c == org.clusterdb.proto.api.v1.Consistency.LOCAL
        ? Consistency.LOCAL
        : Consistency.LINEARIZABLE;
  }

  // ---- request ids ----

  /** A lease's status as {@code Lease.TimeToLive} answers it, without the header. */
  public static org.clusterdb.proto.api.v1.PeerUsage peerUsage(org.clusterdb.api.PeerUsage p) {
    return org.clusterdb.proto.api.v1.PeerUsage.newBuilder()
        .setMemberId(p.memberId())
        .setPlatform(p.platform())
        .putAllLicenses(p.licenses())
        .putAllCounters(p.counters())
        .setLease(p.lease())
        .setModRevision(p.modRevision())
        .build();
  }

  public static org.clusterdb.api.PeerUsage peerUsage(org.clusterdb.proto.api.v1.PeerUsage p) {
    return new org.clusterdb.api.PeerUsage(
        p.getMemberId(),
        p.getPlatform(),
        p.getLicensesMap(),
        p.getCountersMap(),
        p.getLease(),
        p.getModRevision());
  }

  public static org.clusterdb.proto.api.v1.UsageReport usageReport(
      org.clusterdb.api.UsageReport r) {
    org.clusterdb.proto.api.v1.UsageReport.Builder b =
        org.clusterdb.proto.api.v1.UsageReport.newBuilder()
            .setRevision(r.revision())
            .putAllTotals(r.totals())
            .putAllLicenses(r.licenses())
            .setPlatform(r.platform())
            .setConfiguredPeers(r.configuredPeers())
            .putAllCapacity(r.capacity())
            .putAllLiveCapacity(r.liveCapacity())
            .putAllRemaining(r.remaining());
    r.peers().forEach(p -> b.addPeers(peerUsage(p)));
    return b.build();
  }

  public static org.clusterdb.api.UsageReport usageReport(
      org.clusterdb.proto.api.v1.UsageReport r) {
    return new org.clusterdb.api.UsageReport(
        r.getRevision(),
        r.getPeersList().stream().map(WireCodec::peerUsage).toList(),
        r.getTotalsMap(),
        r.getLicensesMap(),
        r.getPlatform(),
        r.getConfiguredPeers(),
        r.getCapacityMap(),
        r.getLiveCapacityMap(),
        r.getRemainingMap());
  }

  public static org.clusterdb.proto.api.v1.LeaseTimeToLiveResponse.Builder leaseStatus(
      org.clusterdb.api.LeaseStatus s) {
    org.clusterdb.proto.api.v1.LeaseTimeToLiveResponse.Builder b =
        org.clusterdb.proto.api.v1.LeaseTimeToLiveResponse.newBuilder()
            .setId(s.id())
            .setTtlMillis(s.ttl().toMillis())
            .setRemainingMillis(s.remaining().toMillis());
    s.keys()
        .forEach(
            k ->
                b.addKeys(
                    org.clusterdb.proto.api.v1.LeasedKey.newBuilder()
                        .setTable(k.table())
                        .setKey(bytes(k.key()))));
    return b;
  }

  public static org.clusterdb.api.LeaseStatus leaseStatus(
      org.clusterdb.proto.api.v1.LeaseTimeToLiveResponse r) {
    return new org.clusterdb.api.LeaseStatus(
        r.getId(),
        java.time.Duration.ofMillis(r.getTtlMillis()),
        java.time.Duration.ofMillis(r.getRemainingMillis()),
        r.getKeysList().stream()
            .map(k -> new org.clusterdb.api.LeaseStatus.LeasedKey(k.getTable(), bytes(k.getKey())))
            .toList());
  }

  public static org.clusterdb.proto.api.v1.RequestId requestId(RequestId id) {
    return org.clusterdb.proto.api.v1.RequestId.newBuilder()
        .setClientId(bytes(id.clientId()))
        .setSeq(id.seq())
        .setAckedBelow(id.ackedBelow())
        .build();
  }

  /** The request id of a write, if the client sent one. */
  public static Optional<RequestId> requestId(org.clusterdb.proto.api.v1.RequestId id) {
    if (id.getClientId().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new RequestId(bytes(id.getClientId()), id.getSeq(), id.getAckedBelow()));
    } catch (IllegalArgumentException e) {
      throw ClusterDbException.invalid("request_id", e.getMessage());
    }
  }

  // ---- reads ----

  public static RangeRequest rangeRequest(String table, KeyRange range, ReadOptions options) {
    return RangeRequest.newBuilder()
        .setTable(table)
        .setKey(bytes(range.start()))
        .setRangeEnd(bytes(range.end()))
        .setLimit(options.limit())
        .setCountOnly(options.countOnly())
        .setConsistency(consistency(options.consistency()))
        .build();
  }

  public static KeyRange range(ByteString key, ByteString rangeEnd) {
    return new KeyRange(bytes(key), bytes(rangeEnd));
  }

  public static ReadOptions readOptions(RangeRequest r) {
    if (r.getLimit() < 0) {
      throw ClusterDbException.invalid("limit", "must be >= 0");
    }
    return new ReadOptions(consistency(r.getConsistency()), r.getLimit(), r.getCountOnly());
  }

  public static RangeResponse rangeResponse(RangeResult r) {
    RangeResponse.Builder b =
        RangeResponse.newBuilder()
            .setHeader(header(r.header()))
            .setMore(r.more())
            .setCount(r.count());
    r.kvs().forEach(kv -> b.addKvs(keyValue(kv)));
    return b.build();
  }

  public static RangeResult rangeResult(RangeResponse r) {
    List<KeyValue> kvs = new ArrayList<>(r.getKvsCount());
    r.getKvsList().forEach(kv -> kvs.add(keyValue(kv)));
    return new RangeResult(header(r.getHeader()), kvs, r.getMore(), r.getCount());
  }

  // ---- writes ----

  public static PutResponse putResponse(PutResult r) {
    PutResponse.Builder b = PutResponse.newBuilder().setHeader(header(r.header()));
    r.previous().ifPresent(kv -> b.setPrevKv(keyValue(kv)));
    return b.build();
  }

  public static PutResult putResult(PutResponse r) {
    return new PutResult(
        header(r.getHeader()),
        r.hasPrevKv() ? Optional.of(keyValue(r.getPrevKv())) : Optional.empty());
  }

  public static DeleteRangeResponse deleteResponse(DeleteResult r) {
    return DeleteRangeResponse.newBuilder()
        .setHeader(header(r.header()))
        .setDeleted(r.deleted())
        .build();
  }

  public static DeleteResult deleteResult(DeleteRangeResponse r) {
    return new DeleteResult(header(r.getHeader()), r.getDeleted());
  }

  public static PutRequest putRequest(String table, Bytes key, Bytes value) {
    return PutRequest.newBuilder()
        .setTable(table)
        .setKey(bytes(key))
        .setValue(bytes(value))
        .build();
  }

  public static DeleteRangeRequest deleteRequest(String table, KeyRange range) {
    return DeleteRangeRequest.newBuilder()
        .setTable(table)
        .setKey(bytes(range.start()))
        .setRangeEnd(bytes(range.end()))
        .build();
  }

  // ---- transactions ----

  public static TxnRequest txnRequest(Txn txn) {
    TxnRequest.Builder b = TxnRequest.newBuilder();
    txn.compares().forEach(c -> b.addCompare(compare(c)));
    txn.success().forEach(o -> b.addSuccess(requestOp(o)));
    txn.failure().forEach(o -> b.addFailure(requestOp(o)));
    return b.build();
  }

  public static Txn txn(TxnRequest r) {
    List<Compare> compares = new ArrayList<>();
    for (int i = 0; i < r.getCompareCount(); i++) {
      compares.add(compare(r.getCompare(i), "txn.compare[" + i + "]"));
    }
    return new Txn(
        compares, ops(r.getSuccessList(), "txn.success"), ops(r.getFailureList(), "txn.failure"));
  }

  private static List<Op> ops(List<RequestOp> ops, String field) {
    List<Op> out = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      out.add(op(ops.get(i), field + "[" + i + "]"));
    }
    return out;
  }

  public static RequestOp requestOp(Op op) {
    RequestOp.Builder b = RequestOp.newBuilder();
    if (op instanceof Op.Put p) {
      b.setPut(putRequest(p.table(), p.key(), p.value()).toBuilder().setLease(p.lease()));
    } else if (op instanceof Op.Delete d) {
      b.setDeleteRange(deleteRequest(d.table(), d.range()));
    } else if (op instanceof Op.Range r) {
      b.setRange(rangeRequest(r.table(), r.range(), ReadOptions.DEFAULT.withLimit(r.limit())));
    }
    return b.build();
  }

  public static Op op(RequestOp op, String field) {
    return switch (op.getRequestCase()) {
      case PUT ->
          new Op.Put(
              op.getPut().getTable(),
              bytes(op.getPut().getKey()),
              bytes(op.getPut().getValue()),
              op.getPut().getLease());
      case DELETE_RANGE ->
          new Op.Delete(
              op.getDeleteRange().getTable(),
              range(op.getDeleteRange().getKey(), op.getDeleteRange().getRangeEnd()));
      case RANGE -> {
        if (op.getRange().getLimit() < 0) {
          throw ClusterDbException.invalid(field + ".range.limit", "must be >= 0");
        }
        yield new Op.Range(
            op.getRange().getTable(),
            range(op.getRange().getKey(), op.getRange().getRangeEnd()),
            op.getRange().getLimit());
      }
      case REQUEST_NOT_SET -> throw ClusterDbException.invalid(field, "no op set");
    };
  }

  public static org.clusterdb.proto.api.v1.Compare compare(Compare c) {
    var b =
        org.clusterdb.proto.api.v1.Compare.newBuilder()
            .setTable(c.table())
            .setKey(bytes(c.key()))
            .setTarget(org.clusterdb.proto.api.v1.Compare.Target.valueOf(c.target().name()))
            .setResult(org.clusterdb.proto.api.v1.Compare.Result.valueOf(c.operator().name()));
    switch (c.target()) {
      case VALUE -> b.setValue(bytes(c.value()));
      case EXISTS -> b.setExists(c.number() != 0);
      default -> b.setNumber(c.number());
    }
    return b.build();
  }

  public static Compare compare(org.clusterdb.proto.api.v1.Compare c, String field) {
    Compare.Target target =
        switch (c.getTarget()) {
          case VALUE -> Compare.Target.VALUE;
          case VERSION -> Compare.Target.VERSION;
          case CREATE_REVISION -> Compare.Target.CREATE_REVISION;
          case MOD_REVISION -> Compare.Target.MOD_REVISION;
          case EXISTS -> Compare.Target.EXISTS;
          case TARGET_UNSPECIFIED, UNRECOGNIZED ->
              throw ClusterDbException.invalid(field + ".target", "compare target not set");
        };
    Compare.Operator operator =
        switch (c.getResult()) {
          case EQUAL -> Compare.Operator.EQUAL;
          case NOT_EQUAL -> Compare.Operator.NOT_EQUAL;
          case GREATER -> Compare.Operator.GREATER;
          case LESS -> Compare.Operator.LESS;
          case RESULT_UNSPECIFIED, UNRECOGNIZED ->
              throw ClusterDbException.invalid(field + ".result", "comparison operator not set");
        };
    Bytes value = null;
    long number = 0;
    switch (target) {
      case VALUE -> {
        if (c.getOperandCase() != org.clusterdb.proto.api.v1.Compare.OperandCase.VALUE) {
          throw ClusterDbException.invalid(field + ".value", "a VALUE compare needs a value");
        }
        value = bytes(c.getValue());
      }
      case EXISTS -> number = c.getExists() ? 1 : 0;
      default -> number = c.getNumber();
    }
    return new Compare(c.getTable(), bytes(c.getKey()), target, operator, value, number);
  }

  public static TxnResponse txnResponse(TxnResult r) {
    TxnResponse.Builder b =
        TxnResponse.newBuilder().setHeader(header(r.header())).setSucceeded(r.succeeded());
    for (OpResult o : r.results()) {
      ResponseOp.Builder op = ResponseOp.newBuilder();
      if (o instanceof PutResult p) {
        op.setPut(putResponse(p));
      } else if (o instanceof DeleteResult d) {
        op.setDeleteRange(deleteResponse(d));
      } else if (o instanceof RangeResult rr) {
        op.setRange(rangeResponse(rr));
      }
      b.addResponses(op);
    }
    return b.build();
  }

  public static TxnResult txnResult(TxnResponse r) {
    List<OpResult> results = new ArrayList<>(r.getResponsesCount());
    for (ResponseOp o : r.getResponsesList()) {
      results.add(
          switch (o.getResponseCase()) {
            case PUT -> putResult(o.getPut());
            case DELETE_RANGE -> deleteResult(o.getDeleteRange());
            case RANGE -> rangeResult(o.getRange());
            case RESPONSE_NOT_SET -> throw ClusterDbException.invalid("responses", "empty op");
          });
    }
    return new TxnResult(header(r.getHeader()), r.getSucceeded(), results);
  }

  // ---- watches ----

  public static Event event(WatchEvent e) {
    return Event.newBuilder()
        .setType(e.type() == WatchEvent.Type.DELETE ? Event.EventType.DELETE : Event.EventType.PUT)
        .setTable(e.table())
        .setKv(keyValue(e.kv()))
        .build();
  }

  public static WatchEvent event(Event e) {
    return new WatchEvent(
        e.getType() == Event.EventType.DELETE ? WatchEvent.Type.DELETE : WatchEvent.Type.PUT,
        e.getTable(),
        keyValue(e.getKv()));
  }

  // ---- status ----

  public static org.clusterdb.proto.api.v1.MemberStatus memberStatus(MemberStatus s) {
    return org.clusterdb.proto.api.v1.MemberStatus.newBuilder()
        .setMemberId(s.memberId())
        .setRole(org.clusterdb.proto.api.v1.MemberStatus.Role.valueOf(s.role().name()))
        .setLeaderId(s.leaderId().orElse(""))
        .setTerm(s.term())
        .setCommitIndex(s.commitIndex())
        .setAppliedIndex(s.appliedIndex())
        .setSnapshotIndex(s.snapshotIndex())
        .setRevision(s.revision())
        .setSnapshotsInstalled(s.snapshotsInstalled())
        .setStartedAtMillis(s.startedAt().map(Instant::toEpochMilli).orElse(0L))
        .build();
  }

  public static MemberStatus memberStatus(org.clusterdb.proto.api.v1.MemberStatus s) {
    MemberStatus.Role role =
        switch (s.getRole()) {
          case LEADER -> MemberStatus.Role.LEADER;
          case FOLLOWER -> MemberStatus.Role.FOLLOWER;
          case CANDIDATE -> MemberStatus.Role.CANDIDATE;
          case LISTENER -> MemberStatus.Role.LISTENER;
          case STOPPED, ROLE_UNSPECIFIED, UNRECOGNIZED -> MemberStatus.Role.STOPPED;
        };
    return new MemberStatus(
        s.getMemberId(),
        role,
        s.getLeaderId().isEmpty() ? Optional.empty() : Optional.of(s.getLeaderId()),
        s.getTerm(),
        s.getCommitIndex(),
        s.getAppliedIndex(),
        s.getSnapshotIndex(),
        s.getRevision(),
        s.getSnapshotsInstalled(),
        s.getStartedAtMillis() == 0
            ? Optional.empty()
            : Optional.of(Instant.ofEpochMilli(s.getStartedAtMillis())));
  }

  /** {@code header} may be null, for a status relayed without one. */
  public static org.clusterdb.proto.api.v1.ClusterStatusResponse clusterStatus(
      Header header, ClusterStatus s) {
    org.clusterdb.proto.api.v1.ClusterStatusResponse.Builder b =
        org.clusterdb.proto.api.v1.ClusterStatusResponse.newBuilder();
    if (header != null) {
      b.setHeader(header(header));
    }
    b.setMemberId(s.memberId())
        .setPrimary(s.primary())
        .setPrimaryId(s.primaryId())
        .setOwnPrimary(s.ownPrimary())
        .setDatabase(
            org.clusterdb.proto.api.v1.ClusterStatusResponse.Database.valueOf(s.database().name()))
        .setCommitIndex(s.commitIndex())
        .setAppliedIndex(s.appliedIndex())
        .setSyncCheckedIndex(s.syncCheckedIndex());
    for (PeerStatus p : s.peers()) {
      b.addPeers(
          org.clusterdb.proto.api.v1.PeerStatus.newBuilder()
              .setIndex(p.index())
              .setMemberId(p.memberId())
              .setAddress(p.address())
              .setState(org.clusterdb.proto.api.v1.PeerStatus.State.valueOf(p.state().name()))
              .setResolvedAddress(p.resolvedAddress().orElse(""))
              .setAppliedIndex(p.appliedIndex())
              .setLag(p.lag())
              .setDisplay(p.display())
              .setCertificate(p.certificate().orElse(""))
              .setSoftwareVersion(p.softwareVersion().orElse("")));
    }
    return b.build();
  }

  public static ClusterStatus clusterStatus(org.clusterdb.proto.api.v1.ClusterStatusResponse r) {
    List<PeerStatus> peers = new ArrayList<>();
    for (org.clusterdb.proto.api.v1.PeerStatus p : r.getPeersList()) {
      PeerStatus.State state =
          switch (p.getState()) {
            case THIS_SYSTEM -> PeerStatus.State.THIS_SYSTEM;
            case ACTIVE -> PeerStatus.State.ACTIVE;
            case FAILED -> PeerStatus.State.FAILED;
            case UNKNOWN, STATE_UNSPECIFIED, UNRECOGNIZED -> PeerStatus.State.UNKNOWN;
          };
      peers.add(
          new PeerStatus(
              p.getIndex(),
              p.getMemberId(),
              p.getAddress(),
              state,
              p.getResolvedAddress().isEmpty()
                  ? Optional.empty()
                  : Optional.of(p.getResolvedAddress()),
              p.getAppliedIndex(),
              p.getLag(),
              p.getCertificate().isEmpty() ? Optional.empty() : Optional.of(p.getCertificate()),
              p.getSoftwareVersion().isEmpty()
                  ? Optional.empty()
                  : Optional.of(p.getSoftwareVersion())));
    }
    ClusterStatus.Database database =
        switch (r.getDatabase()) {
          case ACTIVE -> ClusterStatus.Database.ACTIVE;
          case SYNCHRONISING -> ClusterStatus.Database.SYNCHRONISING;
          case NO_QUORUM -> ClusterStatus.Database.NO_QUORUM;
          case JOINING -> ClusterStatus.Database.JOINING;
          case STOPPED, DATABASE_UNSPECIFIED, UNRECOGNIZED -> ClusterStatus.Database.STOPPED;
        };
    return new ClusterStatus(
        r.getMemberId(),
        r.getPrimary(),
        r.getPrimaryId(),
        r.getOwnPrimary(),
        database,
        r.getCommitIndex(),
        r.getAppliedIndex(),
        r.getSyncCheckedIndex(),
        peers);
  }

  /** {@code alarms} as {@code Cluster.Alarms} answers them, without the header. */
  public static org.clusterdb.proto.api.v1.AlarmsResponse.Builder alarms(List<Alarm> alarms) {
    org.clusterdb.proto.api.v1.AlarmsResponse.Builder b =
        org.clusterdb.proto.api.v1.AlarmsResponse.newBuilder();
    alarms.forEach(a -> b.addAlarms(alarm(a)));
    return b;
  }

  public static org.clusterdb.proto.api.v1.Alarm alarm(Alarm a) {
    return org.clusterdb.proto.api.v1.Alarm.newBuilder()
        .setId(a.id())
        .setUuid(a.uuid().toString())
        .setSeverity(org.clusterdb.proto.api.v1.Alarm.Severity.valueOf(a.severity().name()))
        .setDetail(a.detail())
        .setRaisedAtMillis(a.raisedAt().toEpochMilli())
        .setLoweredAtMillis(a.loweredAt().map(Instant::toEpochMilli).orElse(0L))
        .build();
  }

  public static Alarm alarm(org.clusterdb.proto.api.v1.Alarm a) {
    Alarm.Severity severity =
        switch (a.getSeverity()) {
          case ERROR -> Alarm.Severity.ERROR;
          case CRITICAL -> Alarm.Severity.CRITICAL;
          case WARNING, SEVERITY_UNSPECIFIED, UNRECOGNIZED -> Alarm.Severity.WARNING;
        };
    return new Alarm(
        a.getId(),
        UUID.fromString(a.getUuid()),
        severity,
        a.getDetail(),
        Instant.ofEpochMilli(a.getRaisedAtMillis()),
        a.getLoweredAtMillis() == 0
            ? Optional.empty()
            : Optional.of(Instant.ofEpochMilli(a.getLoweredAtMillis())));
  }

  // ---- clustering settings ----

  public static org.clusterdb.proto.api.v1.ClusteringSettings clusteringSettings(
      ClusteringSettings s) {
    org.clusterdb.proto.api.v1.ClusteringSettings.Builder b =
        org.clusterdb.proto.api.v1.ClusteringSettings.newBuilder()
            .setName(s.name())
            .setPrimary(s.primary())
            .setTlsMode(
                org.clusterdb.proto.api.v1.ClusteringSettings.TlsMode.valueOf(s.tlsMode().name()))
            .setIpVersion(
                org.clusterdb.proto.api.v1.ClusteringSettings.IpVersion.valueOf(
                    s.ipVersion().name()))
            .setAddressMapping(s.addressMapping())
            .putAllMappings(s.mappings());
    for (PeerAddress p : s.peers()) {
      b.addPeers(
          org.clusterdb.proto.api.v1.PeerAddress.newBuilder()
              .setId(p.id())
              .setHost(p.host())
              .setPort(p.port()));
    }
    return b.build();
  }

  /**
   * The settings as sent; not validated, which is the saving peer's job.
   *
   * @param field the message's field name, for errors: {@code field.tls_mode} if it is unset
   */
  public static ClusteringSettings clusteringSettings(
      org.clusterdb.proto.api.v1.ClusteringSettings s, String field) {
    ClusteringSettings.TlsMode tlsMode =
        switch (s.getTlsMode()) {
          case PERMISSIVE -> ClusteringSettings.TlsMode.PERMISSIVE;
          case ENFORCE -> ClusteringSettings.TlsMode.ENFORCE;
          case TLS_MODE_UNSPECIFIED, UNRECOGNIZED ->
              throw ClusterDbException.invalid(
                  field + ".tls_mode", "must be PERMISSIVE or ENFORCE");
        };
    ClusteringSettings.IpVersion ipVersion =
        switch (s.getIpVersion()) {
          case IPV4 -> ClusteringSettings.IpVersion.IPV4;
          case IPV6 -> ClusteringSettings.IpVersion.IPV6;
          case IP_VERSION_UNSPECIFIED, UNRECOGNIZED ->
              throw ClusterDbException.invalid(field + ".ip_version", "must be IPV4 or IPV6");
        };
    List<PeerAddress> peers = new ArrayList<>(s.getPeersCount());
    for (org.clusterdb.proto.api.v1.PeerAddress p : s.getPeersList()) {
      peers.add(new PeerAddress(p.getId(), p.getHost(), p.getPort()));
    }
    return new ClusteringSettings(
        s.getName(),
        s.getPrimary(),
        tlsMode,
        ipVersion,
        peers,
        s.getAddressMapping(),
        Map.copyOf(s.getMappingsMap()));
  }

  /** {@code header} may be null, for settings relayed without one. */
  public static GetClusteringSettingsResponse clusteringSettingsResponse(
      Header header,
      String memberId,
      ClusteringSettings own,
      Optional<ClusteringSettings> cluster) {
    return clusteringSettingsResponse(header, memberId, own, cluster, Optional.empty());
  }

  /** As above, with the address the peer's Raft server listens on, when it is known. */
  public static GetClusteringSettingsResponse clusteringSettingsResponse(
      Header header,
      String memberId,
      ClusteringSettings own,
      Optional<ClusteringSettings> cluster,
      Optional<String> listenAddress) {
    GetClusteringSettingsResponse.Builder b =
        GetClusteringSettingsResponse.newBuilder()
            .setMemberId(memberId)
            .setOwn(clusteringSettings(own))
            .setListenAddress(listenAddress.orElse(""));
    if (header != null) {
      b.setHeader(header(header));
    }
    cluster.ifPresent(c -> b.setCluster(clusteringSettings(c)));
    return b.build();
  }

  /** This peer's own settings from a response. */
  public static ClusteringSettings ownSettings(GetClusteringSettingsResponse r) {
    if (!r.hasOwn()) {
      throw ClusterDbException.invalid("own", "required");
    }
    return clusteringSettings(r.getOwn(), "own");
  }

  /** The cluster's settings from a response; empty when the peer has none yet. */
  public static Optional<ClusteringSettings> clusterSettings(GetClusteringSettingsResponse r) {
    return r.hasCluster()
        ? Optional.of(clusteringSettings(r.getCluster(), "cluster"))
        : Optional.empty();
  }

  /**
   * @param memberId the only member that may save them; empty for whichever answers
   */
  public static SaveClusteringSettingsRequest saveClusteringSettingsRequest(
      String memberId, ClusteringSettings settings) {
    return saveClusteringSettingsRequest(memberId, settings, false);
  }

  /** As above; {@code force} switches to TLS mode Enforce whatever the peers' certificates. */
  public static SaveClusteringSettingsRequest saveClusteringSettingsRequest(
      String memberId, ClusteringSettings settings, boolean force) {
    return SaveClusteringSettingsRequest.newBuilder()
        .setMemberId(memberId)
        .setSettings(clusteringSettings(settings))
        .setForce(force)
        .build();
  }

  /** The settings of a save request. */
  public static ClusteringSettings clusteringSettings(SaveClusteringSettingsRequest r) {
    if (!r.hasSettings()) {
      throw ClusterDbException.invalid("settings", "required");
    }
    return clusteringSettings(r.getSettings(), "settings");
  }

  public static org.clusterdb.proto.api.v1.Account account(org.clusterdb.api.Account a) {
    return org.clusterdb.proto.api.v1.Account.newBuilder()
        .setName(a.name())
        .setRole(role(a.role()))
        .build();
  }

  public static org.clusterdb.api.Account account(org.clusterdb.proto.api.v1.Account a) {
    return new org.clusterdb.api.Account(a.getName(), role(a.getRole(), "account.role"));
  }

  public static org.clusterdb.proto.api.v1.Role role(org.clusterdb.api.Role r) {
    return switch (r) {
      case ADMIN -> org.clusterdb.proto.api.v1.Role.ROLE_ADMIN;
      case READONLY -> org.clusterdb.proto.api.v1.Role.ROLE_READONLY;
    };
  }

  /** The role {@code r} names; INVALID_ARGUMENT naming {@code field} when it names none. */
  public static org.clusterdb.api.Role role(org.clusterdb.proto.api.v1.Role r, String field) {
    return switch (r) {
      case ROLE_ADMIN -> org.clusterdb.api.Role.ADMIN;
      case ROLE_READONLY -> org.clusterdb.api.Role.READONLY;
      default -> throw ClusterDbException.invalid(field, "must be admin or readonly, was " + r);
    };
  }
}
