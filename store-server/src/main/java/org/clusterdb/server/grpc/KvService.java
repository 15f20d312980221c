package org.clusterdb.server.grpc;

import io.grpc.stub.StreamObserver;
import java.util.Optional;
import org.clusterdb.api.KeyValueStore;
import org.clusterdb.api.RequestId;
import org.clusterdb.api.TableOptions;
import org.clusterdb.core.ClusterDb;
import org.clusterdb.core.audit.Origin;
import org.clusterdb.proto.api.v1.CreateTableRequest;
import org.clusterdb.proto.api.v1.CreateTableResponse;
import org.clusterdb.proto.api.v1.DeleteRangeRequest;
import org.clusterdb.proto.api.v1.DeleteRangeResponse;
import org.clusterdb.proto.api.v1.DropTableRequest;
import org.clusterdb.proto.api.v1.DropTableResponse;
import org.clusterdb.proto.api.v1.KVGrpc;
import org.clusterdb.proto.api.v1.ListTablesRequest;
import org.clusterdb.proto.api.v1.ListTablesResponse;
import org.clusterdb.proto.api.v1.PutRequest;
import org.clusterdb.proto.api.v1.PutResponse;
import org.clusterdb.proto.api.v1.RangeRequest;
import org.clusterdb.proto.api.v1.RangeResponse;
import org.clusterdb.proto.api.v1.TxnRequest;
import org.clusterdb.proto.api.v1.TxnResponse;
import org.clusterdb.proto.wire.WireCodec;
import org.clusterdb.server.auth.Caller;

/**
 * The KV service over an embedded member. Writes are proposed through this member's Raft client,
 * which forwards them to the leader; a write that carries a request id is applied at most once
 * cluster-wide, so clients may retry it on any member.
 */
public final class KvService extends KVGrpc.KVImplBase {
  private final ClusterDb db;

  public KvService(ClusterDb db) {
    this.db = db;
  }

  @Override
  public void createTable(CreateTableRequest r, StreamObserver<CreateTableResponse> out) {
    Calls.answer(
        out,
        () ->
            store(r.getRequestId())
                .createTable(
                    r.getName(),
                    new TableOptions(
                        WireCodec.scope(r.getScope(), "scope"),
                        r.getSensitive(),
                        r.getPeerOwnedRows()))
                .thenApply(
                    t ->
                        CreateTableResponse.newBuilder()
                            .setHeader(WireCodec.header(db.currentHeader()))
                            .setTable(WireCodec.table(t))
                            .build()));
  }

  @Override
  public void dropTable(DropTableRequest r, StreamObserver<DropTableResponse> out) {
    Calls.answer(
        out,
        () ->
            store(r.getRequestId())
                .dropTable(r.getName())
                .thenApply(
                    v ->
                        DropTableResponse.newBuilder()
                            .setHeader(WireCodec.header(db.currentHeader()))
                            .build()));
  }

  @Override
  public void listTables(ListTablesRequest r, StreamObserver<ListTablesResponse> out) {
    Calls.answer(
        out,
        () ->
            db.listTables(WireCodec.consistency(r.getConsistency()))
                .thenApply(
                    tables -> {
                      ListTablesResponse.Builder b =
                          ListTablesResponse.newBuilder()
                              .setHeader(WireCodec.header(db.currentHeader()));
                      tables.forEach(t -> b.addTables(WireCodec.table(t)));
                      return b.build();
                    }));
  }

  @Override
  public void range(RangeRequest r, StreamObserver<RangeResponse> out) {
    Calls.answer(
        out,
        () ->
            db.range(
                    r.getTable(),
                    WireCodec.range(r.getKey(), r.getRangeEnd()),
                    WireCodec.readOptions(r))
                .thenApply(WireCodec::rangeResponse));
  }

  @Override
  public void put(PutRequest r, StreamObserver<PutResponse> out) {
    Calls.answer(
        out,
        () ->
            store(r.getRequestId())
                .put(
                    r.getTable(),
                    WireCodec.bytes(r.getKey()),
                    WireCodec.bytes(r.getValue()),
                    r.getLease())
                .thenApply(WireCodec::putResponse));
  }

  @Override
  public void deleteRange(DeleteRangeRequest r, StreamObserver<DeleteRangeResponse> out) {
    Calls.answer(
        out,
        () ->
            store(r.getRequestId())
                .deleteRange(r.getTable(), WireCodec.range(r.getKey(), r.getRangeEnd()))
                .thenApply(WireCodec::deleteResponse));
  }

  @Override
  public void txn(TxnRequest r, StreamObserver<TxnResponse> out) {
    Calls.answer(
        out, () -> store(r.getRequestId()).txn(WireCodec.txn(r)).thenApply(WireCodec::txnResponse));
  }

  /**
   * The store to write through: deduplicated when the client named its request, and audited as the
   * caller's.
   */
  private KeyValueStore store(org.clusterdb.proto.api.v1.RequestId id) {
    Optional<RequestId> requestId = WireCodec.requestId(id);
    Origin origin = Caller.current().origin();
    return requestId.isPresent() ? db.forRequest(requestId.get(), origin) : db.as(origin);
  }
}
