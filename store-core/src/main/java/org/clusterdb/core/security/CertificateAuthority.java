package org.clusterdb.core.security;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A certificate authority for a cluster's peers: its self-signed certificate and private key.
 * Issued peer certificates carry the peer's names as subject alternative names and may be used both
 * to serve and to connect (TLS server and client authentication), as mutual TLS needs.
 *
 * <p>Immutable; safe to share.
 */
public final class CertificateAuthority {
  /** Certificates start a minute in the past, so that a peer whose clock lags accepts them. */
  private static final Duration BACKDATE = Duration.ofMinutes(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new CA named {@code commonName}, valid from {@code now} for {@code validity}. */
  public static CertificateAuthority create(
      String commonName, Duration validity, KeyType type, Instant now) {
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("subject: required");
    }
    KeyPair keys = type.generate();
    X500Name name = cn(commonName);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          builder(name, name, keys.getPublic(), validity, now)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateAuthority(sign(b, keys.getPrivate()), keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create a CA certificate", e);
    }
  }

  /**
   * The CA in {@code certFile} and {@code keyFile}.
   *
   * @throws IOException if a file cannot be read or parsed, the certificate is not a CA's, or the
   *     key is not the certificate's
   */
  public static CertificateAuthority load(Path certFile, Path keyFile) throws IOException {
    X509Certificate cert = Pem.readCertificates(certFile).get(0);
    PrivateKey key = Pem.readPrivateKey(keyFile);
    if (cert.getBasicConstraints() < 0) {
      throw new IOException(certFile + ": not a CA certificate (no basic constraints CA:true)");
    }
    if (!matches(key, cert.getPublicKey())) {
      throw new IOException(keyFile + ": this private key is not the key of " + certFile);
    }
    return new CertificateAuthority(cert, key);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** Writes the certificate (0644) and the private key (0600). */
  public void write(Path certFile, Path keyFile) throws IOException {
    Pem.writePrivateKey(keyFile, key);
    Pem.writeCertificates(certFile, List.of(certificate));
  }

  /** A certificate for {@code subjectKey} naming {@code names}, valid from now for validity. */
  public X509Certificate issue(
      PublicKey subjectKey, SubjectNames names, Duration validity, Instant now) {
    X500Name subject = cn(names.commonName());
    return issue(subjectKey, subject, generalNames(names), validity, now);
  }

  /**
   * A certificate for the key, subject and subject alternative names a request asks for, after
   * checking the request's signature.
   *
   * @throws IllegalArgumentException if the signature is wrong or the request names nothing
   */
  public X509Certificate sign(PKCS10CertificationRequest request, Duration validity, Instant now) {
    try {
      PublicKey key = new JcaPEMKeyConverter().getPublicKey(request.getSubjectPublicKeyInfo());
      if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw new IllegalArgumentException("csr: its signature does not match its key");
      }
      GeneralNames requested = null;
      for (var attr : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
        Extensions exts = Extensions.getInstance(attr.getAttrValues().getObjectAt(0));
        GeneralNames g = GeneralNames.fromExtensions(exts, Extension.subjectAlternativeName);
        if (g != null) {
          requested = g;
        }
      }
      if (requested == null && commonName(request.getSubject()) == null) {
        throw new IllegalArgumentException("csr: it names no subject CN and no alternative names");
      }
      return issue(key, request.getSubject(), requested, validity, now);
    } catch (OperatorCreationException | PKCSException | IOException e) {
      throw new IllegalArgumentException("csr: cannot be verified: " + e.getMessage(), e);
    }
  }

  /** A certificate signing request for {@code keys}, naming {@code names}. */
  public static PKCS10CertificationRequest request(KeyPair keys, SubjectNames names) {
    X500Name subject = cn(names.commonName());
    try {
      Extensions exts =
          new Extensions(
              new Extension(
                  Extension.subjectAlternativeName, false, generalNames(names).getEncoded()));
      return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
          .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, exts)
          .build(signer(keys.getPrivate()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a certificate request", e);
    }
  }

  /**
   * A self-signed certificate for {@code keys} naming {@code names}: what a peer without a
   * configured certificate serves in Permissive mode. No peer trusts it in Enforce.
   */
  public static X509Certificate selfSigned(
      KeyPair keys, SubjectNames names, Duration validity, Instant now) {
    X500Name subject = cn(names.commonName());
    try {
      X509v3CertificateBuilder b =
          endEntity(builder(subject, subject, keys.getPublic(), validity, now), keys.getPublic())
              .addExtension(Extension.subjectAlternativeName, false, generalNames(names));
      return sign(b, keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot make a self-signed certificate", e);
    }
  }

  private static X500Name cn(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  /** The first CN of {@code name}; null if it has none. */
  static String commonName(X500Name name) {
    RDN[] cns = name.getRDNs(BCStyle.CN);
    return cns.length == 0 ? null : IETFUtils.valueToString(cns[0].getFirst().getValue());
  }

  private X509Certificate issue(
      PublicKey subjectKey,
      X500Name subject,
      GeneralNames altNames,
      Duration validity,
      Instant now) {
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder b =
          endEntity(builder(issuer, subject, subjectKey, validity, now), subjectKey)
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(certificate));
      if (altNames != null) {
        b.addExtension(Extension.subjectAlternativeName, false, altNames);
      }
      return sign(b, key);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a certificate", e);
    }
  }

  /** A peer's certificate serves and connects: TLS server and client authentication. */
  private static X509v3CertificateBuilder endEntity(X509v3CertificateBuilder b, PublicKey key)
      throws CertIOException, GeneralSecurityException {
    return b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
        .addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
        .addExtension(
            Extension.subjectKeyIdentifier,
            false,
            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key));
  }

  private static GeneralNames generalNames(SubjectNames names) {
    List<GeneralName> all = new ArrayList<>();
    for (String dns : names.dnsNames()) {
      all.add(new GeneralName(GeneralName.dNSName, SubjectNames.normalize(dns)));
    }
    for (String ip : names.ipAddresses()) {
      all.add(new GeneralName(GeneralName.iPAddress, SubjectNames.parseIp(ip).getHostAddress()));
    }
    return new GeneralNames(all.toArray(GeneralName[]::new));
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key, Duration validity, Instant now) {
    if (validity == null || validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("days: must be at least 1");
    }
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(127, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(validity)),
        subject,
        key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(b.build(signer(key)));
  }

  private static ContentSigner signer(PrivateKey key) {
    try {
      return new JcaContentSignerBuilder(KeyType.signatureAlgorithm(key)).build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign with a " + key.getAlgorithm() + " key", e);
    }
  }

  static boolean matches(PrivateKey key, PublicKey pub) {
    try {
      byte[] probe = "clusterdb key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(KeyType.signatureAlgorithm(key));
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      s.initVerify(pub);
      s.update(probe);
      return s.verify(sig);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "CertificateAuthority[" + certificate.getSubjectX500Principal().getName() + "]";
  }
}
