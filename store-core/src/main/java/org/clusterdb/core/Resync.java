package org.clusterdb.core;

/**
 * The outcome of {@link ClusterDb#forceConfigUpdate}: the member started again with the primary's
 * configuration.
 *
 * @param db the running member; the one the call was made on is closed
 * @param index the log index the primary's snapshot covered when the resync began; this member
 *     holds at least that much
 * @param bySnapshot whether the tables came by snapshot install (the primary's log no longer
 *     reached back to this member's start) rather than by replaying the primary's log
 * @param verified whether a synchronisation check after the resync found this member's tables equal
 *     to the primary's, which lowers "Cluster replication error" (20001)
 */
public record Resync(ClusterDb db, long index, boolean bySnapshot, boolean verified) {

  /** Told of each stage as it goes; {@code done} of {@code total} where it counts, else 0 of 0. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (stage, done, total) -> {};

    void report(String stage, long done, long total);
  }
}
