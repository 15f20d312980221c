package org.clusterdb.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateCheckTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final Duration YEAR = Duration.ofDays(365);

  private final CertificateAuthority ca =
      CertificateAuthority.create("test CA", YEAR, KeyType.EC, NOW.minus(Duration.ofDays(1)));

  private X509Certificate peer(SubjectNames names) {
    return ca.issue(KeyType.EC.generate().getPublic(), names, YEAR, NOW);
  }

  /** A certificate for peer1.example.com from {@code issuer}, valid from {@code from}. */
  private static X509Certificate peer1(
      CertificateAuthority issuer, Duration validity, Instant from) {
    return issuer.issue(
        KeyType.EC.generate().getPublic(),
        SubjectNames.of(List.of("peer1.example.com"), List.of()),
        validity,
        from);
  }

  private CertificateCheck check(X509Certificate leaf, String address) {
    return CertificateCheck.of(List.of(leaf), List.of(ca.certificate()), address, NOW);
  }

  @Test
  void aCertificateNamingThePeersFqdnInASanIsValid() {
    X509Certificate leaf =
        peer(new SubjectNames("peer1", List.of("peer1.example.com", "alt.example.com"), List.of()));
    assertThat(check(leaf, "peer1.example.com").status()).isEqualTo(CertificateStatus.VALID);
    assertThat(check(leaf, "ALT.example.com.").status()).isEqualTo(CertificateStatus.VALID);
  }

  @Test
  void anotherFqdnIsACommonNameMismatchWithTheSeedsText() {
    X509Certificate leaf = peer(SubjectNames.of(List.of("peer1.example.com"), List.of()));
    CertificateCheck c = check(leaf, "peer2.example.com");
    assertThat(c.status()).isEqualTo(CertificateStatus.NAME_MISMATCH);
    assertThat(c.status().display())
        .isEqualTo("Certificate: Invalid (Common Name in certificate does not match)");
    assertThat(c.detail()).contains("peer2.example.com").contains("peer1.example.com");
  }

  @Test
  void theSubjectCommonNameMatchesToo() {
    X509Certificate leaf =
        peer(new SubjectNames("peer1.example.com", List.of("other.example.com"), List.of()));
    assertThat(check(leaf, "peer1.example.com").status()).isEqualTo(CertificateStatus.VALID);
  }

  @Test
  void aWildcardStandsForExactlyOneLeftmostLabel() {
    X509Certificate leaf = peer(SubjectNames.of(List.of("*.cluster.example.com"), List.of()));
    assertThat(check(leaf, "p1.cluster.example.com").status()).isEqualTo(CertificateStatus.VALID);
    assertThat(check(leaf, "a.p1.cluster.example.com").status())
        .isEqualTo(CertificateStatus.NAME_MISMATCH);
    assertThat(check(leaf, "cluster.example.com").status())
        .isEqualTo(CertificateStatus.NAME_MISMATCH);
  }

  @Test
  void anIpAddressMatchesOnlyAnIpAlternativeName() {
    X509Certificate leaf =
        peer(SubjectNames.of(List.of("peer1.example.com"), List.of("127.0.0.1", "::1")));
    assertThat(check(leaf, "127.0.0.1").status()).isEqualTo(CertificateStatus.VALID);
    assertThat(check(leaf, "0:0:0:0:0:0:0:1").status()).isEqualTo(CertificateStatus.VALID);
    assertThat(check(leaf, "127.0.0.2").status()).isEqualTo(CertificateStatus.NAME_MISMATCH);
    X509Certificate noIp = peer(SubjectNames.of(List.of("peer1.example.com"), List.of()));
    assertThat(check(noIp, "127.0.0.1").status()).isEqualTo(CertificateStatus.NAME_MISMATCH);
  }

  @Test
  void aCertificateFromAnotherCaIsNotTrusted() {
    CertificateAuthority other = CertificateAuthority.create("other CA", YEAR, KeyType.EC, NOW);
    X509Certificate leaf = peer1(other, YEAR, NOW);
    CertificateCheck c = check(leaf, "peer1.example.com");
    assertThat(c.status()).isEqualTo(CertificateStatus.NOT_TRUSTED);
    assertThat(c.status().text()).isEqualTo("Invalid (not trusted)");
    assertThat(CertificateCheck.of(List.of(leaf), List.of(), "peer1.example.com", NOW).status())
        .isEqualTo(CertificateStatus.NOT_TRUSTED);
  }

  @Test
  void anExpiredCertificateIsExpiredAndOneNotYetValidIsSaidSo() {
    X509Certificate old = peer1(ca, Duration.ofHours(1), NOW.minus(Duration.ofHours(3)));
    CertificateCheck c = check(old, "peer1.example.com");
    assertThat(c.status()).isEqualTo(CertificateStatus.EXPIRED);
    assertThat(c.status().text()).isEqualTo("Invalid (expired)");
    X509Certificate future = peer1(ca, YEAR, NOW.plus(Duration.ofDays(2)));
    assertThat(check(future, "peer1.example.com").status())
        .isEqualTo(CertificateStatus.NOT_YET_VALID);
  }

  @Test
  void anExpiredCaMakesItsPeersExpired() {
    CertificateAuthority shortCa =
        CertificateAuthority.create(
            "short CA", Duration.ofHours(1), KeyType.EC, NOW.minus(Duration.ofHours(3)));
    X509Certificate leaf = peer1(shortCa, YEAR, NOW.minus(Duration.ofHours(2)));
    CertificateCheck c =
        CertificateCheck.of(
            List.of(leaf), List.of(shortCa.certificate()), "peer1.example.com", NOW);
    assertThat(c.status()).isEqualTo(CertificateStatus.EXPIRED);
  }

  @Test
  void aChainThatCarriesTheCaCertificateIsStillValid() {
    X509Certificate leaf = peer(SubjectNames.of(List.of("peer1.example.com"), List.of()));
    assertThat(
            CertificateCheck.of(
                    List.of(leaf, ca.certificate()),
                    List.of(ca.certificate()),
                    "peer1.example.com",
                    NOW)
                .status())
        .isEqualTo(CertificateStatus.VALID);
  }

  @Test
  void rsaKeysWorkAsWellAsEc() {
    CertificateAuthority rsaCa = CertificateAuthority.create("rsa CA", YEAR, KeyType.RSA, NOW);
    KeyPair keys = KeyType.RSA.generate();
    X509Certificate leaf =
        rsaCa.issue(
            keys.getPublic(), SubjectNames.of(List.of("peer1.example.com"), List.of()), YEAR, NOW);
    assertThat(
            CertificateCheck.of(
                    List.of(leaf), List.of(rsaCa.certificate()), "peer1.example.com", NOW)
                .status())
        .isEqualTo(CertificateStatus.VALID);
  }

  @Test
  void aPeerCertificateMayServeAndConnect() throws Exception {
    X509Certificate leaf = peer(SubjectNames.of(List.of("peer1.example.com"), List.of()));
    assertThat(leaf.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
  }
}
