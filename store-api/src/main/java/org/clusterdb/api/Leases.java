package org.clusterdb.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Leases: keys that live only as long as their writer keeps them alive, as etcd's leases and
 * ZooKeeper's ephemeral nodes. Attach a key with {@link Op#put(String, Bytes, Bytes, long)}; when
 * the lease expires or is revoked, its keys are deleted in one revision and watchers see the
 * deletes. Leases belong to cluster tables only, and are not configuration: they work while the
 * configuration primary is down.
 */
public interface Leases {
  /**
   * Grants a lease of {@code ttl}: at least 1 s and twice the election timeout, at most 30 days.
   * Fails INVALID_ARGUMENT (field {@code ttl}) otherwise.
   */
  CompletableFuture<Lease> grant(Duration ttl);

  /** Starts lease {@code id}'s TTL again; fails LEASE_NOT_FOUND once it is gone. */
  CompletableFuture<Lease> keepAlive(long id);

  /**
   * Ends lease {@code id} and deletes its keys, in one revision; completes with that revision (the
   * store's revision when no key was attached). Fails LEASE_NOT_FOUND once it is gone.
   */
  CompletableFuture<Long> revoke(long id);

  /** Lease {@code id}'s TTL, time left and keys; fails LEASE_NOT_FOUND once it is gone. */
  CompletableFuture<LeaseStatus> timeToLive(long id);
}
