package org.clusterdb.server.grpc;

import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.core.ClusterDb;
import org.clusterdb.proto.api.v1.AlarmsRequest;
import org.clusterdb.proto.api.v1.AlarmsResponse;
import org.clusterdb.proto.api.v1.ClusterGrpc;
import org.clusterdb.proto.api.v1.ClusterStatusRequest;
import org.clusterdb.proto.api.v1.ClusterStatusResponse;
import org.clusterdb.proto.api.v1.ForceConfigUpdateRequest;
import org.clusterdb.proto.api.v1.ForceConfigUpdateResponse;
import org.clusterdb.proto.api.v1.ForceSystemKeyUpdateRequest;
import org.clusterdb.proto.api.v1.ForceSystemKeyUpdateResponse;
import org.clusterdb.proto.api.v1.GetClusteringSettingsRequest;
import org.clusterdb.proto.api.v1.GetClusteringSettingsResponse;
import org.clusterdb.proto.api.v1.LeaderRequest;
import org.clusterdb.proto.api.v1.LeaderResponse;
import org.clusterdb.proto.api.v1.Member;
import org.clusterdb.proto.api.v1.MembersRequest;
import org.clusterdb.proto.api.v1.MembersResponse;
import org.clusterdb.proto.api.v1.SaveClusteringSettingsRequest;
import org.clusterdb.proto.api.v1.SaveClusteringSettingsResponse;
import org.clusterdb.proto.api.v1.SetPrimaryRequest;
import org.clusterdb.proto.api.v1.SetPrimaryResponse;
import org.clusterdb.proto.api.v1.StatusRequest;
import org.clusterdb.proto.api.v1.StatusResponse;
import org.clusterdb.proto.wire.WireCodec;
import org.clusterdb.server.auth.Caller;

/** Membership and status as this member sees them. */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
  private final ClusterDb db;
  private final List<Member> members;
  private final MaintenanceService.Restarter restarter;

  /**
   * @param members every peer with its peer and client addresses, in configured order
   */
  public ClusterService(ClusterDb db, List<Member> members) {
    this(db, members, MaintenanceService.Restarter.NONE);
  }

  public ClusterService(
      ClusterDb db, List<Member> members, MaintenanceService.Restarter restarter) {
    this.db = db;
    this.members = List.copyOf(members);
    this.restarter = restarter;
  }

  @Override
  public void members(MembersRequest request, StreamObserver<MembersResponse> out) {
    Calls.answer(
        out,
        () ->
            CompletableFuture.completedFuture(
                MembersResponse.newBuilder()
                    .setHeader(WireCodec.header(db.currentHeader()))
                    .addAllMembers(members)
                    .build()));
  }

  @Override
  public void leader(LeaderRequest request, StreamObserver<LeaderResponse> out) {
    Calls.answer(
        out,
        () -> {
          LeaderResponse.Builder b =
              LeaderResponse.newBuilder().setHeader(WireCodec.header(db.currentHeader()));
          db.status().leaderId().flatMap(this::member).ifPresent(b::setLeader);
          return CompletableFuture.completedFuture(b.build());
        });
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    Calls.answer(out, () -> CompletableFuture.completedFuture(status(db)));
  }

  @Override
  public void clusterStatus(
      ClusterStatusRequest request, StreamObserver<ClusterStatusResponse> out) {
    Calls.answer(out, () -> CompletableFuture.completedFuture(clusterStatus(db)));
  }

  /** What {@code ClusterStatus} answers on {@code db}'s peer. */
  public static ClusterStatusResponse clusterStatus(ClusterDb db) {
    return WireCodec.clusterStatus(db.currentHeader(), db.clusterStatus());
  }

  /** What {@code Alarms} answers on {@code db}'s peer. */
  public static AlarmsResponse alarms(ClusterDb db) {
    return WireCodec.alarms(db.alarms()).setHeader(WireCodec.header(db.currentHeader())).build();
  }

  /** What {@code GetClusteringSettings} answers on {@code db}'s peer. */
  public static GetClusteringSettingsResponse clusteringSettings(ClusterDb db) {
    return WireCodec.clusteringSettingsResponse(
        db.currentHeader(),
        db.config().memberId(),
        db.clusteringSettings(),
        db.clusterClusteringSettings(),
        Optional.of(db.listenAddress()));
  }

  @Override
  public void alarms(AlarmsRequest request, StreamObserver<AlarmsResponse> out) {
    Calls.answer(out, () -> CompletableFuture.completedFuture(alarms(db)));
  }

  @Override
  public void setPrimary(SetPrimaryRequest request, StreamObserver<SetPrimaryResponse> out) {
    Calls.answer(
        out,
        () ->
            db.setPrimary(request.getPrimary(), Caller.current().origin())
                .thenApply(
                    v ->
                        SetPrimaryResponse.newBuilder()
                            .setHeader(WireCodec.header(db.currentHeader()))
                            .build()));
  }

  @Override
  public void forceConfigUpdate(
      ForceConfigUpdateRequest request, StreamObserver<ForceConfigUpdateResponse> out) {
    Calls.answer(
        out,
        () ->
            CompletableFuture.supplyAsync(
                () -> {
                  String primary = db.clusterStatus().primaryId();
                  long index = db.prepareForceConfigUpdate(db.config().requestTimeout());
                  // The server stops, the member's cluster tables go, and it starts again.
                  restarter.restart(
                      next -> ClusterDb.discardForResync(next.toClusterDbConfig(), index));
                  return ForceConfigUpdateResponse.newBuilder()
                      .setHeader(WireCodec.header(db.currentHeader()))
                      .setIndex(index)
                      .setPrimaryId(primary)
                      .build();
                }));
  }

  @Override
  public void forceSystemKeyUpdate(
      ForceSystemKeyUpdateRequest request, StreamObserver<ForceSystemKeyUpdateResponse> out) {
    Calls.answer(
        out,
        () ->
            db.forceSystemKeyUpdate()
                .thenApply(
                    sent ->
                        ForceSystemKeyUpdateResponse.newBuilder()
                            .setHeader(WireCodec.header(db.currentHeader()))
                            .addAllSentTo(sent)
                            .build()));
  }

  @Override
  public void getClusteringSettings(
      GetClusteringSettingsRequest request, StreamObserver<GetClusteringSettingsResponse> out) {
    Calls.answer(out, () -> CompletableFuture.completedFuture(clusteringSettings(db)));
  }

  @Override
  public void saveClusteringSettings(
      SaveClusteringSettingsRequest request, StreamObserver<SaveClusteringSettingsResponse> out) {
    Calls.answer(
        out,
        () -> {
          String self = db.config().memberId();
          if (!request.getMemberId().isEmpty() && !request.getMemberId().equals(self)) {
            // The caller read another peer's settings; saving them here would overwrite ours.
            throw ClusterDbException.invalid(
                "member_id", "names " + request.getMemberId() + ", but this peer is " + self);
          }
          ClusteringSettings settings = WireCodec.clusteringSettings(request);
          return db.saveClusteringSettings(settings, request.getForce(), Caller.current().origin())
              .thenApply(
                  saved ->
                      SaveClusteringSettingsResponse.newBuilder()
                          .setHeader(WireCodec.header(db.currentHeader()))
                          .setSettings(WireCodec.clusteringSettings(saved))
                          .build());
        });
  }

  static StatusResponse status(ClusterDb db) {
    return StatusResponse.newBuilder()
        .setHeader(WireCodec.header(db.currentHeader()))
        .setStatus(WireCodec.memberStatus(db.status()))
        .build();
  }

  private Optional<Member> member(String id) {
    return members.stream().filter(m -> m.getId().equals(id)).findFirst();
  }
}
