package org.clusterdb.bench.systems;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting the directories a system under test wrote. */
public final class Dirs {
  private Dirs() {}

  /**
   * Copies the {@code *.log} files in {@code from} and in its subdirectories (the node
   * directories), not deeper, to the same relative paths under {@code to}. Deeper ones are data:
   * RocksDB's write-ahead files, say. Returns how many were copied.
   */
  public static int copyLogs(Path from, Path to) {
    if (!Files.isDirectory(from)) {
      return 0;
    }
    int copied = 0;
    try (Stream<Path> all = Files.walk(from, 2)) {
      for (Path p :
          all.filter(f -> f.toString().endsWith(".log") && Files.isRegularFile(f)).toList()) {
        Path target = to.resolve(from.relativize(p));
        Files.createDirectories(target.getParent());
        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        copied++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the logs under " + from + " to " + to, e);
    }
    return copied;
  }

  /** Deletes {@code dir} and everything under it; nothing if it does not exist. */
  public static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
