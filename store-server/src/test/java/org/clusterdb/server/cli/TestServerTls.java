package org.clusterdb.server.cli;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.clusterdb.core.security.CertificateAuthority;
import org.clusterdb.core.security.KeyType;
import org.clusterdb.core.security.Pem;
import org.clusterdb.core.security.SubjectNames;

/** TLS for the pretend members the command tests talk to: the client port always speaks it. */
final class TestServerTls {
  private TestServerTls() {}

  /** A self-signed certificate for 127.0.0.1, made in a fresh directory. */
  static ServerCredentials credentials() {
    try {
      Path dir = Files.createTempDirectory("clusterdb-test-tls");
      dir.toFile().deleteOnExit();
      KeyPair keys = KeyType.EC.generate();
      Path cert = dir.resolve("server.crt");
      Path key = dir.resolve("server.key");
      Pem.writeCertificates(
          cert,
          List.of(
              CertificateAuthority.selfSigned(
                  keys,
                  new SubjectNames("127.0.0.1", List.of(), List.of("127.0.0.1")),
                  Duration.ofDays(1),
                  Instant.now())));
      Pem.writePrivateKey(key, keys.getPrivate());
      cert.toFile().deleteOnExit();
      key.toFile().deleteOnExit();
      return TlsServerCredentials.create(cert.toFile(), key.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
