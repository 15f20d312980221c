package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.ClusteringSettings.TlsMode;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.TableScope;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.config.TlsFiles;
import org.clusterdb.core.config.WritePolicy;
import org.clusterdb.core.security.CertificateAuthority;
import org.clusterdb.core.security.CertificateStatus;
import org.clusterdb.core.security.KeyType;
import org.clusterdb.core.security.Pem;
import org.clusterdb.core.security.SubjectNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Raft traffic between peers is TLS; Enforce admits only peers whose certificates are valid. */
@Timeout(120)
class PeerTlsTest {
  private static final Duration YEAR = Duration.ofDays(365);

  @TempDir Path dir;

  private final CertificateAuthority ca =
      CertificateAuthority.create("test CA", YEAR, KeyType.EC, Instant.now());

  /** Writes {@code id}'s key and a certificate naming {@code dnsName}; returns its TLS files. */
  private TlsFiles certificate(String id, String dnsName, CertificateAuthority issuer)
      throws Exception {
    return TestCertificates.write(
        dir.resolve("certs"), id, SubjectNames.of(List.of(dnsName), List.of()), issuer, ca);
  }

  /** Three peers on "localhost", in {@code mode}; p3's certificate names {@code p3Name}. */
  private MiniCluster cluster(TlsMode mode, String p3Name) {
    return cluster(mode, p3Name, ca);
  }

  /** As {@link #cluster(TlsMode, String)}, p3's certificate issued by {@code p3Issuer}. */
  private MiniCluster cluster(TlsMode mode, String p3Name, CertificateAuthority p3Issuer) {
    return MiniCluster.start(
        3,
        dir.resolve("data"),
        "localhost",
        (self, b) -> {
          try {
            boolean p3 = self.id().equals("p3");
            return b.tlsMode(mode)
                .writePolicy(WritePolicy.ANY_LEADER)
                .tls(certificate(self.id(), p3 ? p3Name : "localhost", p3 ? p3Issuer : ca));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** Creates table t on the leader of p1 and p2 and writes t/key there. */
  private static void createAndWrite(MiniCluster c, String key) {
    c.member(leaderOfP1AndP2(c)).blocking().createTable("t", TableScope.CLUSTER);
    write(c, key);
  }

  private static void write(MiniCluster c, String key) {
    c.member(leaderOfP1AndP2(c)).blocking().put("t", key, "v");
  }

  /** The member (p1 or p2) that leads a group holding both, whatever became of p3. */
  private static int leaderOfP1AndP2(MiniCluster c) {
    int[] leader = {-1};
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (int i = 0; i < 2; i++) {
                ClusterDb db = c.member(i);
                boolean both =
                    db.membership()
                            .map(m -> m.voters().stream().filter(p -> !p.id().equals("p3")).count())
                            .orElse(0L)
                        == 2;
                if (db.status().role() == MemberStatus.Role.LEADER && both) {
                  leader[0] = i;
                  return true;
                }
              }
              return false;
            });
    return leader[0];
  }

  private static boolean has(MiniCluster c, int i, String key) {
    return c.holds(i, "t", key);
  }

  @Test
  void enforceWithCertificatesFromTheTrustedCaFormsACluster() {
    try (MiniCluster c = cluster(TlsMode.ENFORCE, "localhost")) {
      createAndWrite(c, "k");
      for (int i = 0; i < 3; i++) {
        int member = i;
        await().atMost(Duration.ofSeconds(30)).until(() -> has(c, member, "k"));
      }
      assertThat(c.member(0).certificateCheck("localhost"))
          .hasValueSatisfying(v -> assertThat(v.status()).isEqualTo(CertificateStatus.VALID));
      // The clustering page: this peer's own certificate and each other's, checked.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  c.member(0).clusterStatus().peers().stream()
                      .allMatch(p -> p.certificate().equals(Optional.of("Valid"))));
    }
  }

  @Test
  void enforceRefusesAPeerWhoseCertificateNamesAnotherHostWhileTheOthersKeepAQuorum() {
    try (MiniCluster c = cluster(TlsMode.ENFORCE, "wrong.example.com")) {
      createAndWrite(c, "k");
      int p1 = 0;
      int p2 = 1;
      int p3 = 2;
      await().atMost(Duration.ofSeconds(30)).until(() -> has(c, p1, "k") && has(c, p2, "k"));
      // p3 dials the others and is dialled by them; both sides refuse, and say why.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  c.member(p1)
                      .certificateCheck("wrong.example.com")
                      .map(v -> v.status() == CertificateStatus.NAME_MISMATCH)
                      .orElse(false));
      assertThat(c.member(p1).certificateCheck("wrong.example.com").orElseThrow().detail())
          .contains("wrong.example.com");
      write(c, "k2");
      await().atMost(Duration.ofSeconds(30)).until(() -> has(c, p1, "k2") && has(c, p2, "k2"));
      assertThat(has(c, p3, "k")).isFalse();
      assertThat(has(c, p3, "k2")).isFalse();
    }
  }

  @Test
  void permissiveTalksToAPeerWhoseCertificateNamesAnotherHostAndRecordsItsStatus() {
    try (MiniCluster c = cluster(TlsMode.PERMISSIVE, "wrong.example.com")) {
      createAndWrite(c, "k");
      for (int i = 0; i < 3; i++) {
        int member = i;
        await().atMost(Duration.ofSeconds(30)).until(() -> has(c, member, "k"));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  c.member(0)
                      .certificateCheck("wrong.example.com")
                      .map(v -> v.status() == CertificateStatus.NAME_MISMATCH)
                      .orElse(false));
    }
  }

  @Test
  void enforceRefusesAPeerWhoseCertificateComesFromAnotherCa() throws Exception {
    CertificateAuthority other =
        CertificateAuthority.create("other CA", YEAR, KeyType.EC, Instant.now());
    try (MiniCluster c = cluster(TlsMode.ENFORCE, "localhost", other)) {
      createAndWrite(c, "k");
      await().atMost(Duration.ofSeconds(30)).until(() -> has(c, 0, "k") && has(c, 1, "k"));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  c.member(0)
                          .certificateCheck("localhost")
                          .map(v -> v.status() == CertificateStatus.NOT_TRUSTED)
                          .orElse(false)
                      || c.member(1)
                          .certificateCheck("localhost")
                          .map(v -> v.status() == CertificateStatus.NOT_TRUSTED)
                          .orElse(false));
      assertThat(has(c, 2, "k")).isFalse();
    }
  }

  @Test
  void switchingToEnforceIsRefusedListingThePeersWhoseCertificatesAreInvalidUnlessForced() {
    try (MiniCluster c = MiniCluster.start(3, dir.resolve("data"))) {
      ClusterDb p1 = c.member(c.awaitLeader());
      ClusteringSettings enforce = p1.clusteringSettings().withTlsMode(TlsMode.ENFORCE);

      assertThatThrownBy(() -> p1.saveClusteringSettings(enforce).join())
          .hasCauseInstanceOf(ClusterDbException.class)
          .cause()
          .hasMessageContaining("tlsMode")
          .hasMessageContaining(
              "(" + p1.config().memberId() + " at 127.0.0.1): Invalid (not trusted)");
      assertThat(p1.clusteringSettings().tlsMode()).isEqualTo(TlsMode.PERMISSIVE);

      p1.saveClusteringSettings(enforce, true).join();
      assertThat(p1.clusteringSettings().tlsMode()).isEqualTo(TlsMode.ENFORCE);
    }
  }

  @Test
  void switchingToEnforceIsSavedWhenEveryPeersCertificateIsValid() {
    try (MiniCluster c = cluster(TlsMode.PERMISSIVE, "localhost")) {
      createAndWrite(c, "k");
      ClusterDb p1 = c.member(0);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  p1.clusterStatus().peers().stream()
                      .allMatch(p -> p.certificate().equals(Optional.of("Valid"))));

      p1.saveClusteringSettings(p1.clusteringSettings().withTlsMode(TlsMode.ENFORCE)).join();

      assertThat(p1.clusteringSettings().tlsMode()).isEqualTo(TlsMode.ENFORCE);
    }
  }

  @Test
  void peersServeTlsWithTheirOwnSelfSignedCertificateByDefault() throws Exception {
    try (MiniCluster c = MiniCluster.start(3, dir.resolve("data"))) {
      c.awaitLeader();
      ClusterDbConfig p1 = c.config(0);
      X509Certificate own =
          Pem.readCertificates(p1.dataDir().resolve("tls").resolve("peer.crt")).get(0);

      X509Certificate served = handshake(p1.self().host(), p1.self().port());

      assertThat(served).isEqualTo(own);
      assertThat(own.getSubjectAlternativeNames()).isNotNull();
      // Nobody trusts a self-signed certificate: the page says so, in Permissive as it is.
      assertThat(c.member(0).clusterStatus().peers().get(0).certificate())
          .contains("Invalid (not trusted)");
    }
  }

  /** The certificate a TLS server at host:port presents, to a client that trusts anything. */
  private static X509Certificate handshake(String host, int port) throws Exception {
    TrustManager trustAll =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {trustAll}, new SecureRandom());
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress(host, port), 5_000);
      s.setSoTimeout(5_000);
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }
}
