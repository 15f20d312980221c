package org.clusterdb.server.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.clusterdb.api.Account;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.core.ClusterDb;

/**
 * Checks an {@code Authorization: Basic base64(user:password)} value against the cluster's
 * accounts, as the client port and the HTTP listener both take it. The password is wiped from
 * memory once checked.
 */
public final class BasicCredentials {
  private static final String PREFIX = "Basic ";
  private static final String FORM = "the authorization must be 'Basic base64(user:password)'";

  private BasicCredentials() {}

  /** What a check found: the account, and the user name asked for (for the log). */
  public record Checked(String user, Optional<Account> account) {}

  /**
   * The account {@code authorization} names, if its password is right.
   *
   * @throws ClusterDbException {@link ErrorCode#UNAUTHENTICATED} (field {@code authorization}) if
   *     the value is not in the Basic form
   */
  public static Checked check(ClusterDb db, String authorization) {
    if (!authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw malformed(FORM);
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(authorization.substring(PREFIX.length()).trim());
    } catch (IllegalArgumentException e) {
      throw malformed("the authorization is not base64");
    }
    CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(decoded));
    Arrays.fill(decoded, (byte) 0);
    char[] all = Arrays.copyOf(chars.array(), chars.limit());
    Arrays.fill(chars.array(), '\0');
    try {
      int colon = -1;
      for (int i = 0; i < all.length; i++) {
        if (all[i] == ':') {
          colon = i;
          break;
        }
      }
      if (colon < 0) {
        throw malformed(FORM);
      }
      String user = new String(all, 0, colon);
      char[] password = Arrays.copyOfRange(all, colon + 1, all.length);
      try {
        return new Checked(user, db.accounts().authenticate(user, password));
      } finally {
        Arrays.fill(password, '\0');
      }
    } finally {
      Arrays.fill(all, '\0');
    }
  }

  private static ClusterDbException malformed(String message) {
    return new ClusterDbException(ErrorCode.UNAUTHENTICATED, message, "authorization", true, null);
  }
}
