package org.clusterdb.server.grpc;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.core.ClusterDb;
import org.clusterdb.proto.api.v1.UsageGrpc;
import org.clusterdb.proto.api.v1.UsagePublishRequest;
import org.clusterdb.proto.api.v1.UsagePublishResponse;
import org.clusterdb.proto.api.v1.UsageReportRequest;
import org.clusterdb.proto.api.v1.UsageReportResponse;
import org.clusterdb.proto.wire.WireCodec;

/** The Usage service over an embedded member: the row published is this member's own. */
public final class UsageService extends UsageGrpc.UsageImplBase {
  private final ClusterDb db;

  public UsageService(ClusterDb db) {
    this.db = db;
  }

  @Override
  public void publish(UsagePublishRequest r, StreamObserver<UsagePublishResponse> out) {
    Calls.answer(
        out,
        () -> {
          String me = db.config().memberId();
          if (!r.getMemberId().isEmpty() && !r.getMemberId().equals(me)) {
            return CompletableFuture.failedFuture(
                ClusterDbException.invalid(
                    "member_id",
                    "this is member "
                        + me
                        + ", not "
                        + r.getMemberId()
                        + ": its row is not yours"));
          }
          return db.usage()
              .publish(r.getCountersMap())
              .thenApply(
                  p ->
                      UsagePublishResponse.newBuilder()
                          .setHeader(WireCodec.header(db.currentHeader()))
                          .setPeer(WireCodec.peerUsage(p))
                          .build());
        });
  }

  @Override
  public void report(UsageReportRequest r, StreamObserver<UsageReportResponse> out) {
    Calls.answer(
        out,
        () ->
            db.usage()
                .report()
                .thenApply(
                    u ->
                        UsageReportResponse.newBuilder()
                            .setHeader(WireCodec.header(db.currentHeader()))
                            .setReport(WireCodec.usageReport(u))
                            .build()));
  }
}
