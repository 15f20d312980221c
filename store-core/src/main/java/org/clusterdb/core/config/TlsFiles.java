package org.clusterdb.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * This peer's certificate and private key for the TLS between peers, and the CA certificates it
 * trusts in Enforce mode.
 *
 * @param certificate PEM: this peer's certificate, then any intermediates
 * @param privateKey PEM: the certificate's private key (PKCS#8, or the older RSA and EC forms)
 * @param trustedCas PEM files of the CA certificates peers' certificates must chain to; may be
 *     empty in Permissive mode, where nothing is verified
 */
public record TlsFiles(Path certificate, Path privateKey, List<Path> trustedCas) {
  public TlsFiles {
    Objects.requireNonNull(certificate, "tls.certificate");
    Objects.requireNonNull(privateKey, "tls.privateKey");
    trustedCas = List.copyOf(trustedCas);
  }
}
