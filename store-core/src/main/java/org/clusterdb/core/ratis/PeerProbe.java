package org.clusterdb.core.ratis;

import java.util.Optional;
import org.clusterdb.api.MemberStatus;

/**
 * What a peer answered when asked for its Raft state over the peer-to-peer port.
 *
 * @param role the peer's role
 * @param leaderId the leader the peer follows, if any
 * @param commitIndex the highest index the peer knows committed
 * @param appliedIndex the highest index the peer applied
 */
public record PeerProbe(
    MemberStatus.Role role, Optional<String> leaderId, long commitIndex, long appliedIndex) {}
