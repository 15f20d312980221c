package org.clusterdb.core;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.clusterdb.core.config.TlsFiles;
import org.clusterdb.core.security.CertificateAuthority;
import org.clusterdb.core.security.KeyType;
import org.clusterdb.core.security.Pem;
import org.clusterdb.core.security.SubjectNames;

/** Peer certificates for tests, written as PEM files under a test's directory. */
final class TestCertificates {
  static final Duration YEAR = Duration.ofDays(365);

  private TestCertificates() {}

  /**
   * Writes a key for peer {@code id} and a certificate for {@code names} issued by {@code issuer}
   * (with its chain) under {@code dir}, and {@code trusted}'s certificate as the trusted CA.
   */
  static TlsFiles write(
      Path dir,
      String id,
      SubjectNames names,
      CertificateAuthority issuer,
      CertificateAuthority trusted)
      throws Exception {
    KeyPair keys = KeyType.EC.generate();
    X509Certificate cert = issuer.issue(keys.getPublic(), names, YEAR, Instant.now());
    Path certFile = dir.resolve(id + ".crt");
    Path keyFile = dir.resolve(id + ".key");
    Path caFile = dir.resolve("ca.crt");
    Pem.writeCertificates(certFile, List.of(cert, issuer.certificate()));
    Pem.writePrivateKey(keyFile, keys.getPrivate());
    Pem.writeCertificates(caFile, List.of(trusted.certificate()));
    return new TlsFiles(certFile, keyFile, List.of(caFile));
  }
}
