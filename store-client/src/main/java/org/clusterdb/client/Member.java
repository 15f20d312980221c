package org.clusterdb.client;

import java.util.Objects;

/**
 * One member of a cluster as the cluster describes it. Immutable.
 *
 * @param id the member id
 * @param peerAddress {@code host:port} of its Raft (member-to-member) endpoint
 * @param clientAddress {@code host:port} of its client API endpoint, the one a client connects to
 */
public record Member(String id, String peerAddress, String clientAddress) {
  public Member {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(peerAddress, "peerAddress");
    Objects.requireNonNull(clientAddress, "clientAddress");
  }

  static Member of(org.clusterdb.proto.api.v1.Member m) {
    return new Member(m.getId(), m.getPeerAddress(), m.getClientAddress());
  }
}
