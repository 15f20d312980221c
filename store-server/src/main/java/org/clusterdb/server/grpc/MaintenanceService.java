package org.clusterdb.server.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.core.ClusterDb;
import org.clusterdb.proto.api.v1.BackupChunk;
import org.clusterdb.proto.api.v1.BackupRequest;
import org.clusterdb.proto.api.v1.MaintenanceGrpc;
import org.clusterdb.proto.api.v1.SnapshotRequest;
import org.clusterdb.proto.api.v1.SnapshotResponse;
import org.clusterdb.proto.api.v1.StatusRequest;
import org.clusterdb.proto.api.v1.StatusResponse;
import org.clusterdb.proto.wire.WireCodec;
import org.clusterdb.proto.wire.WireErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Operator actions on this member. */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger("org.clusterdb.backup");

  private final ClusterDb db;
  private final AtomicBoolean backupRunning = new AtomicBoolean();

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

  /**
   * Streams an online backup of this member. One at a time: each holds a checkpoint of the whole
   * database under the data directory until sent.
   */
  @Override
  public void backup(BackupRequest request, StreamObserver<BackupChunk> out) {
    if (!backupRunning.compareAndSet(false, true)) {
      out.onError(
          WireErrors.toStatus(
              new ClusterDbException(
                  ErrorCode.UNAVAILABLE, "a backup of this peer is already running")));
      return;
    }
    ServerCallStreamObserver<BackupChunk> call = (ServerCallStreamObserver<BackupChunk>) out;
    BackupStream stream = new BackupStream(call);
    Thread t =
        new Thread(
            () -> {
              try {
                db.backup(stream, (done, total) -> stream.total(total));
                stream.flush();
                call.onCompleted();
              } catch (IOException | RuntimeException e) {
                LOG.warn("Detail=\"Backup failed\" Error=\"{}\"", e.toString());
                call.onError(WireErrors.toStatus(e));
              } finally {
                backupRunning.set(false);
              }
            },
            "clusterdb-backup");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    Calls.answer(out, () -> CompletableFuture.completedFuture(ClusterService.status(db)));
  }
}
