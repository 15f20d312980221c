package org.clusterdb.core.fsm;

/**
 * How much watch history a store keeps: at most {@code maxRevisions} revisions and at most about
 * {@code maxBytes} of records, whichever bound is hit first. The newest revision is always kept.
 */
public record HistoryPolicy(long maxRevisions, long maxBytes) {
  public HistoryPolicy {
    if (maxRevisions < 1) {
      throw new IllegalArgumentException("maxRevisions: must be >= 1, was " + maxRevisions);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes: must be >= 1, was " + maxBytes);
    }
  }
}
