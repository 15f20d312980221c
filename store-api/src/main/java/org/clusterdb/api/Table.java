package org.clusterdb.api;

import java.util.Objects;

/**
 * A table's catalog entry.
 *
 * @param name the table name
 * @param scope cluster (replicated) or peer (local only)
 * @param createRevision the revision of the store that created it
 * @param sensitive its values are stored encrypted with the system key (see {@link TableOptions})
 * @param peerOwnedRows each member writes only its own rows (see {@link TableOptions})
 */
public record Table(
    String name, TableScope scope, long createRevision, boolean sensitive, boolean peerOwnedRows) {
  public Table {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scope, "scope");
  }

  /** A table that is not sensitive. */
  public Table(String name, TableScope scope, long createRevision) {
    this(name, scope, createRevision, false, false);
  }

  /** A table without peer-owned rows. */
  public Table(String name, TableScope scope, long createRevision, boolean sensitive) {
    this(name, scope, createRevision, sensitive, false);
  }
}
