package org.clusterdb.api;

import java.util.Optional;

/** {@link ErrorCode#NOT_LEADER}: retry on the leader, when one is known. */
public final class NotLeaderException extends ClusterDbException {
  private static final long serialVersionUID = 1L;

  private final String leaderId;
  private final String leaderAddress;

  /**
   * @param leaderId the leader's member id, or null if unknown
   * @param leaderAddress the leader's host:port, or null if unknown
   */
  public NotLeaderException(String message, String leaderId, String leaderAddress) {
    super(ErrorCode.NOT_LEADER, message, null, true, null);
    this.leaderId = leaderId;
    this.leaderAddress = leaderAddress;
  }

  public Optional<String> leaderId() {
    return Optional.ofNullable(leaderId);
  }

  public Optional<String> leaderAddress() {
    return Optional.ofNullable(leaderAddress);
  }
}
