package org.clusterdb.server.grpc;

import io.grpc.stub.StreamObserver;
import java.time.Duration;
import org.clusterdb.api.Leases;
import org.clusterdb.core.ClusterDb;
import org.clusterdb.proto.api.v1.LeaseGrantRequest;
import org.clusterdb.proto.api.v1.LeaseGrantResponse;
import org.clusterdb.proto.api.v1.LeaseGrpc;
import org.clusterdb.proto.api.v1.LeaseKeepAliveRequest;
import org.clusterdb.proto.api.v1.LeaseKeepAliveResponse;
import org.clusterdb.proto.api.v1.LeaseRevokeRequest;
import org.clusterdb.proto.api.v1.LeaseRevokeResponse;
import org.clusterdb.proto.api.v1.LeaseTimeToLiveRequest;
import org.clusterdb.proto.api.v1.LeaseTimeToLiveResponse;
import org.clusterdb.proto.wire.WireCodec;
import org.clusterdb.server.auth.Caller;

/**
 * The Lease service over an embedded member: each command is replicated through this member, which
 * forwards it to the leader, deduplicated under the request id when the client names one, and
 * audited as the caller's.
 */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {
  private final ClusterDb db;

  public LeaseService(ClusterDb db) {
    this.db = db;
  }

  @Override
  public void grant(LeaseGrantRequest r, StreamObserver<LeaseGrantResponse> out) {
    Calls.answer(
        out,
        () ->
            leases(r.getRequestId())
                .grant(Duration.ofMillis(r.getTtlMillis()))
                .thenApply(
                    l ->
                        LeaseGrantResponse.newBuilder()
                            .setHeader(WireCodec.header(db.currentHeader()))
                            .setId(l.id())
                            .setTtlMillis(l.ttl().toMillis())
                            .build()));
  }

  @Override
  public void keepAlive(LeaseKeepAliveRequest r, StreamObserver<LeaseKeepAliveResponse> out) {
    Calls.answer(
        out,
        () ->
            leases(r.getRequestId())
                .keepAlive(r.getId())
                .thenApply(
                    l ->
                        LeaseKeepAliveResponse.newBuilder()
                            .setHeader(WireCodec.header(db.currentHeader()))
                            .setId(l.id())
                            .setTtlMillis(l.ttl().toMillis())
                            .build()));
  }

  @Override
  public void revoke(LeaseRevokeRequest r, StreamObserver<LeaseRevokeResponse> out) {
    Calls.answer(
        out,
        () ->
            leases(r.getRequestId())
                .revoke(r.getId())
                .thenApply(
                    revision ->
                        LeaseRevokeResponse.newBuilder()
                            .setHeader(
                                WireCodec.header(db.currentHeader()).toBuilder()
                                    .setRevision(revision))
                            .build()));
  }

  @Override
  public void timeToLive(LeaseTimeToLiveRequest r, StreamObserver<LeaseTimeToLiveResponse> out) {
    Calls.answer(
        out,
        () ->
            db.leases()
                .timeToLive(r.getId())
                .thenApply(
                    s ->
                        WireCodec.leaseStatus(s)
                            .setHeader(WireCodec.header(db.currentHeader()))
                            .build()));
  }

  private Leases leases(org.clusterdb.proto.api.v1.RequestId id) {
    return db.leases(WireCodec.requestId(id).orElse(null), Caller.current().origin());
  }
}
