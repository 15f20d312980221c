package org.clusterdb.api;

import java.util.Objects;

/**
 * Names one logical write across retries, for servers relaying remote clients: the cluster applies
 * a given {@code (clientId, seq)} at most once and answers a repeat with the first outcome.
 *
 * @param clientId 1 to 64 bytes, unique per client instance (16 random bytes)
 * @param seq increases per logical write of the client; never reused
 * @param ackedBelow every seq below this has been answered; the cluster may forget them
 */
public record RequestId(Bytes clientId, long seq, long ackedBelow) {
  public RequestId {
    Objects.requireNonNull(clientId, "clientId");
    if (clientId.isEmpty() || clientId.size() > 64) {
      throw new IllegalArgumentException("clientId: 1 to 64 bytes, was " + clientId.size());
    }
    if (seq < 1 || ackedBelow < 0 || ackedBelow > seq) {
      throw new IllegalArgumentException("seq must be >= 1 and ackedBelow in [0, seq]");
    }
  }
}
