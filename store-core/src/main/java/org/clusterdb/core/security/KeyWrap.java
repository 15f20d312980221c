package org.clusterdb.core.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Wraps the system key to one peer's TLS public key, so that only the holder of that peer's private
 * key can unwrap it: for an EC key, ECDH with a fresh ephemeral key, HKDF-SHA256 and AES-256-GCM;
 * for an RSA key, RSA-OAEP with SHA-256. {@code context} (the recipient's member id and the key id)
 * is bound into the wrapping, so a wrapped key does not unwrap under another context.
 */
public final class KeyWrap {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] INFO =
      "clusterdb/system-key-wrap/v1".getBytes(StandardCharsets.UTF_8);

  private KeyWrap() {}

  /**
   * A wrapped key.
   *
   * @param ephemeralPublicKey the sender's ephemeral EC public key (X.509 DER); empty for RSA
   * @param nonce the AES-GCM nonce; empty for RSA
   * @param ciphertext the wrapped key
   */
  public record Wrapped(byte[] ephemeralPublicKey, byte[] nonce, byte[] ciphertext) {}

  /** Wraps {@code key} to {@code recipient}, an EC or RSA public key. */
  public static Wrapped wrap(SystemKey key, PublicKey recipient, byte[] context) {
    try {
      if (recipient instanceof ECPublicKey ec) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(ec.getParams(), RANDOM);
        KeyPair ephemeral = g.generateKeyPair();
        byte[] ephemeralDer = ephemeral.getPublic().getEncoded();
        SecretKeySpec kek = kek(ephemeral.getPrivate(), recipient, ephemeralDer, recipient);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(128, nonce));
        c.updateAAD(context);
        return new Wrapped(ephemeralDer, nonce, c.doFinal(key.bytes()));
      }
      if ("RSA".equals(recipient.getAlgorithm())) {
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
        c.init(Cipher.ENCRYPT_MODE, recipient, label(context), RANDOM);
        return new Wrapped(new byte[0], new byte[0], c.doFinal(key.bytes()));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot wrap a key to this public key: " + e, e);
    }
    throw new IllegalArgumentException(
        "a system key is wrapped to EC or RSA keys only, not " + recipient.getAlgorithm());
  }

  /**
   * Unwraps a key {@link #wrap} made for {@code own}'s public key under the same context.
   *
   * @throws GeneralSecurityException if it was wrapped to another key, under another context, or
   *     altered
   */
  public static SystemKey unwrap(Wrapped w, KeyPair own, byte[] context)
      throws GeneralSecurityException {
    byte[] raw;
    if (w.ephemeralPublicKey().length > 0) {
      PublicKey ephemeral =
          KeyFactory.getInstance("EC")
              .generatePublic(new X509EncodedKeySpec(w.ephemeralPublicKey()));
      SecretKeySpec kek = kek(own.getPrivate(), ephemeral, w.ephemeralPublicKey(), own.getPublic());
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(128, w.nonce()));
      c.updateAAD(context);
      raw = c.doFinal(w.ciphertext());
    } else {
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      c.init(Cipher.DECRYPT_MODE, own.getPrivate(), label(context));
      raw = c.doFinal(w.ciphertext());
    }
    try {
      return SystemKey.of(raw);
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** SHA-256 of a public key's X.509 encoding: names the key a grant was wrapped to. */
  public static byte[] fingerprint(PublicKey key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  private static SecretKeySpec kek(
      PrivateKey mine, PublicKey theirs, byte[] ephemeralDer, PublicKey recipient)
      throws GeneralSecurityException {
    KeyAgreement a = KeyAgreement.getInstance("ECDH");
    a.init(mine);
    a.doPhase(theirs, true);
    byte[] shared = a.generateSecret();
    byte[] salt = concat(ephemeralDer, recipient.getEncoded());
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(shared, salt, INFO));
    byte[] out = new byte[32];
    hkdf.generateBytes(out, 0, out.length);
    Arrays.fill(shared, (byte) 0);
    return new SecretKeySpec(out, "AES");
  }

  private static OAEPParameterSpec label(byte[] context) {
    return new OAEPParameterSpec(
        "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(context));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
