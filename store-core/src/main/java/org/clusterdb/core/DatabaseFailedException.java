package org.clusterdb.core;

import java.util.List;
import java.util.Optional;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.core.backup.InterruptedRestoreException;
import org.clusterdb.core.cluster.ClusteringStore;
import org.clusterdb.core.ratis.RatisErrors;
import org.clusterdb.core.storage.DamagedStoreException;
import org.clusterdb.core.storage.StateStore;
import org.clusterdb.core.storage.UnknownFormatException;

/**
 * A member found its local database damaged at start-up (a table file, write-ahead log or Raft log
 * segment whose checksum does not match, a format it does not read, or a restore left unfinished)
 * and refused to start rather than serve wrong data. It raised "Database failure" (20010); {@link
 * #alarms()} are the peer's alarms then. The recovery is in docs/operations.md: purge the peer (or
 * restore its backup), then let it rejoin.
 */
public final class DatabaseFailedException extends ClusterDbException {
  private final transient List<Alarm> alarms;
  private final String memberId;
  private final transient Optional<ClusteringStore.Saved> settings;

  /**
   * @param ownTables the peer's own tables are what failed: a plain purge keeps them, so the
   *     recovery is a purge of everything or a restore
   */
  DatabaseFailedException(
      String memberId,
      String damage,
      boolean ownTables,
      List<Alarm> alarms,
      Optional<ClusteringStore.Saved> settings,
      Throwable cause) {
    super(
        ErrorCode.UNAVAILABLE,
        "the database of peer "
            + memberId
            + " cannot be used and the peer does not serve: "
            + damage
            + ". Recover it: stop the peer, "
            + (ownTables
                ? "restore its backup, or run clusterdb purge --all (which also deletes the"
                    + " peer's own tables: its clustering settings, alarms and peer tables)"
                : "run clusterdb purge (or restore its backup)")
            + ", start it again (see docs/operations.md, Database failure)",
        null,
        true,
        cause);
    this.memberId = memberId;
    this.alarms = List.copyOf(alarms);
    this.settings = settings;
  }

  public String memberId() {
    return memberId;
  }

  /**
   * This peer's own clustering settings and the cluster's as it last saw them, from its own tables;
   * empty when those are what failed.
   */
  public Optional<ClusteringStore.Saved> settings() {
    return settings;
  }

  /** This peer's alarms when it refused to start, "Database failure" among them. */
  public List<Alarm> alarms() {
    return alarms;
  }

  /**
   * What is damaged, if {@code t} or a cause of it is a checksum failure of RocksDB or of a Raft
   * log segment; empty for any other failure (a port in use, a bad setting).
   */
  static Optional<String> damage(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      Optional<String> d = damageOf(c);
      if (d.isPresent()) {
        return d;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> damageOf(Throwable c) {
    if (c instanceof UnknownFormatException
        || c instanceof DamagedStoreException
        || c instanceof InterruptedRestoreException) {
      return Optional.of(c.getMessage());
    }
    return StateStore.corruption(c).or(() -> RatisErrors.logCorruption(c));
  }
}
