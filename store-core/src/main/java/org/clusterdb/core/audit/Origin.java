package org.clusterdb.core.audit;

import java.util.Objects;

/**
 * Who asks for a change, as the audit log records it: a user and, for a remote caller, its address
 * and port. Immutable.
 *
 * @param user the account name, or the embedding application's name for its user; 1 to {@value
 *     #MAX_USER_CHARS} characters
 * @param address the caller's IP address; empty for a caller in this process
 * @param port the caller's port, 0 to 65535; 0 for a caller in this process
 */
public record Origin(String user, String address, int port) {
  public static final int MAX_USER_CHARS = 128;

  /** A caller in this process that did not say who it is. */
  public static final Origin LOCAL = new Origin("local", "", 0);

  /** clusterdb itself, writing a change an admin made elsewhere (the primary's settings). */
  public static final Origin SYSTEM = new Origin("system", "", 0);

  public Origin {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(address, "address");
    if (user.isEmpty() || user.length() > MAX_USER_CHARS) {
      throw new IllegalArgumentException(
          "user: 1 to " + MAX_USER_CHARS + " characters, was " + user.length());
    }
    if (address.length() > 64) {
      throw new IllegalArgumentException("address: at most 64 characters");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: 0 to 65535, was " + port);
    }
  }

  /** A caller in this process, named {@code user}. */
  public static Origin local(String user) {
    return new Origin(user, "", 0);
  }
}
