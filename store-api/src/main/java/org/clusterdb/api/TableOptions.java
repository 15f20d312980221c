package org.clusterdb.api;

import java.util.Objects;

/**
 * How a table is created.
 *
 * @param scope cluster (replicated) or peer (local only)
 * @param sensitive its values (passwords, say) are stored encrypted with the cluster's system key:
 *     in the Raft log, the state store, snapshots and backups. Such a table's values cannot be
 *     compared in a transaction, and are at most {@code maxValueBytes} less 33 bytes long.
 * @param peerOwnedRows a cluster table of runtime state each member publishes for the others
 *     (usage, liveness): a member writes only the rows it owns, keyed by its member id or by its
 *     member id and {@code '/'}, and may write them while the configuration primary is not leading.
 *     Writes to another member's rows are refused with {@link ErrorCode#PERMISSION_DENIED}. Its
 *     writes are runtime state, not configuration, and are not audited.
 */
public record TableOptions(TableScope scope, boolean sensitive, boolean peerOwnedRows) {
  public TableOptions {
    Objects.requireNonNull(scope, "scope");
  }

  /** Options without peer-owned rows. */
  public TableOptions(TableScope scope, boolean sensitive) {
    this(scope, sensitive, false);
  }

  /** A table of {@code scope} whose values are stored as they are. */
  public static TableOptions of(TableScope scope) {
    return new TableOptions(scope, false);
  }

  /** A sensitive table of {@code scope}. */
  public static TableOptions sensitive(TableScope scope) {
    return new TableOptions(scope, true);
  }

  /** A cluster table whose rows are owned by the members that write them. */
  public static TableOptions peerOwned() {
    return new TableOptions(TableScope.CLUSTER, false, true);
  }
}
