package org.clusterdb.api;

import java.util.List;
import java.util.Objects;

/**
 * The cluster as one peer sees it: every peer's state and this peer's database state.
 *
 * @param memberId the peer giving the status
 * @param primary the configuration primary's 1-based index in the peer list, as the cluster has it
 *     (replicated with the Raft configuration)
 * @param primaryId the configuration primary's member id, as the cluster has it
 * @param ownPrimary the configuration primary's 1-based index as this peer's own setting has it;
 *     differs from {@code primary} while a change of primary is under way
 * @param database this peer's cluster database state
 * @param commitIndex the highest log index this peer knows committed
 * @param appliedIndex the highest log index this peer applied
 * @param syncCheckedIndex the log index of the last synchronisation check whose digest this peer
 *     found equal to the primary's; -1 if none since it started
 * @param peers every configured peer, in peer-list order, this peer included
 */
public record ClusterStatus(
    String memberId,
    int primary,
    String primaryId,
    int ownPrimary,
    Database database,
    long commitIndex,
    long appliedIndex,
    long syncCheckedIndex,
    List<PeerStatus> peers) {

  /** The state of a peer's cluster database. */
  public enum Database {
    /** In a working quorum and caught up with the leader. */
    ACTIVE("Active"),
    /** In a working quorum but still applying entries the cluster committed. */
    SYNCHRONISING("Synchronising"),
    /** Cannot reach a leader with a majority. */
    NO_QUORUM("No quorum"),
    /** The database is not running. */
    STOPPED("Stopped"),
    /** Not a member of the cluster yet: waiting to be admitted and added by the primary. */
    JOINING("Joining");

    private final String display;

    Database(String display) {
      this.display = display;
    }

    /** The text an operator sees. */
    public String display() {
      return display;
    }
  }

  public ClusterStatus {
    Objects.requireNonNull(memberId, "memberId");
    Objects.requireNonNull(primaryId, "primaryId");
    Objects.requireNonNull(database, "database");
    peers = List.copyOf(peers);
  }

  /** This status with {@code peers} in place of its own. */
  public ClusterStatus withPeers(List<PeerStatus> peers) {
    return new ClusterStatus(
        memberId,
        primary,
        primaryId,
        ownPrimary,
        database,
        commitIndex,
        appliedIndex,
        syncCheckedIndex,
        peers);
  }
}
