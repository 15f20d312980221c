package org.clusterdb.core.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's system key: an AES-256 key, the same on every peer, that seals the values of
 * sensitive tables before they leave the member that received them, so the Raft log, the state
 * store and its snapshots hold only ciphertext.
 *
 * <p>A sealed value is {@code version (1) | key id (4) | nonce (12) | AES-GCM ciphertext and tag
 * (16)}: {@link #OVERHEAD} bytes more than the plain value. The nonce is random per value; the
 * associated data binds the ciphertext to its table and key, so a sealed value copied to another
 * row does not open. The key id (the first bytes of a hash of the key) tells a peer holding another
 * key why a value does not open. Immutable and thread-safe.
 */
public final class SystemKey {
  /** The key's length in bytes (AES-256). */
  public static final int KEY_BYTES = 32;

  /** The key id's length in bytes. */
  public static final int ID_BYTES = 4;

  /** What sealing adds to a value: version, key id, nonce and tag. */
  public static final int OVERHEAD = 1 + ID_BYTES + 12 + 16;

  /** The PEM block type of the key file. */
  static final String PEM_TYPE = "CLUSTERDB SYSTEM KEY";

  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] AAD_PREFIX = "clusterdb/sealed/v1".getBytes(StandardCharsets.UTF_8);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final byte[] id;

  private SystemKey(byte[] bytes) {
    if (bytes.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "a system key is " + KEY_BYTES + " bytes, not " + bytes.length);
    }
    this.key = new SecretKeySpec(bytes.clone(), "AES");
    this.id = idOf(bytes);
  }

  /** A fresh random key. */
  public static SystemKey generate() {
    byte[] bytes = new byte[KEY_BYTES];
    RANDOM.nextBytes(bytes);
    return new SystemKey(bytes);
  }

  /** The key with these {@link #KEY_BYTES} bytes. */
  public static SystemKey of(byte[] bytes) {
    return new SystemKey(bytes);
  }

  /**
   * Reads a key file.
   *
   * @throws IOException if it cannot be read or does not hold a key
   */
  public static SystemKey read(Path file) throws IOException {
    byte[] bytes = Pem.readSecret(file, PEM_TYPE);
    if (bytes.length != KEY_BYTES) {
      throw new IOException(file + ": the system key is " + bytes.length + " bytes, not 32");
    }
    return new SystemKey(bytes);
  }

  /** Writes this key to {@code file} atomically, readable by its owner only (0600). */
  public void write(Path file) throws IOException {
    Pem.writeSecret(file, PEM_TYPE, key.getEncoded());
  }

  /** The key's raw bytes, to wrap it for another peer. */
  byte[] bytes() {
    return key.getEncoded();
  }

  /** Identifies the key in sealed values and grants; not secret. */
  public byte[] id() {
    return id.clone();
  }

  /** The key id as hex, for logs and errors. */
  public String idHex() {
    return HexFormat.of().formatHex(id);
  }

  /** Seals {@code plain}, the value of {@code key} in {@code table}. */
  public byte[] seal(String table, byte[] rowKey, byte[] plain) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(table, rowKey));
      byte[] sealed = c.doFinal(plain);
      return ByteBuffer.allocate(1 + ID_BYTES + NONCE_BYTES + sealed.length)
          .put(VERSION)
          .put(id)
          .put(nonce)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  /**
   * Opens a value {@link #seal} made for the same table and key.
   *
   * @throws SealedValueException if the value was sealed with another key, is not a sealed value,
   *     or was altered or moved to another row
   */
  public byte[] open(String table, byte[] rowKey, byte[] sealed) throws SealedValueException {
    if (sealed.length < OVERHEAD || sealed[0] != VERSION) {
      throw new SealedValueException(false, "not a sealed value of format version " + VERSION);
    }
    byte[] valueId = Arrays.copyOfRange(sealed, 1, 1 + ID_BYTES);
    if (!MessageDigest.isEqual(valueId, id)) {
      throw new SealedValueException(
          true,
          "sealed with system key "
              + HexFormat.of().formatHex(valueId)
              + ", this peer holds key "
              + idHex());
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE,
          key,
          new GCMParameterSpec(TAG_BITS, sealed, 1 + ID_BYTES, NONCE_BYTES));
      c.updateAAD(aad(table, rowKey));
      int start = 1 + ID_BYTES + NONCE_BYTES;
      return c.doFinal(sealed, start, sealed.length - start);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new SealedValueException(false, "altered, or sealed for another table or key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  /** Whether {@code other} is the same key. */
  public boolean sameAs(SystemKey other) {
    return MessageDigest.isEqual(key.getEncoded(), other.key.getEncoded());
  }

  private static byte[] aad(String table, byte[] rowKey) {
    byte[] t = table.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(AAD_PREFIX.length + 4 + t.length + rowKey.length)
        .put(AAD_PREFIX)
        .putInt(t.length)
        .put(t)
        .put(rowKey)
        .array();
  }

  private static byte[] idOf(byte[] bytes) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update("clusterdb/system-key-id".getBytes(StandardCharsets.UTF_8));
      return Arrays.copyOf(d.digest(bytes), ID_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "SystemKey[id=" + idHex() + "]";
  }

  /** A sealed value that does not open. */
  public static final class SealedValueException extends Exception {
    private final boolean otherKey;

    SealedValueException(boolean otherKey, String message) {
      super(message);
      this.otherKey = otherKey;
    }

    /** True when the value was sealed with another key, false when it is damaged. */
    public boolean otherKey() {
      return otherKey;
    }
  }
}
