package org.clusterdb.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings.TlsMode;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.Op;
import org.clusterdb.api.Role;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.clusterdb.client.ClientTls;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.core.MiniCluster;
import org.clusterdb.core.config.TlsFiles;
import org.clusterdb.core.security.CertificateAuthority;
import org.clusterdb.core.security.KeyType;
import org.clusterdb.core.security.Pem;
import org.clusterdb.core.security.SubjectNames;
import org.clusterdb.server.ClusterDbServer;
import org.clusterdb.server.GrpcTestChannels;
import org.clusterdb.server.config.PeerEndpoint;
import org.clusterdb.server.config.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-member server in this JVM, with a certificate from a CA made here: the client port speaks
 * only TLS, verifiable against that CA, and once the cluster requires accounts every call is
 * authenticated (password, or a client certificate in Enforce) and authorized by role.
 */
@Timeout(120)
class ClientPortSecurityTest {
  private static final Duration YEAR = Duration.ofDays(365);
  private static final String ADMIN_PASSWORD = "admin-secret-1";
  private static final String READER_PASSWORD = "reader-secret-1";

  @TempDir Path dir;
  private CertificateAuthority ca;
  private Path caFile;
  private ClusterDbServer server;
  private String endpoint;

  /** Free for a tweak of {@link #start} to give the HTTP listener. */
  private int httpPort;

  private void start(TlsMode mode) throws IOException {
    start(mode, b -> b);
  }

  private void start(TlsMode mode, UnaryOperator<ServerConfig.Builder> tweak) throws IOException {
    ca = CertificateAuthority.create("test CA", YEAR, KeyType.EC, Instant.now());
    caFile = dir.resolve("ca.crt");
    Pem.writeCertificates(caFile, List.of(ca.certificate()));
    Path cert = dir.resolve("p1.crt");
    Path key = dir.resolve("p1.key");
    issue(ca, new SubjectNames("127.0.0.1", List.of(), List.of("127.0.0.1")), cert, key);
    List<Integer> ports = MiniCluster.freePorts(3);
    httpPort = ports.get(2);
    PeerEndpoint self = new PeerEndpoint("p1", "127.0.0.1", ports.get(0), ports.get(1));
    server =
        ClusterDbServer.start(
            tweak
                .apply(
                    ServerConfig.builder()
                        .clusterName("auth.clusterdb")
                        .memberId("p1")
                        .peers(List.of(self))
                        .dataDir(dir.resolve("data"))
                        .tlsMode(mode)
                        .tls(new TlsFiles(cert, key, List.of(caFile))))
                .build());
    endpoint = self.clientAddress();
    try (ClusterDbClient c = client(b -> {})) {
      c.blocking().createTable("t", TableScope.CLUSTER);
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static void issue(CertificateAuthority ca, SubjectNames names, Path cert, Path key)
      throws IOException {
    KeyPair keys = KeyType.EC.generate();
    Pem.writeCertificates(
        cert, List.of(ca.issue(keys.getPublic(), names, YEAR, Instant.now()), ca.certificate()));
    Pem.writePrivateKey(key, keys.getPrivate());
  }

  private ClusterDbClient client(Consumer<ClusterDbClient.Builder> tweak) {
    ClusterDbClient.Builder b =
        ClusterDbClient.builder().endpoints(endpoint).requestTimeout(Duration.ofSeconds(10));
    tweak.accept(b);
    return b.build();
  }

  private ClusterDbClient as(String user, String password) {
    return client(b -> b.credentials(user, password));
  }

  private void accountsAndAuthOn() {
    try (ClusterDbClient c = client(b -> {})) {
      c.saveAccount("admin", Role.ADMIN, ADMIN_PASSWORD);
      c.saveAccount("reader", Role.READONLY, READER_PASSWORD);
      c.setAuthEnabled(true);
    }
  }

  private static ClusterDbException failure(Runnable call) {
    try {
      call.run();
    } catch (ClusterDbException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void theHttpListenerSpeaksHttpsAndAsksForAnAccountOnceAuthenticationIsOn() throws Exception {
    start(TlsMode.PERMISSIVE, b -> b.httpPort(httpPort).httpTls(true));
    HttpClient https = HttpClient.newBuilder().sslContext(trusting(caFile)).build();
    String base = "https://127.0.0.1:" + httpPort;
    assertThat(get(https, base + "/status.json", null).statusCode())
        .as("open while authentication is off")
        .isEqualTo(200);
    assertThatThrownBy(() -> get(HttpClient.newHttpClient(), base + "/health", null))
        .as("a client that does not trust the cluster's CA")
        .isInstanceOf(IOException.class);

    accountsAndAuthOn();
    for (String path : List.of("/", "/status.json", "/metrics")) {
      HttpResponse<String> none = get(https, base + path, null);
      assertThat(none.statusCode()).as(path).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .contains("Basic realm=\"clusterdb\", charset=\"UTF-8\"");
      assertThat(none.body()).contains("authentication required");
      HttpResponse<String> wrong = get(https, base + path, basic("reader", "not-it"));
      assertThat(wrong.statusCode()).as(path).isEqualTo(401);
      assertThat(wrong.body()).contains("wrong user name or password");
      assertThat(get(https, base + path, "Bearer x").body()).contains("Basic base64");
      assertThat(get(https, base + path, basic("reader", READER_PASSWORD)).statusCode())
          .as("%s for a read-only account", path)
          .isEqualTo(200);
    }
    assertThat(get(https, base + "/status.json", basic("admin", ADMIN_PASSWORD)).body())
        .contains("\"status\"", "\"alarms\"");
    assertThat(get(https, base + "/health", null).statusCode())
        .as("probes need no account")
        .isEqualTo(200);
    assertThat(get(https, base + "/ready", null).statusCode()).isIn(200, 503);
  }

  private static HttpResponse<String> get(HttpClient client, String uri, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** TLS trusting only the certificates in {@code caFile}. */
  private static SSLContext trusting(Path caFile) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (X509Certificate c : Pem.readCertificates(caFile)) {
      trust.setCertificateEntry("ca" + i++, c);
    }
    TrustManagerFactory f =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, f.getTrustManagers(), null);
    return context;
  }

  @Test
  void theClientPortSpeaksOnlyTlsAndAClientVerifiesItAgainstTheCa() throws Exception {
    start(TlsMode.PERMISSIVE);
    ManagedChannel plain = NettyChannelBuilder.forTarget(endpoint).usePlaintext().build();
    try {
      assertThatThrownBy(
              () ->
                  HealthGrpc.newBlockingStub(plain)
                      .withDeadlineAfter(5, TimeUnit.SECONDS)
                      .check(HealthCheckRequest.getDefaultInstance()))
          .isInstanceOf(StatusRuntimeException.class);
    } finally {
      plain.shutdownNow();
    }
    try (ClusterDbClient c = client(b -> b.tls(ClientTls.verifying(caFile)))) {
      c.blocking().put("t", "k", "v");
    }
    CertificateAuthority other =
        CertificateAuthority.create("other", YEAR, KeyType.EC, Instant.now());
    Path otherFile = dir.resolve("other.crt");
    Pem.writeCertificates(otherFile, List.of(other.certificate()));
    try (ClusterDbClient c =
        client(b -> b.tls(ClientTls.verifying(otherFile)).requestTimeout(Duration.ofSeconds(3)))) {
      ClusterDbException e = failure(() -> c.blocking().get("t", "k"));
      assertThat(e.code()).isIn(ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT);
    }
  }

  @Test
  void withAuthenticationOnEveryCallNeedsTheRightPassword() throws Exception {
    start(TlsMode.PERMISSIVE);
    try (ClusterDbClient anyone = client(b -> {})) {
      anyone.blocking().put("t", "before", "v");
    }
    accountsAndAuthOn();
    try (ClusterDbClient anyone = client(b -> {})) {
      ClusterDbException e = failure(() -> anyone.blocking().put("t", "k", "v"));
      assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
      assertThat(e.definite()).isTrue();
      assertThat(e.getMessage()).contains("authentication required");
      assertThat(failure(() -> anyone.blocking().get("t", "before")).code())
          .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }
    try (ClusterDbClient wrong = as("admin", "not-the-password")) {
      ClusterDbException e = failure(() -> wrong.blocking().put("t", "k", "v"));
      assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
      assertThat(e.getMessage()).contains("wrong user name or password");
    }
    try (ClusterDbClient nobody = as("nobody", ADMIN_PASSWORD)) {
      assertThat(failure(() -> nobody.blocking().get("t", "before")).code())
          .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }
    try (ClusterDbClient admin = as("admin", ADMIN_PASSWORD)) {
      admin.blocking().put("t", "k", "v");
      assertThat(admin.blocking().get("t", "k")).isPresent();
      assertThat(admin.authStatus(false).caller().orElseThrow().name()).isEqualTo("admin");
      assertThat(admin.authStatus(false).authenticatedBy()).isEqualTo("password");
    }
    // Health stays open, for load balancers.
    ManagedChannel ch = GrpcTestChannels.insecure(endpoint);
    try {
      assertThat(
              HealthGrpc.newBlockingStub(ch)
                  .withDeadlineAfter(5, TimeUnit.SECONDS)
                  .check(HealthCheckRequest.getDefaultInstance())
                  .getStatus())
          .isNotNull();
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void aReadOnlyAccountReadsAndWatchesButChangesNothing() throws Exception {
    start(TlsMode.PERMISSIVE);
    try (ClusterDbClient c = client(b -> {})) {
      c.blocking().put("t", "k", "v1");
    }
    accountsAndAuthOn();
    try (ClusterDbClient reader = as("reader", READER_PASSWORD)) {
      assertThat(reader.blocking().get("t", "k").orElseThrow().value()).isEqualTo(Bytes.of("v1"));
      assertThat(reader.blocking().txn(Txn.of(Op.range("t", KeyRange.all()))).succeeded()).isTrue();
      ClusterDbException put = failure(() -> reader.blocking().put("t", "k", "v2"));
      assertThat(put.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
      assertThat(put.getMessage()).contains("read-only").contains("KV/Put");
      ClusterDbException txn =
          failure(() -> reader.blocking().txn(Txn.of(Op.put("t", Bytes.of("k"), Bytes.of("v3")))));
      assertThat(txn.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
      assertThat(failure(() -> reader.blocking().createTable("u", TableScope.CLUSTER)).code())
          .isEqualTo(ErrorCode.PERMISSION_DENIED);
      assertThat(failure(() -> reader.saveAccount("x1", Role.ADMIN, "password-x1")).code())
          .isEqualTo(ErrorCode.PERMISSION_DENIED);
      assertThat(failure(() -> reader.setAuthEnabled(false)).code())
          .isEqualTo(ErrorCode.PERMISSION_DENIED);
    }
    try (ClusterDbClient admin = as("admin", ADMIN_PASSWORD)) {
      assertThat(admin.blocking().get("t", "k").orElseThrow().value()).isEqualTo(Bytes.of("v1"));
    }
  }

  /** Restart is an admin's: a reader is refused before the server is asked. */
  @Test
  void onlyAnAdminMayRestartAPeer() throws Exception {
    start(TlsMode.PERMISSIVE);
    accountsAndAuthOn();
    try (ClusterDbClient reader = as("reader", READER_PASSWORD)) {
      ClusterDbException refused = failure(() -> reader.restart(Optional.empty()));
      assertThat(refused.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
      assertThat(refused.getMessage()).contains("read-only").contains("Maintenance/Restart");
    }
    try (ClusterDbClient admin = as("admin", ADMIN_PASSWORD)) {
      // Past authorization: this server, started in process, has no one to start it again.
      ClusterDbException embedded = failure(() -> admin.restart(Optional.empty()));
      assertThat(embedded.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(embedded.getMessage()).contains("cannot restart in place");
    }
  }

  @Test
  void authenticationNeedsAnAdminAndTheLastAdminCannotBeRemoved() throws Exception {
    start(TlsMode.PERMISSIVE);
    try (ClusterDbClient c = client(b -> {})) {
      ClusterDbException none = failure(() -> c.setAuthEnabled(true));
      assertThat(none.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(none.field()).contains("enabled");
      c.saveAccount("reader", Role.READONLY, READER_PASSWORD);
      assertThat(failure(() -> c.setAuthEnabled(true)).field()).contains("enabled");
      ClusterDbException weak = failure(() -> c.saveAccount("admin", Role.ADMIN, "short"));
      assertThat(weak.field()).contains("password");
      ClusterDbException badName = failure(() -> c.saveAccount("no spaces", Role.ADMIN, "x"));
      assertThat(badName.field()).contains("name");
      c.saveAccount("admin", Role.ADMIN, ADMIN_PASSWORD);
      c.setAuthEnabled(true);
    }
    try (ClusterDbClient admin = as("admin", ADMIN_PASSWORD)) {
      ClusterDbException demote = failure(() -> admin.saveAccount("admin", Role.READONLY, null));
      assertThat(demote.field()).contains("role");
      ClusterDbException delete = failure(() -> admin.deleteAccount("admin"));
      assertThat(delete.field()).contains("name");
      assertThat(admin.authStatus(true).accounts())
          .extracting(a -> a.name())
          .containsExactly("admin", "reader");
      // A role change keeps the password.
      admin.saveAccount("reader", Role.ADMIN, null);
      admin.deleteAccount("admin");
    }
    try (ClusterDbClient formerReader = as("reader", READER_PASSWORD)) {
      formerReader.blocking().put("t", "k", "by the new admin");
    }
  }

  @Test
  void passwordHashesCannotBeReadOrWatched() throws Exception {
    start(TlsMode.PERMISSIVE);
    try (ClusterDbClient c = client(b -> {})) {
      c.saveAccount("admin", Role.ADMIN, ADMIN_PASSWORD);
      ClusterDbException read = failure(() -> c.blocking().get("clusterdb.accounts", "admin"));
      assertThat(read.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(read.getMessage()).contains("private");
    }
    assertThat(server.db().accounts().accounts())
        .extracting(a -> a.name())
        .containsExactly("admin");
  }

  /** {@code base} presenting a certificate {@code ca} issued for Common Name {@code name}. */
  private ClientTls presenting(ClientTls base, CertificateAuthority ca, String name)
      throws IOException {
    Path cert = dir.resolve(name + "-" + ca.certificate().getSerialNumber() + ".crt");
    Path key = dir.resolve(name + "-" + ca.certificate().getSerialNumber() + ".key");
    issue(ca, new SubjectNames(name, List.of(name), List.of()), cert, key);
    return base.withCertificate(cert, key);
  }

  @Test
  void inEnforceModeATrustedClientCertificateLogsInAsTheAccountItNames() throws Exception {
    start(TlsMode.ENFORCE);
    accountsAndAuthOn();
    ClientTls admin = presenting(ClientTls.verifying(caFile), ca, "admin");
    try (ClusterDbClient byCert = client(b -> b.tls(admin))) {
      byCert.blocking().put("t", "k", "by certificate");
      assertThat(byCert.authStatus(false).authenticatedBy()).isEqualTo("certificate");
      assertThat(byCert.authStatus(false).caller().orElseThrow().name()).isEqualTo("admin");
    }
    CertificateAuthority other =
        CertificateAuthority.create("other", YEAR, KeyType.EC, Instant.now());
    ClientTls forged = presenting(ClientTls.UNVERIFIED, other, "admin");
    try (ClusterDbClient byForged = client(b -> b.tls(forged))) {
      ClusterDbException e = failure(() -> byForged.blocking().put("t", "k", "forged"));
      assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
      assertThat(e.getMessage()).contains("trusted CA");
    }
    ClientTls stranger = presenting(ClientTls.UNVERIFIED, ca, "stranger");
    try (ClusterDbClient byStranger = client(b -> b.tls(stranger))) {
      ClusterDbException e = failure(() -> byStranger.blocking().get("t", "k"));
      assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
      assertThat(e.getMessage()).contains("stranger");
    }
  }

  @Test
  void inPermissiveModeAClientCertificateAloneIsNotEnough() throws Exception {
    start(TlsMode.PERMISSIVE);
    accountsAndAuthOn();
    ClientTls admin = presenting(ClientTls.verifying(caFile), ca, "admin");
    try (ClusterDbClient byCert = client(b -> b.tls(admin))) {
      assertThat(failure(() -> byCert.blocking().put("t", "k", "v")).code())
          .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }
  }
}
