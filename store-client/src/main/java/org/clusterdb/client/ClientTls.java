package org.clusterdb.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a client uses TLS, which the client port always speaks.
 *
 * @param trustedCas PEM files of the CAs whose certificates the client accepts, checked against the
 *     endpoint's host name; empty means the connection is encrypted but the server is not verified
 *     (as peers do in Permissive mode): fine on a trusted network, open to a man-in-the-middle
 *     elsewhere
 * @param certificate a PEM client certificate (chain) to present, or null; with TLS mode Enforce it
 *     authenticates the client as the account its Common Name names
 * @param privateKey the certificate's PKCS#8 PEM private key; given exactly when {@code
 *     certificate} is
 */
public record ClientTls(List<Path> trustedCas, Path certificate, Path privateKey) {
  /** Encrypted, the server unverified, no client certificate. */
  public static final ClientTls UNVERIFIED = new ClientTls(List.of(), null, null);

  public ClientTls {
    trustedCas = trustedCas == null ? List.of() : List.copyOf(trustedCas);
  }

  /** Verifies servers against the CAs in {@code trustedCas}. */
  public static ClientTls verifying(Path... trustedCas) {
    return new ClientTls(List.of(trustedCas), null, null);
  }

  /** This, presenting {@code certificate} with {@code privateKey}. */
  public ClientTls withCertificate(Path certificate, Path privateKey) {
    return new ClientTls(trustedCas, certificate, privateKey);
  }

  /** Whether the server's certificate is checked. */
  public boolean verifiesServer() {
    return !trustedCas.isEmpty();
  }

  /** Every problem, each starting with its field under {@code prefix}. */
  List<String[]> problems(String prefix) {
    List<String[]> p = new ArrayList<>();
    for (int i = 0; i < trustedCas.size(); i++) {
      readable(p, prefix + "trustedCas[" + i + "]", trustedCas.get(i));
    }
    if ((certificate == null) != (privateKey == null)) {
      p.add(
          new String[] {
            prefix + (certificate == null ? "certificate" : "privateKey"),
            "a client certificate needs both certificate and privateKey"
          });
    }
    readable(p, prefix + "certificate", certificate);
    readable(p, prefix + "privateKey", privateKey);
    return p;
  }

  private static void readable(List<String[]> p, String field, Path file) {
    if (file != null && !Files.isReadable(file)) {
      p.add(new String[] {field, "cannot read " + file});
    }
  }
}
