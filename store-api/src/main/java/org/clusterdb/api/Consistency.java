package org.clusterdb.api;

/** How fresh a read must be. */
public enum Consistency {
  /**
   * The read reflects every write acknowledged before it started: served after a Raft read-index
   * round through the current leader, never from a deposed leader. The default.
   */
  LINEARIZABLE,
  /**
   * This member's replica as it is, without a round trip: fast and available in a minority, but may
   * lag the cluster. The result's header says which revision was seen.
   */
  LOCAL
}
