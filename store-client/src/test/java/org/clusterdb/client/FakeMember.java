package org.clusterdb.client;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.proto.api.v1.ClusterGrpc;
import org.clusterdb.proto.api.v1.DeleteRangeRequest;
import org.clusterdb.proto.api.v1.DeleteRangeResponse;
import org.clusterdb.proto.api.v1.Event;
import org.clusterdb.proto.api.v1.GetClusteringSettingsRequest;
import org.clusterdb.proto.api.v1.GetClusteringSettingsResponse;
import org.clusterdb.proto.api.v1.KVGrpc;
import org.clusterdb.proto.api.v1.KeyValue;
import org.clusterdb.proto.api.v1.LeaderRequest;
import org.clusterdb.proto.api.v1.LeaderResponse;
import org.clusterdb.proto.api.v1.MaintenanceGrpc;
import org.clusterdb.proto.api.v1.Member;
import org.clusterdb.proto.api.v1.MembersRequest;
import org.clusterdb.proto.api.v1.MembersResponse;
import org.clusterdb.proto.api.v1.PutRequest;
import org.clusterdb.proto.api.v1.PutResponse;
import org.clusterdb.proto.api.v1.RangeRequest;
import org.clusterdb.proto.api.v1.RangeResponse;
import org.clusterdb.proto.api.v1.ResponseHeader;
import org.clusterdb.proto.api.v1.SaveClusteringSettingsRequest;
import org.clusterdb.proto.api.v1.SaveClusteringSettingsResponse;
import org.clusterdb.proto.api.v1.SnapshotRequest;
import org.clusterdb.proto.api.v1.SnapshotResponse;
import org.clusterdb.proto.api.v1.StatusRequest;
import org.clusterdb.proto.api.v1.StatusResponse;
import org.clusterdb.proto.api.v1.WatchCreateRequest;
import org.clusterdb.proto.api.v1.WatchGrpc;
import org.clusterdb.proto.api.v1.WatchRequest;
import org.clusterdb.proto.api.v1.WatchResponse;
import org.clusterdb.proto.wire.WireErrors;

/**
 * A member of a pretend cluster: an in-process gRPC server whose answers each test scripts, and
 * which records every request it receives. The address looks like {@code host:port}, so the client
 * validates it as it would a real one; {@link #CHANNELS} opens in-process channels to it.
 */
final class FakeMember implements AutoCloseable {
  /** Opens in-process channels, by the fake's address. */
  static final ChannelFactory CHANNELS =
      address -> InProcessChannelBuilder.forName(address).build();

  /** How one unary method answers. */
  @FunctionalInterface
  interface Handler<Req, Resp> {
    void handle(Req request, StreamObserver<Resp> out);
  }

  /** How the Watch stream answers one create. */
  @FunctionalInterface
  interface WatchHandler {
    void create(WatchCreateRequest create, ServerCallStreamObserver<WatchResponse> out);
  }

  final String id;
  final String address;
  final List<PutRequest> puts = new CopyOnWriteArrayList<>();
  final List<DeleteRangeRequest> deletes = new CopyOnWriteArrayList<>();
  final List<RangeRequest> ranges = new CopyOnWriteArrayList<>();
  final List<WatchCreateRequest> creates = new CopyOnWriteArrayList<>();
  final List<GetClusteringSettingsRequest> settingsReads = new CopyOnWriteArrayList<>();
  final List<SaveClusteringSettingsRequest> settingsSaves = new CopyOnWriteArrayList<>();
  final List<ServerCallStreamObserver<WatchResponse>> watchStreams = new CopyOnWriteArrayList<>();

  volatile Handler<PutRequest, PutResponse> put;
  volatile Handler<DeleteRangeRequest, DeleteRangeResponse> delete;
  volatile Handler<RangeRequest, RangeResponse> range;
  volatile Handler<LeaderRequest, LeaderResponse> leader = fail(Status.UNIMPLEMENTED);
  volatile Handler<StatusRequest, StatusResponse> status = fail(Status.UNIMPLEMENTED);
  volatile Handler<MembersRequest, MembersResponse> members = fail(Status.UNIMPLEMENTED);
  volatile Handler<SnapshotRequest, SnapshotResponse> snapshot = fail(Status.UNIMPLEMENTED);
  volatile Handler<GetClusteringSettingsRequest, GetClusteringSettingsResponse> getSettings =
      fail(Status.UNIMPLEMENTED);
  volatile Handler<SaveClusteringSettingsRequest, SaveClusteringSettingsResponse> saveSettings =
      fail(Status.UNIMPLEMENTED);
  volatile WatchHandler watch = (create, out) -> out.onNext(created(this, 0));

  private final Server server;

  FakeMember(String id) {
    this.id = id;
    this.address = id + "-" + UUID.randomUUID() + ":4372";
    this.put = (r, out) -> reply(out, PutResponse.newBuilder().setHeader(header(this, 1)).build());
    this.delete =
        (r, out) -> reply(out, DeleteRangeResponse.newBuilder().setHeader(header(this, 1)).build());
    this.range =
        (r, out) -> reply(out, RangeResponse.newBuilder().setHeader(header(this, 1)).build());
    try {
      server =
          InProcessServerBuilder.forName(address)
              .addService(new Kv())
              .addService(new Watches())
              .addService(new Cluster())
              .addService(new Maintenance())
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Member member() {
    return Member.newBuilder()
        .setId(id)
        .setPeerAddress(id + ":4371")
        .setClientAddress(address)
        .build();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  // ---- scripting helpers ----

  static ResponseHeader header(FakeMember m, long revision) {
    return ResponseHeader.newBuilder()
        .setClusterId("test")
        .setMemberId(m.id)
        .setRevision(revision)
        .setTerm(1)
        .build();
  }

  static <T> void reply(StreamObserver<T> out, T response) {
    out.onNext(response);
    out.onCompleted();
  }

  /** Answers every call with {@code status}, as a broken transport or foreign server would. */
  static <Req, Resp> Handler<Req, Resp> fail(Status status) {
    return (r, out) -> out.onError(status.asRuntimeException());
  }

  /** Answers every call with the typed error {@code e}, as a clusterdb server would. */
  static <Req, Resp> Handler<Req, Resp> fail(ClusterDbException e) {
    StatusRuntimeException status = WireErrors.toStatus(e);
    return (r, out) -> out.onError(status);
  }

  /** Never answers: the attempt's deadline ends it. */
  static <Req, Resp> Handler<Req, Resp> hang() {
    return (r, out) -> {};
  }

  static WatchResponse created(FakeMember m, long revision) {
    return WatchResponse.newBuilder()
        .setHeader(header(m, revision))
        .setWatchId(1)
        .setCreated(true)
        .build();
  }

  static WatchResponse events(FakeMember m, String table, long revision, String key) {
    return WatchResponse.newBuilder()
        .setHeader(header(m, revision))
        .setWatchId(1)
        .addEvents(
            Event.newBuilder()
                .setType(Event.EventType.PUT)
                .setTable(table)
                .setKv(
                    KeyValue.newBuilder()
                        .setKey(ByteString.copyFromUtf8(key))
                        .setValue(ByteString.copyFromUtf8("v" + revision))
                        .setCreateRevision(revision)
                        .setModRevision(revision)
                        .setVersion(1)))
        .build();
  }

  // ---- services ----

  private final class Kv extends KVGrpc.KVImplBase {
    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> out) {
      puts.add(request);
      put.handle(request, out);
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> out) {
      deletes.add(request);
      delete.handle(request, out);
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
      ranges.add(request);
      range.handle(request, out);
    }
  }

  private final class Watches extends WatchGrpc.WatchImplBase {
    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
      ServerCallStreamObserver<WatchResponse> out =
          (ServerCallStreamObserver<WatchResponse>) responses;
      watchStreams.add(out);
      return new StreamObserver<>() {
        @Override
        public void onNext(WatchRequest request) {
          if (request.hasCreate()) {
            creates.add(request.getCreate());
            watch.create(request.getCreate(), out);
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
  }

  private final class Cluster extends ClusterGrpc.ClusterImplBase {
    @Override
    public void leader(LeaderRequest request, StreamObserver<LeaderResponse> out) {
      leader.handle(request, out);
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
      status.handle(request, out);
    }

    @Override
    public void members(MembersRequest request, StreamObserver<MembersResponse> out) {
      members.handle(request, out);
    }

    @Override
    public void getClusteringSettings(
        GetClusteringSettingsRequest request, StreamObserver<GetClusteringSettingsResponse> out) {
      settingsReads.add(request);
      getSettings.handle(request, out);
    }

    @Override
    public void saveClusteringSettings(
        SaveClusteringSettingsRequest request, StreamObserver<SaveClusteringSettingsResponse> out) {
      settingsSaves.add(request);
      saveSettings.handle(request, out);
    }
  }

  private final class Maintenance extends MaintenanceGrpc.MaintenanceImplBase {
    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> out) {
      snapshot.handle(request, out);
    }
  }
}
