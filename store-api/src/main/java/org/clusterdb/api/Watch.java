package org.clusterdb.api;

/** A registered watch. Thread-safe. */
public interface Watch extends AutoCloseable {
  /**
   * The revision the next delivered event will have at least: one past the last revision delivered.
   * Resume from here after an error.
   */
  long nextRevision();

  /** Stops delivery; no call to the listener starts after this returns. Idempotent. */
  @Override
  void close();
}
