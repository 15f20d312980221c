package org.clusterdb.core.ratis;

import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.NotReplicatedException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.ReadIndexException;
import org.apache.ratis.protocol.exceptions.ResourceUnavailableException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.core.codec.ApiCodec;

/**
 * Turns Ratis failures into clusterdb's typed errors. A write is reported definite only when Ratis
 * surely did not append it: refused before replication, or refused by a non-leader. After a retry
 * or a timeout the outcome is unknown.
 */
public final class RatisErrors {
  private RatisErrors() {}

  /**
   * @param write true for a proposal (may have been applied), false for a read (never changes
   *     state, so always definite)
   */
  static ClusterDbException map(Throwable t, boolean write) {
    Throwable e = unwrap(t);
    if (e instanceof ClusterDbException c) {
      return c;
    }
    // startTransaction refused the command before it was appended: definite.
    if (e instanceof StateMachineException && e.getCause() instanceof RejectedCommand r) {
      return ApiCodec.exception(r.failure());
    }
    if (e instanceof NotLeaderException nle) {
      RaftPeer leader = nle.getSuggestedLeader();
      return new org.clusterdb.api.NotLeaderException(
          e.getMessage(),
          leader == null ? null : leader.getId().toString(),
          leader == null ? null : leader.getAddress());
    }
    boolean definite = !write;
    if (e instanceof LeaderNotReadyException
        || e instanceof LeaderSteppingDownException
        || e instanceof ReadIndexException) {
      return new ClusterDbException(ErrorCode.NO_LEADER, e.getMessage(), null, true, e);
    }
    if (e instanceof RaftRetryFailureException) {
      Throwable last = e.getCause() == null ? e : e.getCause();
      return new ClusterDbException(
          ErrorCode.NO_LEADER,
          "no leader answered before the retries ran out: " + last.getMessage(),
          null,
          definite,
          e);
    }
    if (e instanceof TimeoutIOException || e instanceof TimeoutException) {
      return new ClusterDbException(
          ErrorCode.TIMEOUT, "no outcome before the deadline", null, definite, e);
    }
    if (e instanceof AlreadyClosedException) {
      return new ClusterDbException(
          ErrorCode.UNAVAILABLE, "request aborted: " + e.getMessage(), null, definite, e);
    }
    if (e instanceof ResourceUnavailableException || e instanceof NotReplicatedException) {
      return new ClusterDbException(ErrorCode.UNAVAILABLE, e.getMessage(), null, definite, e);
    }
    return new ClusterDbException(ErrorCode.INTERNAL, String.valueOf(e), null, definite, e);
  }

  /**
   * True when Ratis failed the client's ordered request window for good: after retries ran out,
   * every later ordered request on that client fails, so the client must be replaced.
   */
  static boolean closesOrderedWindow(Throwable t) {
    Throwable e = unwrap(t);
    return e instanceof RaftRetryFailureException
        || e instanceof AlreadyClosedException && e.getCause() instanceof RaftRetryFailureException;
  }

  static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** What is damaged, if {@code t} is Ratis finding a log entry whose checksum does not match. */
  public static Optional<String> logCorruption(Throwable t) {
    return t instanceof org.apache.ratis.protocol.exceptions.ChecksumException
        ? Optional.of("Raft log segment: " + t.getMessage())
        : Optional.empty();
  }
}
