package org.clusterdb.core.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A RocksDB store whose files failed their checksums when it opened: a damaged table file, or a
 * write-ahead log damaged before its last record. The message names the store's directory and what
 * RocksDB found.
 */
public final class DamagedStoreException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path dir;

  public DamagedStoreException(Path dir, String found, Throwable cause) {
    super("RocksDB store " + dir + " is damaged: " + found, cause);
    this.dir = dir;
  }

  /** The store's directory. */
  public Path dir() {
    return dir;
  }
}
