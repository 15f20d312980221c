package org.clusterdb.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A lease as a member sees it.
 *
 * @param id the lease's id
 * @param ttl its time to live, as granted
 * @param remaining how long it has left without a keep-alive, by the answering member's clock: the
 *     leader's decides when it expires, and a new leader first extends every lease
 * @param keys the keys attached to it
 */
public record LeaseStatus(long id, Duration ttl, Duration remaining, List<LeasedKey> keys) {
  public LeaseStatus {
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(remaining, "remaining");
    keys = List.copyOf(keys);
  }

  /** A key attached to a lease. */
  public record LeasedKey(String table, Bytes key) {
    public LeasedKey {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(key, "key");
    }
  }
}
