package org.clusterdb.server.grpc;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import org.clusterdb.core.ClusterDb;
import org.clusterdb.proto.api.v1.MaintenanceGrpc;
import org.clusterdb.proto.api.v1.SnapshotRequest;
import org.clusterdb.proto.api.v1.SnapshotResponse;
import org.clusterdb.proto.api.v1.StatusRequest;
import org.clusterdb.proto.api.v1.StatusResponse;
import org.clusterdb.proto.wire.WireCodec;

/** Operator actions on this member. */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
  private final ClusterDb db;

  public MaintenanceService(ClusterDb db) {
    this.db = db;
  }

  @Override
  public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> out) {
    Calls.answer(
        out,
        () ->
            db.snapshot()
                .thenApply(
                    index ->
                        SnapshotResponse.newBuilder()
                            .setHeader(WireCodec.header(db.currentHeader()))
                            .setSnapshotIndex(index)
                            .build()));
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    Calls.answer(out, () -> CompletableFuture.completedFuture(ClusterService.status(db)));
  }
}
