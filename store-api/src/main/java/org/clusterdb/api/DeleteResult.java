package org.clusterdb.api;

import java.util.Objects;

/**
 * The result of a delete.
 *
 * @param header the revision is the one the delete created, or the current one when nothing was
 *     deleted
 * @param deleted how many keys were deleted
 */
public record DeleteResult(Header header, long deleted) implements OpResult {
  public DeleteResult {
    Objects.requireNonNull(header, "header");
  }
}
