package org.clusterdb.api;

import java.util.Objects;
import java.util.Optional;

/**
 * One member's view of the cluster, as of the call.
 *
 * @param memberId this member
 * @param role this member's Raft role
 * @param leaderId the leader this member follows, if it knows one
 * @param term the current Raft term
 * @param commitIndex the highest log index known committed
 * @param appliedIndex the highest log index applied to this member's state
 * @param snapshotIndex the log index of this member's latest snapshot; -1 if none
 * @param revision the store revision of this member's replica
 * @param snapshotsInstalled snapshots this member received from a leader since it started
 */
public record MemberStatus(
    String memberId,
    Role role,
    Optional<String> leaderId,
    long term,
    long commitIndex,
    long appliedIndex,
    long snapshotIndex,
    long revision,
    long snapshotsInstalled) {

  /** A member's Raft role. */
  public enum Role {
    LEADER,
    FOLLOWER,
    CANDIDATE,
    /** Receives the log but does not vote. */
    LISTENER,
    /** Not running. */
    STOPPED
  }

  public MemberStatus {
    Objects.requireNonNull(memberId, "memberId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(leaderId, "leaderId");
  }
}
