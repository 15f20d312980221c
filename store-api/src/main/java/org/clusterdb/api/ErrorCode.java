package org.clusterdb.api;

/**
 * The stable error codes of clusterdb: part of the protocol.
 *
 * <p>Each code has a number that is never changed or reused, and says what a caller should do.
 * Whether a failed write was surely not applied is told by {@link ClusterDbException#definite()},
 * which defaults to {@link #definiteByDefault()}.
 */
public enum ErrorCode {
  /** A request field is malformed; the message names it. Fix the request. */
  INVALID_ARGUMENT(1, Action.FIX_REQUEST, true),
  /** The table does not exist. */
  UNKNOWN_TABLE(2, Action.FIX_REQUEST, true),
  /** A table with that name already exists. */
  TABLE_EXISTS(3, Action.FIX_REQUEST, true),
  /** A key, value, transaction or request exceeds its configured limit. */
  LIMIT_EXCEEDED(4, Action.FIX_REQUEST, true),
  /** The requested revision is older than the retained watch history. Resync from a read. */
  COMPACTED(5, Action.RESYNC, true),
  /** A watch listener fell too far behind and was stopped. Resume from its next revision. */
  SLOW_WATCHER(6, Action.RETRY, true),
  /**
   * The lease does not exist: it expired, was revoked, or was never granted. Its keys are gone;
   * grant a new lease and write them again.
   */
  LEASE_NOT_FOUND(7, Action.FIX_REQUEST, true),
  /** This member is not the leader; the exception carries the leader if known. */
  NOT_LEADER(10, Action.RETRY_ELSEWHERE, true),
  /** No leader is elected, or this member cannot reach a quorum. */
  NO_LEADER(11, Action.RETRY, true),
  /** The deadline passed before an outcome was known. A write may have been applied. */
  TIMEOUT(12, Action.RETRY, false),
  /** The store is closed or shutting down. A write in flight may have been applied. */
  UNAVAILABLE(13, Action.RETRY_ELSEWHERE, false),
  /**
   * Cluster tables are read-only: the configuration primary is not leading (down, unreachable, or
   * taking leadership back). The exception names the primary. Peer tables stay writable.
   */
  PRIMARY_UNAVAILABLE(20, Action.RETRY, true),
  /**
   * The cluster refused this peer: its settings, version, platform, option keys, round trip or the
   * cluster's size fail an admission check. The field names the check; fix it on this peer.
   */
  JOIN_REFUSED(21, Action.FIX_REQUEST, true),
  /**
   * The call carries no credentials, or wrong ones, while the cluster requires authentication. Give
   * a user name and password (or, in Enforce mode, a client certificate).
   */
  UNAUTHENTICATED(30, Action.FIX_REQUEST, true),
  /** The caller's account has no right to this call: a read-only account asked for a change. */
  PERMISSION_DENIED(31, Action.FIX_REQUEST, true),
  /** An unexpected failure; see the logs. A write in flight may have been applied. */
  INTERNAL(99, Action.INVESTIGATE, false);

  /** What the caller should do about an error. */
  public enum Action {
    /** The request is wrong; retrying it unchanged fails again. */
    FIX_REQUEST,
    /** Retry after a pause, on the same member or another. */
    RETRY,
    /** Retry on another member (the leader, if a hint is given). */
    RETRY_ELSEWHERE,
    /** The requested history is gone: re-read current state, then continue from it. */
    RESYNC,
    /** Not expected: report it. */
    INVESTIGATE
  }

  private final int number;
  private final Action action;
  private final boolean definiteByDefault;

  ErrorCode(int number, Action action, boolean definiteByDefault) {
    this.number = number;
    this.action = action;
    this.definiteByDefault = definiteByDefault;
  }

  /** The stable wire number. */
  public int number() {
    return number;
  }

  public Action action() {
    return action;
  }

  /** True when the code means the write was surely not applied, unless a site says otherwise. */
  public boolean definiteByDefault() {
    return definiteByDefault;
  }

  /** True when retrying the same request may succeed. */
  public boolean retryable() {
    return action == Action.RETRY || action == Action.RETRY_ELSEWHERE;
  }

  /** The code with this wire number, or {@link #INTERNAL} for an unknown number. */
  public static ErrorCode fromNumber(int number) {
    for (ErrorCode c : values()) {
      if (c.number == number) {
        return c;
      }
    }
    return INTERNAL;
  }
}
