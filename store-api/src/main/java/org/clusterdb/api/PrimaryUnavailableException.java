package org.clusterdb.api;

/**
 * {@link ErrorCode#PRIMARY_UNAVAILABLE}: a write to a cluster table was refused, surely unapplied,
 * because the configuration primary is not the Raft leader.
 */
public final class PrimaryUnavailableException extends ClusterDbException {
  private static final long serialVersionUID = 1L;

  private final String primaryId;

  /**
   * @param primaryId the configuration primary's member id
   */
  public PrimaryUnavailableException(String message, String primaryId) {
    super(ErrorCode.PRIMARY_UNAVAILABLE, message, null, true, null);
    this.primaryId = primaryId;
  }

  /** The configuration primary's member id. */
  public String primaryId() {
    return primaryId;
  }
}
