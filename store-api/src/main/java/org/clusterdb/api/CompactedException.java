package org.clusterdb.api;

/** {@link ErrorCode#COMPACTED}: the requested revision is older than the retained history. */
public final class CompactedException extends ClusterDbException {
  private static final long serialVersionUID = 1L;

  private final long oldestRevision;

  public CompactedException(long requested, long oldestRevision) {
    super(
        ErrorCode.COMPACTED,
        "revision "
            + requested
            + " is compacted; the oldest retained revision is "
            + oldestRevision,
        "startRevision",
        true,
        null);
    this.oldestRevision = oldestRevision;
  }

  /** The oldest revision that can still be watched from. */
  public long oldestRevision() {
    return oldestRevision;
  }
}
