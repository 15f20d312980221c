package org.clusterdb.client;

import java.util.List;
import java.util.Optional;
import org.clusterdb.api.Account;

/**
 * The cluster's authentication as one member reports it.
 *
 * @param enabled whether calls need an account
 * @param caller the account this client called as; empty while authentication is off
 * @param authenticatedBy "password", "certificate" or "none"
 * @param accounts every account, when an admin asked; otherwise empty
 */
public record AuthStatus(
    boolean enabled, Optional<Account> caller, String authenticatedBy, List<Account> accounts) {
  public AuthStatus {
    accounts = List.copyOf(accounts);
  }
}
