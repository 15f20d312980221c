package org.clusterdb.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A client account, as the cluster lists it: never its password, which only a slow salted hash
 * keeps.
 *
 * @param name the user name: a letter or digit, then up to 63 letters, digits, '.', '_', '@' or '-'
 *     (a client certificate's Common Name names its account this way)
 * @param role what the account may do
 */
public record Account(String name, Role role) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

  public Account {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
  }

  /** Why {@code name} cannot name an account, if it cannot. */
  public static java.util.Optional<String> nameProblem(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return java.util.Optional.of(
          "must be a letter or digit, then up to 63 letters, digits, '.', '_', '@' or '-', was '"
              + name
              + "'");
    }
    return java.util.Optional.empty();
  }
}
