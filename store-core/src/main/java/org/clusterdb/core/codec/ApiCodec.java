package org.clusterdb.core.codec;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.Compare;
import org.clusterdb.api.DeleteResult;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Header;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.Op;
import org.clusterdb.api.OpResult;
import org.clusterdb.api.PrimaryUnavailableException;
import org.clusterdb.api.PutResult;
import org.clusterdb.api.RangeResult;
import org.clusterdb.api.Table;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.clusterdb.api.TxnResult;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.proto.log.v1.DeleteRange;
import org.clusterdb.proto.log.v1.Event;
import org.clusterdb.proto.log.v1.Failure;
import org.clusterdb.proto.log.v1.Put;
import org.clusterdb.proto.log.v1.Range;
import org.clusterdb.proto.log.v1.TableMeta;
import org.clusterdb.proto.wire.WireCodec;

/**
 * Converts between the public API records and the log format. The only place that knows both, so
 * the log format can evolve without touching the API.
 */
public final class ApiCodec {
  private ApiCodec() {}

  public static ByteString bytes(Bytes b) {
    return WireCodec.bytes(b);
  }

  public static Bytes bytes(ByteString b) {
    return WireCodec.bytes(b);
  }

  public static org.clusterdb.proto.log.v1.Txn txn(Txn txn) {
    org.clusterdb.proto.log.v1.Txn.Builder b = org.clusterdb.proto.log.v1.Txn.newBuilder();
    txn.compares().forEach(c -> b.addCompares(compare(c)));
    txn.success().forEach(o -> b.addSuccess(op(o)));
    txn.failure().forEach(o -> b.addFailure(op(o)));
    return b.build();
  }

  public static org.clusterdb.proto.log.v1.Compare compare(Compare c) {
    var b =
        org.clusterdb.proto.log.v1.Compare.newBuilder()
            .setTable(c.table())
            .setKey(bytes(c.key()))
            .setTarget(
                switch (c.target()) {
                  case VALUE -> org.clusterdb.proto.log.v1.Compare.Target.VALUE;
                  case VERSION -> org.clusterdb.proto.log.v1.Compare.Target.VERSION;
                  case CREATE_REVISION -> org.clusterdb.proto.log.v1.Compare.Target.CREATE_REVISION;
                  case MOD_REVISION -> org.clusterdb.proto.log.v1.Compare.Target.MOD_REVISION;
                  case EXISTS -> org.clusterdb.proto.log.v1.Compare.Target.EXISTS;
                })
            .setResult(
                switch (c.operator()) {
                  case EQUAL -> org.clusterdb.proto.log.v1.Compare.Result.EQUAL;
                  case NOT_EQUAL -> org.clusterdb.proto.log.v1.Compare.Result.NOT_EQUAL;
                  case GREATER -> org.clusterdb.proto.log.v1.Compare.Result.GREATER;
                  case LESS -> org.clusterdb.proto.log.v1.Compare.Result.LESS;
                });
    switch (c.target()) {
      case VALUE -> b.setValue(bytes(c.value()));
      case EXISTS -> b.setExists(c.number() != 0);
      default -> b.setNumber(c.number());
    }
    return b.build();
  }

  public static org.clusterdb.proto.log.v1.Op op(Op op) {
    var b = org.clusterdb.proto.log.v1.Op.newBuilder();
    if (op instanceof Op.Put p) {
      b.setPut(put(p.table(), p.key(), p.value()).toBuilder().setLease(p.lease()));
    } else if (op instanceof Op.Delete d) {
      b.setDeleteRange(deleteRange(d.table(), d.range()));
    } else if (op instanceof Op.Range r) {
      b.setRange(range(r.table(), r.range(), r.limit(), false));
    }
    return b.build();
  }

  public static Put put(String table, Bytes key, Bytes value) {
    return Put.newBuilder().setTable(table).setKey(bytes(key)).setValue(bytes(value)).build();
  }

  public static DeleteRange deleteRange(String table, KeyRange range) {
    return DeleteRange.newBuilder()
        .setTable(table)
        .setKey(bytes(range.start()))
        .setRangeEnd(bytes(range.end()))
        .build();
  }

  public static Range range(String table, KeyRange range, long limit, boolean countOnly) {
    return Range.newBuilder()
        .setTable(table)
        .setKey(bytes(range.start()))
        .setRangeEnd(bytes(range.end()))
        .setLimit(limit)
        .setCountOnly(countOnly)
        .build();
  }

  public static KeyValue keyValue(org.clusterdb.proto.log.v1.KeyValue kv) {
    return new KeyValue(
        bytes(kv.getKey()),
        bytes(kv.getValue()),
        kv.getCreateRevision(),
        kv.getModRevision(),
        kv.getVersion(),
        kv.getLease());
  }

  public static RangeResult rangeResult(Header header, org.clusterdb.proto.log.v1.RangeResult r) {
    List<KeyValue> kvs = new ArrayList<>(r.getKvsCount());
    r.getKvsList().forEach(kv -> kvs.add(keyValue(kv)));
    return new RangeResult(header, kvs, r.getMore(), r.getCount());
  }

  public static PutResult putResult(Header header, org.clusterdb.proto.log.v1.PutResult r) {
    return new PutResult(
        header, r.hasPrev() ? Optional.of(keyValue(r.getPrev())) : Optional.empty());
  }

  public static DeleteResult deleteResult(
      Header header, org.clusterdb.proto.log.v1.DeleteResult r) {
    return new DeleteResult(header, r.getDeleted());
  }

  public static TxnResult txnResult(Header header, org.clusterdb.proto.log.v1.TxnResult r) {
    List<OpResult> results = new ArrayList<>(r.getResultsCount());
    for (org.clusterdb.proto.log.v1.OpResult o : r.getResultsList()) {
      results.add(
          switch (o.getResultCase()) {
            case PUT -> putResult(header, o.getPut());
            case DELETE -> deleteResult(header, o.getDelete());
            case RANGE -> rangeResult(header, o.getRange());
            case RESULT_NOT_SET ->
                throw new ClusterDbException(ErrorCode.INTERNAL, "op result missing");
          });
    }
    return new TxnResult(header, r.getSucceeded(), results);
  }

  public static Table table(TableMeta meta, TableScope scope) {
    return new Table(
        meta.getName(),
        scope,
        meta.getCreateRevision(),
        meta.getSensitive(),
        meta.getPeerOwnedRows());
  }

  public static WatchEvent event(Event e) {
    return new WatchEvent(
        e.getType() == Event.Type.DELETE ? WatchEvent.Type.DELETE : WatchEvent.Type.PUT,
        e.getTable(),
        keyValue(e.getKv()));
  }

  /** The exception for a business failure the apply logic or validator returned. */
  public static ClusterDbException exception(Failure f) {
    ErrorCode code = ErrorCode.fromNumber(f.getCode());
    if (code == ErrorCode.PRIMARY_UNAVAILABLE) {
      return new PrimaryUnavailableException(f.getMessage(), f.getPrimaryId());
    }
    return new ClusterDbException(
        code, f.getMessage(), f.getField().isEmpty() ? null : f.getField(), true, null);
  }
}
