package org.clusterdb.api;

import java.util.List;

/**
 * Receives a watch's changes.
 *
 * <p>Calls for one watch never overlap and come in revision order: every revision that changed a
 * watched key is delivered exactly once, with all its matching events in one call. Calls come from
 * a library thread; a listener that blocks delays only its own watch. After {@link
 * #onError(ClusterDbException)} no further calls are made.
 */
public interface WatchListener {
  /**
   * The changes of one revision, in the order the transaction made them.
   *
   * @param revision the revision; strictly greater than in the previous call
   * @param events at least one event
   */
  void onEvents(long revision, List<WatchEvent> events);

  /**
   * The watch ended abnormally: {@link ErrorCode#COMPACTED} when the start revision is no longer
   * retained, {@link ErrorCode#SLOW_WATCHER} when the listener fell too far behind, {@link
   * ErrorCode#UNAVAILABLE} when the store closed. The error says from which revision to resume.
   */
  default void onError(ClusterDbException error) {}
}
