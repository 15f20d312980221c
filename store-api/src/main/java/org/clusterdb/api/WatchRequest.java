package org.clusterdb.api;

import java.util.Objects;

/**
 * What to watch.
 *
 * @param table the table; it need not exist yet
 * @param prefix only keys with this prefix; empty for the whole table
 * @param startRevision deliver changes from this revision on; 0 means from the next write
 */
public record WatchRequest(String table, Bytes prefix, long startRevision) {
  public WatchRequest {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(prefix, "prefix");
    if (startRevision < 0) {
      throw new IllegalArgumentException("startRevision: must be >= 0, was " + startRevision);
    }
  }

  /** Every future change of {@code table}. */
  public static WatchRequest table(String table) {
    return new WatchRequest(table, Bytes.EMPTY, 0);
  }

  public WatchRequest withPrefix(Bytes p) {
    return new WatchRequest(table, p, startRevision);
  }

  public WatchRequest fromRevision(long revision) {
    return new WatchRequest(table, prefix, revision);
  }
}
