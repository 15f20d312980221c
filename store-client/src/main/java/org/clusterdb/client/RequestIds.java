package org.clusterdb.client;

import java.security.SecureRandom;
import java.util.concurrent.ConcurrentSkipListSet;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.RequestId;

/**
 * Hands out the {@link RequestId} of each logical write of one client instance: a random client id,
 * a sequence number that is never reused, and the smallest sequence still outstanding, below which
 * the cluster may forget its remembered outcomes. Thread-safe.
 */
final class RequestIds {
  private static final int CLIENT_ID_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Bytes clientId;
  private final ConcurrentSkipListSet<Long> outstanding = new ConcurrentSkipListSet<>();
  private long nextSeq = 1;

  RequestIds(Bytes clientId) {
    this.clientId = clientId;
  }

  static RequestIds random() {
    byte[] id = new byte[CLIENT_ID_BYTES];
    RANDOM.nextBytes(id);
    return new RequestIds(Bytes.wrap(id));
  }

  Bytes clientId() {
    return clientId;
  }

  /** The id of a new logical write; outstanding until {@link #done(long)}. */
  RequestId next() {
    // Taking the seq and registering it as outstanding must be one step: otherwise a concurrent
    // write could report a larger acked_below while this seq is not yet sent, and the cluster
    // would be told that a write still to come was already answered.
    synchronized (this) {
      long seq = nextSeq++;
      outstanding.add(seq);
      return new RequestId(clientId, seq, outstanding.first());
    }
  }

  /** The write {@code seq} has its final answer (or was given up on): it is never sent again. */
  void done(long seq) {
    outstanding.remove(seq);
  }
}
