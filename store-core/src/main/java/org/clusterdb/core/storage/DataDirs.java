package org.clusterdb.core.storage;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data directories members of this JVM have open. Offline operations (restore, purge) check it
 * first: a file lock taken and released in the same process would drop RocksDB's own lock.
 */
public final class DataDirs {
  private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

  private DataDirs() {}

  public static void opened(Path dataDir) {
    OPEN.add(key(dataDir));
  }

  public static void closed(Path dataDir) {
    OPEN.remove(key(dataDir));
  }

  public static boolean isOpen(Path dataDir) {
    return OPEN.contains(key(dataDir));
  }

  private static Path key(Path dataDir) {
    return dataDir.toAbsolutePath().normalize();
  }
}
