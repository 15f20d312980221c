package org.clusterdb.core.ratis;

/**
 * Hears what this replica's Raft adapter measures. Called on Ratis's threads (the apply thread for
 * all but {@link #leaderChanged}): implementations only record and return.
 */
public interface RaftMetrics {
  /**
   * An entry this member proposed as leader was committed, {@code nanos} after the leader accepted
   * the proposal; measured when the entry reaches the state machine.
   */
  void committed(long nanos);

  /** This replica applied one committed entry to its state in {@code nanos}. */
  void applied(long nanos);

  /** This replica learned of a newly elected leader. */
  void leaderChanged();

  /** This replica took a snapshot of {@code bytes} in {@code nanos}. */
  void snapshotTaken(long nanos, long bytes);

  /** This replica installed a snapshot the leader sent. */
  void snapshotInstalled();

  RaftMetrics NONE =
      new RaftMetrics() {
        @Override
        public void committed(long nanos) {}

        @Override
        public void applied(long nanos) {}

        @Override
        public void leaderChanged() {}

        @Override
        public void snapshotTaken(long nanos, long bytes) {}

        @Override
        public void snapshotInstalled() {}
      };
}
