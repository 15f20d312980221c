package org.clusterdb.api;

/** Where a table's rows live. */
public enum TableScope {
  /** Replicated through Raft: every peer holds the same rows. */
  CLUSTER,
  /**
   * Peer-specific: stored only in this peer's local database and never replicated, like the
   * settings an administrator must enter separately on each peer.
   */
  PEER
}
