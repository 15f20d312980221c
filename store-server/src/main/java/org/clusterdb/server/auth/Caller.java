package org.clusterdb.server.auth;

import io.grpc.Context;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import org.clusterdb.api.Account;
import org.clusterdb.core.audit.Origin;

/**
 * Who made the current call.
 *
 * @param account the account, absent while authentication is off
 * @param by "password", "certificate" or "none"
 * @param remote the caller's address as the transport saw it; null if unknown
 */
public record Caller(Optional<Account> account, String by, SocketAddress remote) {
  /** Set by {@link AuthInterceptor} for the services to read. */
  public static final Context.Key<Caller> KEY = Context.key("clusterdb-caller");

  /** The audit log's user while authentication is off. */
  public static final String ANONYMOUS_USER = "anonymous";

  static final Caller ANONYMOUS = new Caller(Optional.empty(), "none");

  public Caller(Optional<Account> account, String by) {
    this(account, by, null);
  }

  /** This caller, calling from {@code address}. */
  Caller from(SocketAddress address) {
    return new Caller(account, by, address);
  }

  /** The caller of the call running on this thread. */
  public static Caller current() {
    Caller c = KEY.get();
    return c == null ? ANONYMOUS : c;
  }

  /** The caller as the audit log names it: its account, its address and port. */
  public Origin origin() {
    String user = account.map(Account::name).orElse(ANONYMOUS_USER);
    if (remote instanceof InetSocketAddress a && a.getAddress() != null) {
      return new Origin(user, a.getAddress().getHostAddress(), a.getPort());
    }
    return Origin.local(user);
  }
}
