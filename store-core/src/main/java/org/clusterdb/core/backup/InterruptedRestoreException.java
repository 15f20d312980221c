package org.clusterdb.core.backup;

import java.io.IOException;

/**
 * A restore stopped after it began replacing the peer's database (a crash, a full disk, an
 * interrupt): the peer's tables are neither the old ones nor the backup's, so it must not start
 * from them. Running the restore again, or a purge, clears it.
 */
public final class InterruptedRestoreException extends IOException {
  private static final long serialVersionUID = 1L;

  InterruptedRestoreException(String file) {
    super(
        "a restore from "
            + file
            + " was interrupted before it finished; run clusterdb restore with that file again");
  }
}
