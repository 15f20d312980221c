package org.clusterdb.server;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.core.ClusterDb;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.util.DaemonThreads;
import org.clusterdb.proto.api.v1.Member;
import org.clusterdb.server.auth.AuthInterceptor;
import org.clusterdb.server.auth.BasicCredentials;
import org.clusterdb.server.auth.ClientPortTls;
import org.clusterdb.server.config.PeerEndpoint;
import org.clusterdb.server.config.ServerConfig;
import org.clusterdb.server.grpc.AuthService;
import org.clusterdb.server.grpc.ClusterService;
import org.clusterdb.server.grpc.KvService;
import org.clusterdb.server.grpc.LeaseService;
import org.clusterdb.server.grpc.MaintenanceService;
import org.clusterdb.server.grpc.UsageService;
import org.clusterdb.server.grpc.WatchService;
import org.clusterdb.server.http.HttpEndpoints;
import org.clusterdb.server.http.PrometheusMeters;
import org.clusterdb.server.http.Readiness;
import org.clusterdb.server.http.StatusPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One clusterdb server process: an embedded member plus its gRPC client API (KV, Watch, Cluster,
 * Maintenance, Auth, the standard health service and server reflection), over TLS with the member's
 * own certificate, and with accounts once the cluster requires them.
 *
 * <p>Health is SERVING while the member knows a leader, NOT_SERVING otherwise and during shutdown.
 * With {@code server.httpPort} set, an HTTP listener serves {@code /metrics} (Prometheus text),
 * {@code /health} (liveness), {@code /ready} ({@link Readiness}) and the {@link StatusPage}; more
 * endpoints can be registered on {@link #http()}. {@link #shutdown(Duration)} stops taking new
 * calls, lets calls in flight finish for the grace period, then stops the member, leaving its data
 * directory consistent.
 */
public final class ClusterDbServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterDbServer.class);

  private final ServerConfig config;
  private final ClusterDb db;
  private final Server grpc;
  private final WatchService watches;
  private final HealthStatusManager health;
  private final ScheduledExecutorService ticker;
  private final PrometheusMeters meters;
  private final HttpEndpoints http;
  private volatile boolean stopped;

  private ClusterDbServer(
      ServerConfig config,
      ClusterDb db,
      Server grpc,
      WatchService watches,
      HealthStatusManager health,
      ScheduledExecutorService ticker,
      PrometheusMeters meters,
      HttpEndpoints http) {
    this.config = config;
    this.meters = meters;
    this.http = http;
    this.db = db;
    this.grpc = grpc;
    this.watches = watches;
    this.health = health;
    this.ticker = ticker;
  }

  /**
   * A bind address of the {@code server.<field>} {@code host}: resolved as the member resolves peer
   * hosts, so that a host only the address mapping knows can be listened on; left to the server's
   * own lookup otherwise.
   */
  private static java.net.InetAddress bindAddress(ClusterDb db, String host, String field) {
    try {
      return db.resolve(host);
    } catch (java.net.UnknownHostException e) {
      throw new ClusterDbException(
          ErrorCode.INVALID_ARGUMENT,
          "server."
              + field
              + ": "
              + host
              + " has no address: neither the address mapping nor DNS knows it",
          field,
          true,
          e);
    }
  }

  /** Starts the member and its client API; returns once both listen. */
  public static ClusterDbServer start(ServerConfig config) {
    return start(config, config.toClusterDbConfig());
  }

  /**
   * As {@link #start(ServerConfig)}, with the embedded member's configuration given: {@code
   * config}'s own, adjusted (the server command sets its test-only switches this way).
   */
  public static ClusterDbServer start(ServerConfig config, ClusterDbConfig member) {
    return start(config, member, MaintenanceService.Restarter.NONE);
  }

  /**
   * As {@link #start(ServerConfig, ClusterDbConfig)}; {@code restarter} serves {@code
   * Maintenance.Restart} (see {@link ServerRunner}).
   */
  public static ClusterDbServer start(
      ServerConfig config, ClusterDbConfig member, MaintenanceService.Restarter restarter) {
    LOG.info(
        "starting clusterdb server member={} version={} {}",
        config.memberId(),
        config.effectiveSoftwareVersion(),
        config.describe());
    PrometheusMeters meters = new PrometheusMeters(config.memberId());
    ClusterDb db;
    try {
      db = ClusterDb.start(member, meters.registry());
    } catch (RuntimeException e) {
      meters.close();
      throw e;
    }
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    PeerEndpoint self = config.self();
    WatchService watches = new WatchService(db);
    SslContext tls;
    InetSocketAddress clientAddress;
    InetSocketAddress httpAddress;
    try {
      clientAddress =
          new InetSocketAddress(
              bindAddress(db, config.clientBindHost(), "clientBindHost"), self.clientPort());
      httpAddress =
          config.httpPort() == 0
              ? null
              : new InetSocketAddress(
                  bindAddress(db, config.httpBindHost(), "httpBindHost"), config.httpPort());
      tls = ClientPortTls.serverContext(db.tlsIdentity());
    } catch (ClusterDbException e) {
      db.close();
      meters.close();
      throw e;
    } catch (SSLException e) {
      db.close();
      meters.close();
      throw new ClusterDbException(
          ErrorCode.INVALID_ARGUMENT,
          "cannot set up TLS on the client port: " + e.getMessage(),
          "tls",
          true,
          e);
    }
    Server grpc =
        NettyServerBuilder.forAddress(clientAddress)
            .sslContext(tls)
            .intercept(new AuthInterceptor(db))
            .maxInboundMessageSize(config.maxRequestBytes() + 1024 * 1024)
            // Clients ping idle watch streams to notice a partitioned member; let them.
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .addService(new KvService(db))
            .addService(watches)
            .addService(new ClusterService(db, members(config), restarter))
            .addService(new MaintenanceService(db, restarter))
            .addService(new AuthService(db))
            .addService(new LeaseService(db))
            .addService(new UsageService(db))
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            // Older tools still ask the alpha reflection service.
            .addService(legacyReflection())
            .build();
    try {
      grpc.start();
    } catch (IOException e) {
      db.close();
      meters.close();
      throw new ClusterDbException(
          ErrorCode.UNAVAILABLE,
          "cannot listen on " + self.clientAddress() + ": " + e.getMessage(),
          null,
          true,
          e);
    }
    HttpEndpoints http = null;
    if (httpAddress != null) {
      try {
        http =
            HttpEndpoints.start(
                httpAddress,
                config.memberId(),
                config.httpTls() ? ClientPortTls.httpsContext(db.tlsIdentity()) : null);
      } catch (IOException e) {
        grpc.shutdownNow();
        db.close();
        meters.close();
        throw new ClusterDbException(
            ErrorCode.UNAVAILABLE,
            "server.httpPort: cannot listen on " + httpAddress + ": " + e.getMessage(),
            "httpPort",
            true,
            e);
      }
    }
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("clusterdb-health"));
    ClusterDbServer server =
        new ClusterDbServer(config, db, grpc, watches, health, ticker, meters, http);
    ticker.scheduleWithFixedDelay(server::updateHealth, 0, 200, TimeUnit.MILLISECONDS);
    if (http != null) {
      server.registerEndpoints(http);
    }
    LOG.info(
        "clusterdb server listening member={} clientAddress={} peerAddress={} httpAddress={}",
        config.memberId(),
        self.clientAddress(),
        self.peerAddress().address(),
        http == null ? "off" : http.address());
    return server;
  }

  /**
   * Why an HTTP request may not read the status page or the meters: once the cluster requires
   * accounts, it must give one (any role) by Basic authentication. Probes need none.
   */
  private Optional<String> httpRefusal(com.sun.net.httpserver.HttpExchange request) {
    if (!db.accounts().authEnabled()) {
      return Optional.empty();
    }
    String authorization = request.getRequestHeaders().getFirst("Authorization");
    if (authorization == null) {
      return Optional.of("authentication required: give a user name and password");
    }
    try {
      BasicCredentials.Checked checked = BasicCredentials.check(db, authorization);
      if (checked.account().isPresent()) {
        return Optional.empty();
      }
      LOG.info(
          "http request refused: wrong user name or password user={} from={}",
          checked.user(),
          request.getRemoteAddress());
      return Optional.of("wrong user name or password");
    } catch (ClusterDbException e) {
      return Optional.of(e.getMessage());
    }
  }

  private void registerEndpoints(HttpEndpoints endpoints) {
    if (!config.httpTls() && db.accounts().authEnabled()) {
      LOG.warn(
          "http listener is plain HTTP while authentication is on: its passwords cross the"
              + " network unencrypted; set server.httpTls member={} httpAddress={}",
          config.memberId(),
          endpoints.address());
    }
    endpoints.register(
        "/metrics",
        this::httpRefusal,
        request ->
            new HttpEndpoints.Response(
                200,
                PrometheusMeters.CONTENT_TYPE,
                meters.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    // Liveness: answered as long as the process serves HTTP at all.
    endpoints.register("/health", request -> HttpEndpoints.Response.text(200, "OK\n"));
    endpoints.register(
        "/ready",
        request -> {
          Readiness r = readiness();
          return HttpEndpoints.Response.text(
              r.ready() ? 200 : 503, r.ready() ? "ready\n" : "not ready: " + r.reason() + "\n");
        });
    StatusPage.register(
        endpoints,
        this::httpRefusal,
        new StatusPage.Source(
            () -> ClusterService.clusterStatus(db),
            () -> ClusterService.alarms(db),
            () -> Optional.of(ClusterService.clusteringSettings(db))));
  }

  /** Whether this member should get traffic now; see {@link Readiness}. */
  public Readiness readiness() {
    return stopped ? Readiness.shuttingDown() : Readiness.of(db.status(), db.databaseState());
  }

  /**
   * The HTTP listener, where further read-only endpoints can be {@linkplain HttpEndpoints#register
   * registered}; empty unless {@code server.httpPort} is set.
   */
  public Optional<HttpEndpoints> http() {
    return Optional.ofNullable(http);
  }

  @SuppressWarnings("deprecation")
  private static io.grpc.BindableService legacyReflection() {
    return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
  }

  static List<Member> members(ServerConfig config) {
    List<Member> members = new ArrayList<>();
    for (PeerEndpoint p : config.peers()) {
      members.add(
          Member.newBuilder()
              .setId(p.id())
              .setPeerAddress(p.peerAddress().address())
              .setClientAddress(p.clientAddress())
              .build());
    }
    return members;
  }

  private void updateHealth() {
    if (stopped) {
      return;
    }
    try {
      // As /ready: a member out of quorum or behind may still know a leader.
      boolean serving = readiness().ready();
      health.setStatus(
          HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
          serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    } catch (RuntimeException e) {
      LOG.debug("health check failed error={}", e.toString());
    }
  }

  public ClusterDb db() {
    return db;
  }

  public ServerConfig config() {
    return config;
  }

  /** The port the client API listens on. */
  public int port() {
    return grpc.getPort();
  }

  /** Blocks until the server has shut down. */
  public void awaitTermination() throws InterruptedException {
    grpc.awaitTermination();
  }

  /**
   * Stops taking calls, gives calls in flight up to {@code grace} to finish, then stops the member.
   * Idempotent.
   */
  public synchronized void shutdown(Duration grace) {
    if (stopped) {
      return;
    }
    stopped = true;
    LOG.info("stopping clusterdb server member={} grace={}", config.memberId(), grace);
    health.enterTerminalState();
    ticker.shutdownNow();
    grpc.shutdown();
    watches.shutdown();
    try {
      if (!grpc.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("calls still in flight after grace, cancelling member={}", config.memberId());
        grpc.shutdownNow();
        grpc.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      grpc.shutdownNow();
    }
    if (http != null) {
      http.close();
    }
    db.close();
    meters.close();
    LOG.info("clusterdb server stopped member={}", config.memberId());
  }

  @Override
  public void close() {
    shutdown(config.shutdownGrace());
  }
}
