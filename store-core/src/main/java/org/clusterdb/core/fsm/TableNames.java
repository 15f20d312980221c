package org.clusterdb.core.fsm;

import java.util.regex.Pattern;

/** The rule for table names, shared by both scopes. */
public final class TableNames {
  /**
   * A letter, then up to 63 letters, digits, '_', '.' or '-'. ASCII keeps the key encoding simple.
   */
  public static final Pattern PATTERN = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");

  private TableNames() {}

  /** Names with this prefix belong to clusterdb itself: readable, never written by users. */
  public static final String RESERVED_PREFIX = "clusterdb.";

  /** The cluster table of clusterdb's own replicated records. */
  public static final String CLUSTER = RESERVED_PREFIX + "cluster";

  /** In {@link #CLUSTER}: the cluster's clustering settings, as the primary wrote them. */
  public static final String SETTINGS_KEY = "settings";

  /** The peer table of this peer's own clustering settings, as its admin saved them. */
  public static final String PEER_SETTINGS = RESERVED_PREFIX + "settings";

  /** In {@link #PEER_SETTINGS}: the settings as the admin last saved them. */
  public static final String OWN_SETTINGS_KEY = "own";

  /** In {@link #CLUSTER}: a peer's accepted join request, under this prefix and its member id. */
  public static final String JOIN_PREFIX = "join/";

  /** In {@link #CLUSTER}: the primary's refusal of an admitted peer, under its member id. */
  public static final String REFUSED_PREFIX = "refused/";

  /** In {@link #CLUSTER}: whether clients must authenticate, an {@code AuthRecord}. */
  public static final String AUTH_KEY = "auth";

  /**
   * The cluster table of client accounts, one {@code AccountRecord} per user name. Private: its
   * password hashes are never read or watched by clients.
   */
  public static final String ACCOUNTS = RESERVED_PREFIX + "accounts";

  /**
   * The cluster table of audited changes, one {@code AuditRecord} per changed key, written as the
   * change applies. Clients read it; only the apply logic writes it.
   */
  public static final String AUDIT = RESERVED_PREFIX + "audit";

  /** The peer tables' own audit table, beside {@link #AUDIT} of the cluster tables. */
  public static final String PEER_AUDIT = RESERVED_PREFIX + "peer-audit";

  /**
   * The cluster table of granted leases, one {@code LeaseRecord} under each lease id (8 bytes,
   * big-endian). Clients read it; only the apply logic writes it.
   */
  public static final String LEASES = RESERVED_PREFIX + "leases";

  /**
   * The cluster table indexing the keys attached to each lease: under the lease id (8 bytes,
   * big-endian), the table name, a zero byte and the key, an empty row. See {@link LeaseKeys}.
   */
  public static final String LEASE_KEYS = RESERVED_PREFIX + "lease-keys";

  /**
   * The cluster table of shared runtime state: one {@code UsageRecord} under each member's id,
   * owned by that member (peer-owned rows) and attached to its lease.
   */
  public static final String USAGE = RESERVED_PREFIX + "usage";

  /** Reserved tables no client may read, list or watch. */
  public static boolean isPrivate(String name) {
    return ACCOUNTS.equals(name);
  }

  /** In {@link #CLUSTER}: a member's TLS public key and whether it lacks the system key. */
  public static final String PEER_KEY_PREFIX = "peerkey/";

  /** In {@link #CLUSTER}: the system key wrapped to a member's public key, until it has it. */
  public static final String KEY_GRANT_PREFIX = "keygrant/";

  public static boolean isValid(String name) {
    return name != null && PATTERN.matcher(name).matches();
  }

  public static boolean isReserved(String name) {
    return name != null && name.startsWith(RESERVED_PREFIX);
  }
}
