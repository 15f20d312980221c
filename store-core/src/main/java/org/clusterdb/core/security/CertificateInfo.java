package org.clusterdb.core.security;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What {@code clusterdb cert show} prints of a certificate.
 *
 * @param subject the subject's distinguished name
 * @param issuer the issuer's distinguished name
 * @param dnsNames the DNS subject alternative names
 * @param ipAddresses the IP subject alternative names
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param serial the serial number
 * @param sha256 the SHA-256 fingerprint of the DER encoding, colon-separated hex
 * @param keyAlgorithm the public key's algorithm
 * @param ca whether it is a CA certificate
 */
public record CertificateInfo(
    String subject,
    String issuer,
    List<String> dnsNames,
    List<String> ipAddresses,
    Instant notBefore,
    Instant notAfter,
    BigInteger serial,
    String sha256,
    String keyAlgorithm,
    boolean ca) {
  public CertificateInfo {
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
  }

  public static CertificateInfo of(X509Certificate c) {
    String fingerprint;
    try {
      fingerprint =
          HexFormat.ofDelimiter(":")
              .withUpperCase()
              .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      fingerprint = "unavailable: " + e.getMessage();
    }
    return new CertificateInfo(
        c.getSubjectX500Principal().getName(),
        c.getIssuerX500Principal().getName(),
        CertificateCheck.altNames(c, 2),
        CertificateCheck.altNames(c, 7),
        c.getNotBefore().toInstant(),
        c.getNotAfter().toInstant(),
        c.getSerialNumber(),
        fingerprint,
        c.getPublicKey().getAlgorithm(),
        c.getBasicConstraints() >= 0);
  }

  /** Every name the certificate is for: DNS names, then IP addresses. */
  public List<String> names() {
    List<String> all = new ArrayList<>(dnsNames);
    all.addAll(ipAddresses);
    return all;
  }

  /** The lines {@code cert show} prints, "Label: value". */
  public List<String> lines() {
    return List.of(
        "Subject: " + subject,
        "Issuer: " + issuer,
        "Subject alternative names: " + (names().isEmpty() ? "none" : String.join(", ", names())),
        "Valid from: " + notBefore,
        "Valid until: " + notAfter,
        "Serial: " + serial.toString(16),
        "SHA-256 fingerprint: " + sha256,
        "Key: " + keyAlgorithm,
        "CA: " + (ca ? "yes" : "no"));
  }
}
