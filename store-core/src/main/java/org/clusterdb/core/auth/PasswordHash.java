package org.clusterdb.core.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * Passwords as the cluster stores them: scrypt (Bouncy Castle) with a random salt, encoded as
 * {@code scrypt$<log2 N>$<r>$<p>$<salt>$<hash>} (base64). The parameters travel with the hash, so
 * stronger ones later still verify older hashes.
 */
public final class PasswordHash {
  /** N = 2^15, r = 8: 32 MiB and a few tenths of a second per hash, the interactive-login cost. */
  static final int LOG2_N = 15;

  static final int R = 8;
  static final int P = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern ENCODED =
      Pattern.compile(
          "scrypt\\$([0-9]{1,2})\\$([0-9]{1,2})\\$([0-9]{1,2})\\$([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+)");

  /** A password must be at least this long. */
  public static final int MIN_LENGTH = 8;

  /** Longer input only costs the server more to hash. */
  public static final int MAX_LENGTH = 1024;

  private PasswordHash() {}

  /** Why {@code password} cannot be an account's password, if it cannot. */
  public static java.util.Optional<String> problem(char[] password) {
    if (password == null || password.length < MIN_LENGTH) {
      return java.util.Optional.of("must be at least " + MIN_LENGTH + " characters");
    }
    if (password.length > MAX_LENGTH) {
      return java.util.Optional.of("must be at most " + MAX_LENGTH + " characters");
    }
    return java.util.Optional.empty();
  }

  /** A new salted hash of {@code password}. */
  public static String hash(char[] password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return encode(LOG2_N, R, P, salt, derive(password, salt, LOG2_N, R, P, HASH_BYTES));
  }

  static String hash(char[] password, int log2n, int r, int p) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return encode(log2n, r, p, salt, derive(password, salt, log2n, r, p, HASH_BYTES));
  }

  /** Whether {@code encoded} is a hash this build can verify. */
  public static boolean isEncoded(String encoded) {
    Matcher m = ENCODED.matcher(encoded);
    if (!m.matches()) {
      return false;
    }
    int log2n = Integer.parseInt(m.group(1));
    int r = Integer.parseInt(m.group(2));
    int p = Integer.parseInt(m.group(3));
    // Bounded, so that a hash from the log cannot make a member spend minutes or gigabytes.
    return log2n >= 10 && log2n <= 20 && r >= 1 && r <= 16 && p >= 1 && p <= 4;
  }

  /** Whether {@code password} is the one {@code encoded} was made from; constant-time compare. */
  public static boolean verify(char[] password, String encoded) {
    if (password == null || password.length > MAX_LENGTH || !isEncoded(encoded)) {
      return false;
    }
    Matcher m = ENCODED.matcher(encoded);
    m.matches();
    byte[] salt;
    byte[] expected;
    try {
      salt = Base64.getDecoder().decode(m.group(4));
      expected = Base64.getDecoder().decode(m.group(5));
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] actual =
        derive(
            password,
            salt,
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)),
            expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] derive(char[] password, byte[] salt, int log2n, int r, int p, int len) {
    ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] bytes = Arrays.copyOf(utf8.array(), utf8.limit());
    Arrays.fill(utf8.array(), (byte) 0);
    try {
      return SCrypt.generate(bytes, salt, 1 << log2n, r, p, len);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static String encode(int log2n, int r, int p, byte[] salt, byte[] hash) {
    Base64.Encoder b64 = Base64.getEncoder();
    return "scrypt$"
        + log2n
        + "$"
        + r
        + "$"
        + p
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(hash);
  }
}
