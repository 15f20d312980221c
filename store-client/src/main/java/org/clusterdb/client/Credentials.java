package org.clusterdb.client;

import java.util.ArrayList;
import java.util.List;

/**
 * A user name and password, sent with every call (over TLS) once the cluster requires accounts.
 * Each member checks the password with scrypt once and remembers it, so this costs little after the
 * first call.
 */
public record Credentials(String user, String password) {
  /** Every problem, each starting with its field under {@code prefix}. */
  List<String[]> problems(String prefix) {
    List<String[]> p = new ArrayList<>();
    if (user == null || user.isEmpty() || user.indexOf(':') >= 0) {
      p.add(new String[] {prefix + "user", "must be a non-empty name without ':'"});
    }
    if (password == null || password.isEmpty()) {
      p.add(new String[] {prefix + "password", "must not be empty"});
    }
    return p;
  }

  @Override
  public String toString() {
    return "Credentials[user=" + user + ", password=***]";
  }
}
