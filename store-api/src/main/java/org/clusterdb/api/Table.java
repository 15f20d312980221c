package org.clusterdb.api;

import java.util.Objects;

/**
 * A table's catalog entry.
 *
 * @param name the table name
 * @param scope cluster (replicated) or peer (local only)
 * @param createRevision the revision of the store that created it
 */
public record Table(String name, TableScope scope, long createRevision) {
  public Table {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scope, "scope");
  }
}
