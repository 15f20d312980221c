package org.clusterdb.core.ratis;

import java.util.Map;
import java.util.Optional;
import org.clusterdb.api.MemberStatus;

/**
 * This member's own view of replication, from its Raft role: a leader knows when each follower last
 * answered; a follower knows when it last heard from its leader.
 *
 * @param role this member's role
 * @param leaderId the leader, if known
 * @param lastContactMillis milliseconds since the last Raft exchange, by peer id: every follower
 *     for a leader, the leader for a follower, nobody otherwise
 */
public record Replication(
    MemberStatus.Role role, Optional<String> leaderId, Map<String, Long> lastContactMillis) {
  public Replication {
    lastContactMillis = Map.copyOf(lastContactMillis);
  }
}
