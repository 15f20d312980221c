package org.clusterdb.core.storage;

import java.io.IOException;
import org.clusterdb.core.config.SoftwareVersion;
import org.clusterdb.proto.log.v1.FormatVersion;

/**
 * Data on disk or in the log in a format this build does not read: written by a newer clusterdb.
 * Refused, never guessed at: reading it as the old format could serve wrong data or diverge from
 * the peers. The message names what was found, its format and the format this build reads.
 */
public final class UnknownFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The one format this build reads and writes. */
  public static final int READABLE = FormatVersion.FORMAT_VERSION_1_VALUE;

  private final int found;

  /**
   * @param what the artifact, e.g. {@code "state store /data/state"}
   * @param found the format it carries
   */
  public UnknownFormatException(String what, int found) {
    super(
        what
            + " has format "
            + found
            + "; this build (clusterdb "
            + SoftwareVersion.CURRENT
            + ") reads format "
            + READABLE
            + ". It was written by a newer clusterdb: run that version on this peer, or purge the"
            + " peer and let it rejoin");
    this.found = found;
  }

  /** The format found. */
  public int found() {
    return found;
  }
}
