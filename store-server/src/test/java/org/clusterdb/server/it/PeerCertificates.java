package org.clusterdb.server.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.clusterdb.core.config.TlsFiles;
import org.clusterdb.core.security.CertificateAuthority;
import org.clusterdb.core.security.KeyType;
import org.clusterdb.core.security.Pem;
import org.clusterdb.core.security.SubjectNames;

/** A CA made for one test, and peer certificates it issues, written as PEM files under a folder. */
final class PeerCertificates {
  private static final Duration YEAR = Duration.ofDays(365);

  private final CertificateAuthority ca;
  private final Path dir;
  private final Path caFile;

  private PeerCertificates(CertificateAuthority ca, Path dir, Path caFile) {
    this.ca = ca;
    this.dir = dir;
    this.caFile = caFile;
  }

  /** A new CA, its certificate written to {@code dir/ca.crt}. */
  static PeerCertificates create(Path dir) throws IOException {
    CertificateAuthority ca = CertificateAuthority.create("it CA", YEAR, KeyType.EC, Instant.now());
    Path certs = Files.createDirectories(dir);
    Path caFile = certs.resolve("ca.crt");
    Pem.writeCertificates(caFile, List.of(ca.certificate()));
    return new PeerCertificates(ca, certs, caFile);
  }

  /**
   * A {@code type} key and a certificate naming {@code dnsName} for peer {@code i} (0-based), as a
   * peer configuration's {@code tls} section names them, trusting this CA.
   */
  TlsFiles issue(int i, String dnsName, KeyType type) {
    return issue(i, SubjectNames.of(List.of(dnsName), List.of()), type);
  }

  /** As {@link #issue(int, String, KeyType)}, for {@code names}. */
  TlsFiles issue(int i, SubjectNames names, KeyType type) {
    KeyPair keys = type.generate();
    Path cert = dir.resolve("p" + (i + 1) + ".crt");
    Path key = dir.resolve("p" + (i + 1) + ".key");
    try {
      Pem.writeCertificates(
          cert, List.of(ca.issue(keys.getPublic(), names, YEAR, Instant.now()), ca.certificate()));
      Pem.writePrivateKey(key, keys.getPrivate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TlsFiles(cert, key, List.of(caFile));
  }

  /** The CA certificate file peers and clients trust. */
  Path caFile() {
    return caFile;
  }
}
