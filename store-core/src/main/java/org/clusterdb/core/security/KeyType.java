package org.clusterdb.core.security;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;

/** The key pairs this package makes: ECDSA on P-256 (the default) or RSA 2048. */
public enum KeyType {
  EC,
  RSA;

  /** A fresh key pair of this type. */
  public KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(name());
      if (this == EC) {
        g.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        g.initialize(2048);
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make " + name() + " keys", e);
    }
  }

  /** The signature algorithm for signing with {@code key}. */
  static String signatureAlgorithm(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default ->
          throw new IllegalArgumentException(
              "key: " + key.getAlgorithm() + " keys are not supported, use EC or RSA");
    };
  }
}
