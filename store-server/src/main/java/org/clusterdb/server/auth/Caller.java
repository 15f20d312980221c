package org.clusterdb.server.auth;

import io.grpc.Context;
import java.util.Optional;
import org.clusterdb.api.Account;

/**
 * Who made the current call.
 *
 * @param account the account, absent while authentication is off
 * @param by "password", "certificate" or "none"
 */
public record Caller(Optional<Account> account, String by) {
  /** Set by {@link AuthInterceptor} for the services to read. */
  public static final Context.Key<Caller> KEY = Context.key("clusterdb-caller");

  static final Caller ANONYMOUS = new Caller(Optional.empty(), "none");

  /** The caller of the call running on this thread. */
  public static Caller current() {
    Caller c = KEY.get();
    return c == null ? ANONYMOUS : c;
  }
}
