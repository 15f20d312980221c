package org.clusterdb.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemAndCaFilesTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final Duration YEAR = Duration.ofDays(365);

  @TempDir Path dir;

  @Test
  void aCaWrittenAndLoadedIssuesCertificatesThatCheckAgainstItsFile() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("clusterdb CA", YEAR, KeyType.EC, NOW);
    ca.write(dir.resolve("ca.crt"), dir.resolve("ca.key"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.crt"))))
        .isEqualTo("rw-r--r--");
    assertThat(Files.readString(dir.resolve("ca.key"))).startsWith("-----BEGIN PRIVATE KEY-----");

    CertificateAuthority loaded =
        CertificateAuthority.load(dir.resolve("ca.crt"), dir.resolve("ca.key"));
    KeyPair keys = KeyType.EC.generate();
    X509Certificate leaf =
        loaded.issue(
            keys.getPublic(), SubjectNames.of(List.of("p1.example.com"), List.of()), YEAR, NOW);
    Pem.writeCertificates(dir.resolve("p1.crt"), List.of(leaf, loaded.certificate()));
    Pem.writePrivateKey(dir.resolve("p1.key"), keys.getPrivate());

    List<X509Certificate> chain = Pem.readCertificates(dir.resolve("p1.crt"));
    assertThat(chain).hasSize(2);
    assertThat(Pem.readPrivateKey(dir.resolve("p1.key")).getEncoded())
        .isEqualTo(keys.getPrivate().getEncoded());
    assertThat(
            CertificateCheck.of(
                    chain, Pem.readCertificates(dir.resolve("ca.crt")), "p1.example.com", NOW)
                .status())
        .isEqualTo(CertificateStatus.VALID);
  }

  @Test
  void aCaKeyThatIsNotTheCertificatesIsRefusedNamingTheKeyFile() throws Exception {
    CertificateAuthority a = CertificateAuthority.create("a", YEAR, KeyType.EC, NOW);
    CertificateAuthority b = CertificateAuthority.create("b", YEAR, KeyType.EC, NOW);
    a.write(dir.resolve("a.crt"), dir.resolve("a.key"));
    b.write(dir.resolve("b.crt"), dir.resolve("b.key"));
    assertThatThrownBy(() -> CertificateAuthority.load(dir.resolve("a.crt"), dir.resolve("b.key")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("b.key")
        .hasMessageContaining("not the key of");
  }

  @Test
  void aPeerCertificateIsNotAcceptedAsACa() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("ca", YEAR, KeyType.EC, NOW);
    KeyPair keys = KeyType.EC.generate();
    X509Certificate leaf =
        ca.issue(keys.getPublic(), SubjectNames.of(List.of("p1.example"), List.of()), YEAR, NOW);
    Pem.writeCertificates(dir.resolve("p1.crt"), List.of(leaf));
    Pem.writePrivateKey(dir.resolve("p1.key"), keys.getPrivate());
    assertThatThrownBy(
            () -> CertificateAuthority.load(dir.resolve("p1.crt"), dir.resolve("p1.key")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a CA certificate");
  }

  @Test
  void aSignedRequestGivesACertificateForItsKeyAndNames() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("ca", YEAR, KeyType.EC, NOW);
    KeyPair keys = KeyType.EC.generate();
    PKCS10CertificationRequest csr =
        CertificateAuthority.request(
            keys, SubjectNames.of(List.of("p2.example.com"), List.of("10.0.0.2")));
    Pem.writeCsr(dir.resolve("p2.csr"), csr);
    X509Certificate leaf = ca.sign(Pem.readCsr(dir.resolve("p2.csr")), YEAR, NOW);
    assertThat(leaf.getPublicKey().getEncoded()).isEqualTo(keys.getPublic().getEncoded());
    assertThat(CertificateInfo.of(leaf).names()).containsExactly("p2.example.com", "10.0.0.2");
    assertThat(CertificateInfo.of(leaf).subject()).isEqualTo("CN=p2.example.com");
  }

  @Test
  void aRequestSignedWithAnotherKeyIsRefused() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("ca", YEAR, KeyType.EC, NOW);
    KeyPair claimed = KeyType.EC.generate();
    KeyPair signer = KeyType.EC.generate();
    PKCS10CertificationRequest forged =
        new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=p3.example"), claimed.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate()));
    assertThatThrownBy(() -> ca.sign(forged, YEAR, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("csr: its signature does not match its key");
  }

  @Test
  void aFileWithoutTheExpectedPemIsRefusedNamingIt() throws Exception {
    Files.writeString(dir.resolve("junk.pem"), "not pem at all\n");
    assertThatThrownBy(() -> Pem.readCertificates(dir.resolve("junk.pem")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("junk.pem");
    assertThatThrownBy(() -> Pem.readPrivateKey(dir.resolve("junk.pem")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("junk.pem");
  }
}
