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
import org.clusterdb.proto.api.v1.RestartRequest;
import org.clusterdb.proto.api.v1.RestartResponse;
import org.clusterdb.proto.api.v1.SnapshotRequest;
import org.clusterdb.proto.api.v1.SnapshotResponse;
import org.clusterdb.proto.api.v1.StatusRequest;
import org.clusterdb.proto.api.v1.StatusResponse;
import org.clusterdb.proto.wire.WireCodec;
import org.clusterdb.proto.wire.WireErrors;
import org.clusterdb.server.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Operator actions on this member. */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger("org.clusterdb.backup");

  private final ClusterDb db;
  private final Restarter restarter;
  private final AtomicBoolean backupRunning = new AtomicBoolean();

  /** A service whose server cannot restart in place: {@code Restart} is refused. */
  public MaintenanceService(ClusterDb db) {
    this(db, Restarter.NONE);
  }

  public MaintenanceService(ClusterDb db, Restarter restarter) {
    this.db = db;
    this.restarter = restarter;
  }

  /** Restarts the server's database in place, for {@code Maintenance.Restart}. */
  @FunctionalInterface
  public interface Restarter {
    /** An embedded server: nothing would start it again. */
    Restarter NONE =
        beforeStart -> {
          throw new ClusterDbException(
              ErrorCode.INVALID_ARGUMENT,
              "this server cannot restart in place: it was not started by clusterdb server",
              "restart",
              true,
              null);
        };

    /**
     * Checks that a restart can go ahead and schedules it for after this call is answered; {@code
     * beforeStart} runs once the old server has stopped, on the configuration the new one starts
     * with.
     *
     * @throws ClusterDbException if it cannot, e.g. {@code INVALID_ARGUMENT} for a configuration
     *     file that no longer loads; the server then keeps running as it is
     */
    void restart(BeforeStart beforeStart);

    default void restart() {
      restart(next -> {});
    }
  }

  /** Work on a stopped server's data directory, between a restart's stop and start. */
  @FunctionalInterface
  public interface BeforeStart {
    void run(ServerConfig next) throws IOException;
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

  /**
   * Restarts this peer's database in place, unless the request names a start other than the current
   * one (a retry of a restart that already happened).
   */
  @Override
  public void restart(RestartRequest request, StreamObserver<RestartResponse> out) {
    Calls.answer(
        out,
        () -> {
          long started = db.status().startedAt().orElseThrow().toEpochMilli();
          boolean restarting =
              request.getIfStartedAtMillis() == 0 || request.getIfStartedAtMillis() == started;
          RestartResponse response =
              RestartResponse.newBuilder()
                  .setHeader(WireCodec.header(db.currentHeader()))
                  .setMemberId(db.config().memberId())
                  .setStartedAtMillis(started)
                  .setRestarting(restarting)
                  .build();
          if (restarting) {
            restarter.restart();
          }
          return CompletableFuture.completedFuture(response);
        });
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    Calls.answer(out, () -> CompletableFuture.completedFuture(ClusterService.status(db)));
  }
}
