package org.clusterdb.core.config;

/** Which Raft leader may accept writes to cluster tables. */
public enum WritePolicy {
  /**
   * Only the configuration primary, while it leads: the seed's rule that configuration is made on
   * the primary. The primary is given the highest Raft priority, so it leads whenever it is up and
   * caught up; while it is unreachable, cluster tables are read-only and writes fail with {@code
   * PRIMARY_UNAVAILABLE}. Peer tables stay writable.
   */
  PRIMARY_ONLY,
  /** Whichever peer leads: plain Raft, for library users with no primary. */
  ANY_LEADER
}
