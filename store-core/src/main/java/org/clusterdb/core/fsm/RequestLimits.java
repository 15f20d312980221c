package org.clusterdb.core.fsm;

/**
 * Size limits checked before a request is replicated. They are per-peer settings, so they are never
 * re-checked while applying (peers with different limits must apply the same log alike).
 */
public record RequestLimits(
    int maxKeyBytes, int maxValueBytes, int maxTxnOps, int maxRequestBytes) {
  public RequestLimits {
    if (maxKeyBytes < 1 || maxValueBytes < 0 || maxTxnOps < 1 || maxRequestBytes < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }
}
