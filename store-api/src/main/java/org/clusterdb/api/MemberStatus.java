package org.clusterdb.api;

import java.time.Instant;
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
 * @param startedAt when this member's database started; a restart changes it. Empty when unknown (a
 *     server older than this field)
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
    long snapshotsInstalled,
    Optional<Instant> startedAt) {

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
    Objects.requireNonNull(startedAt, "startedAt");
  }

  /** A status without a start time. */
  public MemberStatus(
      String memberId,
      Role role,
      Optional<String> leaderId,
      long term,
      long commitIndex,
      long appliedIndex,
      long snapshotIndex,
      long revision,
      long snapshotsInstalled) {
    this(
        memberId,
        role,
        leaderId,
        term,
        commitIndex,
        appliedIndex,
        snapshotIndex,
        revision,
        snapshotsInstalled,
        Optional.empty());
  }

  /** This status with {@code startedAt}. */
  public MemberStatus withStartedAt(Instant startedAt) {
    return new MemberStatus(
        memberId,
        role,
        leaderId,
        term,
        commitIndex,
        appliedIndex,
        snapshotIndex,
        revision,
        snapshotsInstalled,
        Optional.of(startedAt));
  }
}
