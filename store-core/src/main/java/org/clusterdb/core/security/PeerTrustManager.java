package org.clusterdb.core.security;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.clusterdb.api.ClusteringSettings.TlsMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which peers a peer talks to over TLS. Every certificate a peer presents is checked
 * ({@link CertificateCheck}) and the latest outcome kept per address, for the clustering status. In
 * {@link TlsMode#PERMISSIVE} every peer is accepted whatever the outcome; in {@link
 * TlsMode#ENFORCE} only a valid one: a peer this member dials must name the address it is
 * configured with, and a peer that dials this member must name one of the configured peers.
 *
 * <p>Thread-safe: netty calls it from its event loops.
 */
public final class PeerTrustManager extends X509ExtendedTrustManager {
  private static final Logger LOG = LoggerFactory.getLogger(PeerTrustManager.class);

  private final String memberId;
  private final TlsMode mode;
  private final List<X509Certificate> trusted;
  private final Supplier<Collection<String>> peerHosts;
  private final Clock clock;
  private final Map<String, CertificateCheck> latest = new ConcurrentHashMap<>();

  /**
   * @param peerHosts the configured peers' hosts, read at every check (the peer list changes)
   */
  public PeerTrustManager(
      String memberId,
      TlsMode mode,
      List<X509Certificate> trusted,
      Supplier<Collection<String>> peerHosts,
      Clock clock) {
    this.memberId = memberId;
    this.mode = mode;
    this.trusted = List.copyOf(trusted);
    this.peerHosts = peerHosts;
    this.clock = clock;
  }

  public TlsMode mode() {
    return mode;
  }

  /** The outcome of the latest check of the certificate presented for {@code host}. */
  public Optional<CertificateCheck> latest(String host) {
    return Optional.ofNullable(latest.get(SubjectNames.normalize(host)));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    dialled(chain, engine == null ? null : engine.getPeerHost());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    dialled(
        chain,
        socket == null || socket.getInetAddress() == null
            ? null
            : socket.getInetAddress().getHostAddress());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    dialled(chain, null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    dialling(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    dialling(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    dialling(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return mode == TlsMode.ENFORCE
        ? trusted.toArray(X509Certificate[]::new)
        : new X509Certificate[0];
  }

  /** A peer this member dialled at {@code host}. */
  private void dialled(X509Certificate[] chain, String host) throws CertificateException {
    if (host == null) {
      refuse(
          "?",
          new CertificateCheck(
              CertificateStatus.NAME_MISMATCH,
              "the address dialled is unknown, so no name to check"));
      return;
    }
    CertificateCheck c = CertificateCheck.of(Arrays.asList(chain), trusted, host, clock.instant());
    record(host, c);
    if (c.status() != CertificateStatus.VALID) {
      refuse(host, c);
    }
  }

  /** A peer that dialled this member: it may be any configured peer. */
  private void dialling(X509Certificate[] chain) throws CertificateException {
    // The chain is checked once; only the name depends on which peer this is.
    CertificateCheck failed =
        CertificateCheck.chain(Arrays.asList(chain), trusted, clock.instant());
    if (failed == null) {
      Collection<String> hosts = peerHosts.get();
      for (String host : hosts) {
        if (CertificateCheck.names(chain[0], host)) {
          record(host, CertificateCheck.valid(host));
          return;
        }
      }
      failed =
          new CertificateCheck(
              CertificateStatus.NAME_MISMATCH,
              hosts.isEmpty()
                  ? "no peers are configured"
                  : "it names none of the configured peers "
                      + hosts
                      + ": "
                      + CertificateInfo.of(chain[0]).names());
    }
    // Kept under the first name the certificate claims: the connecting peer's address is unknown.
    List<String> claimed = CertificateInfo.of(chain[0]).names();
    record(claimed.isEmpty() ? "?" : claimed.get(0), failed);
    refuse("a connecting peer", failed);
  }

  private void record(String host, CertificateCheck c) {
    CertificateCheck before = latest.put(SubjectNames.normalize(host), c);
    if (c.status() != CertificateStatus.VALID
        && (before == null || before.status() != c.status())) {
      LOG.warn(
          "peer certificate invalid member={} peer={} mode={} status=\"{}\" detail=\"{}\"",
          memberId,
          host,
          mode,
          c.status().text(),
          c.detail());
    }
  }

  private void refuse(String who, CertificateCheck c) throws CertificateException {
    if (mode == TlsMode.ENFORCE) {
      throw new CertificateException(
          "TLS mode Enforce refuses "
              + who
              + ": Certificate: "
              + c.status().text()
              + " ("
              + c.detail()
              + ")");
    }
  }
}
