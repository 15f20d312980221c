package org.clusterdb.core.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.X509ExtendedKeyManager;
import org.clusterdb.api.ClusteringSettings.TlsMode;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.config.TlsFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer's TLS identity (its certificate chain and private key) and the CA certificates it trusts:
 * from the configured files, or else a key and self-signed certificate the peer makes on its first
 * start and keeps in {@code <dataDir>/tls/}.
 */
public final class PeerTls {
  private static final Logger LOG = LoggerFactory.getLogger(PeerTls.class);

  /**
   * A self-signed certificate is trusted by nobody, so its lifetime buys nothing by being short.
   */
  static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(3650);

  /** Under {@code dataDir}: the self-signed identity, which a factory reset deletes. */
  public static final String DIR = "tls";

  private final List<X509Certificate> chain;
  private final PrivateKey key;
  private final List<X509Certificate> trusted;

  private PeerTls(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> trusted) {
    this.chain = List.copyOf(chain);
    this.key = key;
    this.trusted = List.copyOf(trusted);
  }

  /**
   * The identity {@code config} names, or this peer's self-signed one.
   *
   * @throws IOException if a configured file cannot be read, or the key is not the certificate's
   */
  public static PeerTls open(ClusterDbConfig config) throws IOException {
    TlsFiles files = config.tls();
    if (files == null) {
      return selfSigned(config);
    }
    List<X509Certificate> chain = Pem.readCertificates(files.certificate());
    PrivateKey key = Pem.readPrivateKey(files.privateKey());
    if (!CertificateAuthority.matches(key, chain.get(0).getPublicKey())) {
      throw new IOException(
          "tls.privateKey: "
              + files.privateKey()
              + " is not the key of the certificate in "
              + files.certificate());
    }
    List<X509Certificate> trusted = new ArrayList<>();
    for (Path ca : files.trustedCas()) {
      trusted.addAll(Pem.readCertificates(ca));
    }
    if (config.tlsMode() == TlsMode.ENFORCE && trusted.isEmpty()) {
      LOG.warn(
          "TLS mode Enforce with no trusted CA: every peer will be refused member={}",
          config.memberId());
    }
    return new PeerTls(chain, key, trusted);
  }

  private static PeerTls selfSigned(ClusterDbConfig config) throws IOException {
    Path dir = config.dataDir().resolve(DIR);
    Path certFile = dir.resolve("peer.crt");
    Path keyFile = dir.resolve("peer.key");
    if (Files.exists(certFile) && Files.exists(keyFile)) {
      PrivateKey key = Pem.readPrivateKey(keyFile);
      List<X509Certificate> chain = Pem.readCertificates(certFile);
      if (CertificateAuthority.matches(key, chain.get(0).getPublicKey())) {
        return new PeerTls(chain, key, List.of());
      }
      LOG.warn(
          "self-signed certificate and key differ, making new ones member={}", config.memberId());
    }
    String host = config.self().host();
    SubjectNames names =
        SubjectNames.parseIp(host) != null
            ? new SubjectNames(host, List.of(), List.of(host))
            : new SubjectNames(host, List.of(host), List.of());
    KeyPair keys = KeyType.EC.generate();
    X509Certificate cert =
        CertificateAuthority.selfSigned(
            keys, names, SELF_SIGNED_VALIDITY, Clock.systemUTC().instant());
    Pem.writePrivateKey(keyFile, keys.getPrivate());
    Pem.writeCertificates(certFile, List.of(cert));
    LOG.info(
        "made a self-signed certificate member={} names={} file={}",
        config.memberId(),
        CertificateInfo.of(cert).names(),
        certFile);
    if (config.tlsMode() == TlsMode.ENFORCE) {
      LOG.warn(
          "TLS mode Enforce without tls files: no peer trusts a self-signed certificate member={}",
          config.memberId());
    }
    return new PeerTls(List.of(cert), keys.getPrivate(), List.of());
  }

  /** This peer's certificate, then any intermediates. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The public key of this peer's certificate, to which the system key is wrapped for it. */
  public PublicKey publicKey() {
    return chain.get(0).getPublicKey();
  }

  /**
   * Unwraps a system key wrapped to {@link #publicKey()}.
   *
   * @throws GeneralSecurityException if it was wrapped to another key or context, or altered
   */
  public SystemKey unwrap(KeyWrap.Wrapped wrapped, byte[] context) throws GeneralSecurityException {
    return KeyWrap.unwrap(wrapped, new KeyPair(publicKey(), key), context);
  }

  /** The CA certificates peers' certificates must chain to. */
  public List<X509Certificate> trusted() {
    return trusted;
  }

  /** Presents this peer's certificate, to the peers it dials and to those that dial it. */
  public X509ExtendedKeyManager keyManager() {
    return new PeerKeyManager(chain, key);
  }

  /**
   * Checks peers' certificates in {@code mode}; {@code peerHosts} as for {@link PeerTrustManager}.
   */
  public PeerTrustManager trustManager(
      String memberId, TlsMode mode, Supplier<Collection<String>> peerHosts) {
    return new PeerTrustManager(memberId, mode, trusted, peerHosts, Clock.systemUTC());
  }
}
