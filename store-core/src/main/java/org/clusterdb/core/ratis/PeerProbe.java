package org.clusterdb.core.ratis;

import java.util.List;
import java.util.Optional;
import org.clusterdb.api.MemberStatus;

/**
 * What a peer answered when asked for its Raft state over the peer-to-peer port.
 *
 * @param role the peer's role
 * @param leaderId the leader the peer follows, if any
 * @param commitIndex the highest index the peer knows committed
 * @param appliedIndex the highest index the peer applied
 * @param members the members of the group as the peer knows them; empty for a peer not yet added
 * @param roundTripMicros how long the question took to answer
 */
public record PeerProbe(
    MemberStatus.Role role,
    Optional<String> leaderId,
    long commitIndex,
    long appliedIndex,
    List<String> members,
    long roundTripMicros) {
  public PeerProbe {
    members = List.copyOf(members);
  }
}
