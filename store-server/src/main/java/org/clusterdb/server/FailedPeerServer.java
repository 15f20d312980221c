package org.clusterdb.server;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Header;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.core.DatabaseFailedException;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.security.PeerTls;
import org.clusterdb.proto.api.v1.AlarmsRequest;
import org.clusterdb.proto.api.v1.AlarmsResponse;
import org.clusterdb.proto.api.v1.ClusterGrpc;
import org.clusterdb.proto.api.v1.ClusterStatusRequest;
import org.clusterdb.proto.api.v1.ClusterStatusResponse;
import org.clusterdb.proto.api.v1.GetClusteringSettingsRequest;
import org.clusterdb.proto.api.v1.GetClusteringSettingsResponse;
import org.clusterdb.proto.wire.WireCodec;
import org.clusterdb.proto.wire.WireErrors;
import org.clusterdb.server.auth.ClientPortTls;
import org.clusterdb.server.config.PeerEndpoint;
import org.clusterdb.server.config.ServerConfig;
import org.clusterdb.server.http.HttpEndpoints;
import org.clusterdb.server.http.StatusPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a peer whose database failed at start-up serves instead of its database, so that operators
 * see why: its clustering status (database Stopped) and its alarms, "Database failure" among them.
 * Every other call fails UNAVAILABLE with the damage and the recovery; health is NOT_SERVING. With
 * {@code server.httpPort} set, the HTTP listener serves the status page, {@code /health} (200) and
 * {@code /ready} (503). Answered without accounts: the peer's accounts are in the database that
 * failed, and nothing here reads or changes data.
 */
public final class FailedPeerServer {
  private static final Logger LOG = LoggerFactory.getLogger(FailedPeerServer.class);

  private static final Set<String> ANSWERED =
      Set.of(
          ClusterGrpc.getClusterStatusMethod().getFullMethodName(),
          ClusterGrpc.getAlarmsMethod().getFullMethodName(),
          ClusterGrpc.getGetClusteringSettingsMethod().getFullMethodName(),
          "grpc.health.v1.Health/Check",
          "grpc.health.v1.Health/Watch");

  private final Server grpc;
  private final HttpEndpoints http;

  private FailedPeerServer(Server grpc, HttpEndpoints http) {
    this.grpc = grpc;
    this.http = http;
  }

  /** Listens on the peer's client port and answers as above until shut down. */
  public static FailedPeerServer start(
      ServerConfig config, ClusterDbConfig member, DatabaseFailedException failure)
      throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    PeerEndpoint self = config.self();
    ClusterDbException refusal =
        new ClusterDbException(ErrorCode.UNAVAILABLE, failure.getMessage(), null, true, null);
    Status status = new Status(config, failure);
    PeerTls identity = PeerTls.open(member);
    Server grpc =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(config.clientBindHost(), self.clientPort()))
            .sslContext(ClientPortTls.serverContext(identity))
            .intercept(new Refuse(refusal))
            // Services not registered here, refused the same way rather than UNIMPLEMENTED.
            .fallbackHandlerRegistry(new Unregistered())
            .addService(status)
            .addService(health.getHealthService())
            .build();
    grpc.start();
    HttpEndpoints http = null;
    if (config.httpPort() != 0) {
      try {
        http =
            HttpEndpoints.start(
                new InetSocketAddress(config.httpBindHost(), config.httpPort()),
                config.memberId(),
                config.httpTls() ? ClientPortTls.httpsContext(identity) : null);
      } catch (IOException e) {
        grpc.shutdownNow();
        throw e;
      }
      // Alive (a supervisor must not restart it in a loop), never ready, and the status page
      // shows why.
      http.register("/health", request -> HttpEndpoints.Response.text(200, "OK\n"));
      http.register(
          "/ready", request -> HttpEndpoints.Response.text(503, "not ready: database failed\n"));
      // Open, as its status calls are: the accounts are in the database that failed.
      StatusPage.register(
          http,
          HttpEndpoints.Gate.OPEN,
          new StatusPage.Source(status::clusterStatus, status::alarms, status::settings));
    }
    LOG.error(
        "Detail=\"Database failure: serving status and alarms only\" Member=\"{}\""
            + " ClientAddress=\"{}\"",
        config.memberId(),
        self.clientAddress());
    return new FailedPeerServer(grpc, http);
  }

  public void awaitTermination() throws InterruptedException {
    grpc.awaitTermination();
  }

  public void shutdown() {
    grpc.shutdownNow();
    if (http != null) {
      http.close();
    }
  }

  /** Fails every call but status, alarms and health, with the failure's own message. */
  private static final class Refuse implements ServerInterceptor {
    private final StatusRuntimeException refusal;

    Refuse(ClusterDbException failure) {
      this.refusal = WireErrors.toStatus(failure);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      if (ANSWERED.contains(call.getMethodDescriptor().getFullMethodName())) {
        return next.startCall(call, headers);
      }
      Metadata trailers = refusal.getTrailers() == null ? new Metadata() : refusal.getTrailers();
      call.close(refusal.getStatus(), trailers);
      return new ServerCall.Listener<Q>() {};
    }
  }

  /** Any method no service here has, with its messages passed through unread. */
  private static final class Unregistered extends HandlerRegistry {
    private static final MethodDescriptor.Marshaller<InputStream> RAW =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(InputStream value) {
            return value;
          }

          @Override
          public InputStream parse(InputStream stream) {
            return stream;
          }
        };

    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
      MethodDescriptor<InputStream, InputStream> method =
          MethodDescriptor.<InputStream, InputStream>newBuilder()
              .setType(MethodDescriptor.MethodType.UNKNOWN)
              .setFullMethodName(methodName)
              .setRequestMarshaller(RAW)
              .setResponseMarshaller(RAW)
              .build();
      // The Refuse interceptor closes the call before this handler runs.
      return ServerMethodDefinition.create(
          method, (call, headers) -> new ServerCall.Listener<>() {});
    }
  }

  private static final class Status extends ClusterGrpc.ClusterImplBase {
    private final ServerConfig config;
    private final DatabaseFailedException failure;
    private final Header header;

    Status(ServerConfig config, DatabaseFailedException failure) {
      this.config = config;
      this.failure = failure;
      this.header = new Header("", config.memberId(), 0, 0);
    }

    @Override
    public void clusterStatus(
        ClusterStatusRequest request, StreamObserver<ClusterStatusResponse> out) {
      out.onNext(clusterStatus());
      out.onCompleted();
    }

    ClusterStatusResponse clusterStatus() {
      List<PeerStatus> peers = new ArrayList<>();
      int i = 1;
      for (PeerEndpoint p : config.peers()) {
        boolean me = p.id().equals(config.memberId());
        peers.add(
            new PeerStatus(
                i++,
                p.id(),
                p.peerAddress().address(),
                me ? PeerStatus.State.THIS_SYSTEM : PeerStatus.State.UNKNOWN,
                Optional.empty(),
                0,
                0));
      }
      String primaryId =
          config.primary() >= 1 && config.primary() <= config.peers().size()
              ? config.peers().get(config.primary() - 1).id()
              : "";
      ClusterStatus s =
          new ClusterStatus(
              config.memberId(),
              config.primary(),
              primaryId,
              config.primary(),
              ClusterStatus.Database.STOPPED,
              0,
              0,
              -1,
              peers);
      return WireCodec.clusterStatus(header, s);
    }

    @Override
    public void alarms(AlarmsRequest request, StreamObserver<AlarmsResponse> out) {
      out.onNext(alarms());
      out.onCompleted();
    }

    AlarmsResponse alarms() {
      return WireCodec.alarms(failure.alarms()).setHeader(WireCodec.header(header)).build();
    }

    @Override
    public void getClusteringSettings(
        GetClusteringSettingsRequest request, StreamObserver<GetClusteringSettingsResponse> out) {
      Optional<GetClusteringSettingsResponse> s = settings();
      if (s.isEmpty()) {
        out.onError(
            WireErrors.toStatus(
                new ClusterDbException(
                    ErrorCode.UNAVAILABLE, failure.getMessage(), null, true, null)));
        return;
      }
      out.onNext(s.get());
      out.onCompleted();
    }

    /** The settings in the peer's own tables; empty when those are what failed. */
    Optional<GetClusteringSettingsResponse> settings() {
      return failure
          .settings()
          .map(
              saved ->
                  WireCodec.clusteringSettingsResponse(
                      header, config.memberId(), saved.own(), saved.cluster()));
    }
  }
}
