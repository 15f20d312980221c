package org.clusterdb.core.security;

import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * The outcome of checking the certificate chain a peer presents: does it chain to a trusted CA, is
 * it within its validity, and does it name the address this peer is configured with (its FQDN in a
 * subject alternative name or the subject CN; an IP address in an IP alternative name). Revocation
 * is not checked.
 *
 * @param status the seed's status
 * @param detail why, for logs and the command line
 */
public record CertificateCheck(CertificateStatus status, String detail) {
  /** Alternative name types, from RFC 5280. */
  private static final int DNS_NAME = 2;

  private static final int IP_ADDRESS = 7;

  /**
   * Checks {@code chain} (leaf first) against {@code trusted} CA certificates and the peer's
   * configured {@code address}, at {@code now}: first the chain (signatures up to a trusted CA, and
   * every certificate's validity), then the name. The first failure is the status.
   */
  public static CertificateCheck of(
      List<X509Certificate> chain,
      Collection<X509Certificate> trusted,
      String address,
      Instant now) {
    CertificateCheck failed = chain(chain, trusted, now);
    if (failed != null) {
      return failed;
    }
    X509Certificate leaf = chain.get(0);
    if (!names(leaf, address)) {
      return new CertificateCheck(
          CertificateStatus.NAME_MISMATCH,
          "'"
              + address
              + "' is not in the certificate's names "
              + CertificateInfo.of(leaf).names());
    }
    return valid(address);
  }

  /**
   * The subject Common Name of {@code chain}'s leaf if the chain passes {@link #chain}: how a
   * client certificate names its account.
   */
  public static java.util.Optional<String> trustedCommonName(
      List<X509Certificate> chain, Collection<X509Certificate> trusted, Instant now) {
    if (chain(chain, trusted, now) != null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.ofNullable(
        CertificateAuthority.commonName(
            X500Name.getInstance(chain.get(0).getSubjectX500Principal().getEncoded())));
  }

  /** A chain that passed both checks for {@code address}. */
  static CertificateCheck valid(String address) {
    return new CertificateCheck(
        CertificateStatus.VALID, "chains to a trusted CA and names " + address);
  }

  /**
   * The first half of {@link #of}, which does not depend on the address: signatures up to a trusted
   * CA and every certificate's validity. Null when the chain passes.
   */
  static CertificateCheck chain(
      List<X509Certificate> chain, Collection<X509Certificate> trusted, Instant now) {
    if (chain.isEmpty()) {
      return new CertificateCheck(
          CertificateStatus.NOT_TRUSTED, "the peer presented no certificate");
    }
    return trust(chain, trusted, now);
  }

  /** Whether {@code leaf} names {@code address}. */
  static boolean names(X509Certificate leaf, String address) {
    InetAddress ip = SubjectNames.parseIp(address);
    String cn =
        CertificateAuthority.commonName(
            X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded()));
    if (ip != null) {
      if (cn != null && ip.equals(SubjectNames.parseIp(cn))) {
        return true;
      }
      for (String san : altNames(leaf, IP_ADDRESS)) {
        if (ip.equals(SubjectNames.parseIp(san))) {
          return true;
        }
      }
      return false;
    }
    String want = SubjectNames.normalize(address);
    if (cn != null && dnsMatch(SubjectNames.normalize(cn), want)) {
      return true;
    }
    for (String san : altNames(leaf, DNS_NAME)) {
      if (dnsMatch(SubjectNames.normalize(san), want)) {
        return true;
      }
    }
    return false;
  }

  /** RFC 6125: a wildcard stands for exactly one whole leftmost label. */
  private static boolean dnsMatch(String pattern, String name) {
    if (!pattern.startsWith("*.")) {
      return pattern.equals(name);
    }
    int dot = name.indexOf('.');
    return dot > 0 && name.substring(dot + 1).equals(pattern.substring(2));
  }

  static List<String> altNames(X509Certificate cert, int type) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> all = cert.getSubjectAlternativeNames();
      if (all != null) {
        for (List<?> entry : all) {
          if (((Integer) entry.get(0)) == type) {
            out.add(String.valueOf(entry.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return Collections.emptyList();
    }
    return out;
  }

  private static CertificateCheck trust(
      List<X509Certificate> chain, Collection<X509Certificate> trusted, Instant now) {
    if (trusted.isEmpty()) {
      return new CertificateCheck(CertificateStatus.NOT_TRUSTED, "no CA certificate is trusted");
    }
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate ca : trusted) {
      anchors.add(new TrustAnchor(ca, null));
    }
    // The path stops below the anchor: a chain that carries the CA's own certificate is cut there.
    List<X509Certificate> path = new ArrayList<>();
    for (X509Certificate c : chain) {
      if (trusted.contains(c)) {
        break;
      }
      path.add(c);
    }
    if (path.isEmpty()) {
      return new CertificateCheck(
          CertificateStatus.NOT_TRUSTED, "the peer presented a CA certificate, not its own");
    }
    try {
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(now));
      PKIXCertPathValidatorResult result =
          (PKIXCertPathValidatorResult)
              CertPathValidator.getInstance("PKIX")
                  .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
      // PKIX takes an anchor's dates on trust; an operator needs to hear that the CA expired.
      X509Certificate anchor = result.getTrustAnchor().getTrustedCert();
      if (now.isAfter(anchor.getNotAfter().toInstant())) {
        return new CertificateCheck(CertificateStatus.EXPIRED, validity("the CA ", anchor));
      }
      if (now.isBefore(anchor.getNotBefore().toInstant())) {
        return new CertificateCheck(CertificateStatus.NOT_YET_VALID, validity("the CA ", anchor));
      }
      return null;
    } catch (CertPathValidatorException e) {
      if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
        return new CertificateCheck(CertificateStatus.EXPIRED, expiredWho(path, e));
      }
      if (e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
        return new CertificateCheck(CertificateStatus.NOT_YET_VALID, expiredWho(path, e));
      }
      return new CertificateCheck(
          CertificateStatus.NOT_TRUSTED, "does not chain to a trusted CA: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      return new CertificateCheck(
          CertificateStatus.NOT_TRUSTED, "cannot be checked: " + e.getMessage());
    }
  }

  private static String expiredWho(List<X509Certificate> path, CertPathValidatorException e) {
    int i = e.getIndex();
    return validity("", i >= 0 && i < path.size() ? path.get(i) : path.get(0));
  }

  private static String validity(String what, X509Certificate c) {
    return what
        + c.getSubjectX500Principal().getName()
        + " is valid from "
        + c.getNotBefore().toInstant()
        + " until "
        + c.getNotAfter().toInstant();
  }
}
