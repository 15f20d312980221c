package org.clusterdb.api;

import java.time.Duration;
import java.util.Objects;

/**
 * A granted lease: keys written with its id are deleted, in one revision, when it expires or is
 * revoked. It expires once {@code ttl} passes without a keep-alive reaching the leader.
 *
 * @param id the lease's id, positive
 * @param ttl its time to live, as granted
 */
public record Lease(long id, Duration ttl) {
  public Lease {
    if (id <= 0) {
      throw new IllegalArgumentException("a lease id is positive: " + id);
    }
    Objects.requireNonNull(ttl, "ttl");
  }
}
