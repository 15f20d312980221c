package org.clusterdb.api;

import java.util.Objects;

/**
 * How a table is created.
 *
 * @param scope cluster (replicated) or peer (local only)
 * @param sensitive its values (passwords, say) are stored encrypted with the cluster's system key:
 *     in the Raft log, the state store, snapshots and backups. Such a table's values cannot be
 *     compared in a transaction, and are at most {@code maxValueBytes} less 33 bytes long.
 */
public record TableOptions(TableScope scope, boolean sensitive) {
  public TableOptions {
    Objects.requireNonNull(scope, "scope");
  }

  /** A table of {@code scope} whose values are stored as they are. */
  public static TableOptions of(TableScope scope) {
    return new TableOptions(scope, false);
  }

  /** A sensitive table of {@code scope}. */
  public static TableOptions sensitive(TableScope scope) {
    return new TableOptions(scope, true);
  }
}
