package org.clusterdb.server.http;

import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.MemberStatus;

/**
 * Whether this member should get traffic: it is in a working quorum with a known leader and has
 * applied close to everything it knows committed. The quorum is this peer's cluster database state
 * as of its last health check ({@code clusterdb xstatus} shows the same); the leader and the
 * indexes are as of the call.
 *
 * @param ready whether this member is ready
 * @param reason why not, in a few words; "ready" when it is
 */
public record Readiness(boolean ready, String reason) {
  /**
   * Committed entries a ready member may still have to apply: under a steady write load a replica
   * is always a few behind; a replay after a restart or a snapshot install is far more.
   */
  public static final long MAX_APPLY_BACKLOG = 100;

  private static final Readiness READY = new Readiness(true, "ready");

  /**
   * From this member's Raft status and its cluster database state, both as fresh as the caller has
   * them.
   */
  public static Readiness of(MemberStatus member, ClusterStatus.Database database) {
    if (member.role() == MemberStatus.Role.STOPPED) {
      return notReady("member stopped");
    }
    switch (database) {
      case STOPPED -> {
        return notReady("database stopped");
      }
      case JOINING -> {
        return notReady("not a member of the cluster yet");
      }
      case NO_QUORUM -> {
        return notReady("no quorum");
      }
      case SYNCHRONISING -> {
        return notReady("synchronising with the leader");
      }
      case ACTIVE -> {}
    }
    if (member.leaderId().isEmpty()) {
      return notReady("no leader known");
    }
    long backlog = member.commitIndex() - member.appliedIndex();
    if (backlog > MAX_APPLY_BACKLOG) {
      return notReady(
          "catching up: applied "
              + member.appliedIndex()
              + " of "
              + member.commitIndex()
              + " committed");
    }
    return READY;
  }

  /** A member shutting down takes no new traffic. */
  public static Readiness shuttingDown() {
    return notReady("shutting down");
  }

  private static Readiness notReady(String reason) {
    return new Readiness(false, reason);
  }
}
