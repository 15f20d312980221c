package org.clusterdb.core.ratis;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.clusterdb.core.storage.FileOps;
import org.clusterdb.core.storage.UnknownFormatException;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.SnapshotMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots as RocksDB checkpoints: each snapshot is a directory {@code snapshot.<term>_<index>} in
 * Ratis's state machine directory, holding the checkpoint files and a {@code snapshot.meta} that
 * lists them. Ratis ships these files to followers as they are and, on the follower, swaps in the
 * received directory whole.
 *
 * <p>A snapshot is written under a temporary name and renamed into place only when complete (files
 * and meta forced to disk), so a half-written one is never loaded or shipped.
 */
final class CheckpointSnapshots implements StateMachineStorage {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointSnapshots.class);

  static final String META_FILE = "snapshot.meta";
  private static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
  private static final String TMP_PREFIX = "tmp.";

  /** A complete snapshot on disk. */
  record Snapshot(TermIndex termIndex, Path dir, SnapshotMeta meta) {
    FileListSnapshotInfo info() {
      List<FileInfo> files = new ArrayList<>();
      files.add(new FileInfo(dir.resolve(META_FILE).toAbsolutePath(), null));
      for (String f : meta.getFilesList()) {
        files.add(new FileInfo(dir.resolve(f).toAbsolutePath(), null));
      }
      return new FileListSnapshotInfo(files, termIndex);
    }

    /** The bytes of its files, as a follower would receive them. */
    long bytes() throws IOException {
      long total = Files.size(dir.resolve(META_FILE));
      for (String f : meta.getFilesList()) {
        total += Files.size(dir.resolve(f));
      }
      return total;
    }
  }

  private final int retained;
  private volatile Path smDir;
  private final AtomicReference<Snapshot> latest = new AtomicReference<>();

  /**
   * @param retained how many snapshots to keep on disk (at least 1)
   */
  CheckpointSnapshots(int retained) {
    this.retained = Math.max(1, retained);
  }

  @Override
  public void init(RaftStorage storage) throws IOException {
    smDir = storage.getStorageDir().getStateMachineDir().toPath();
    Files.createDirectories(smDir);
    try (Stream<Path> entries = Files.list(smDir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        if (p.getFileName().toString().startsWith(TMP_PREFIX)) {
          FileOps.deleteRecursively(p);
        }
      }
    }
    reload();
  }

  /** Rescans the directory; after Ratis installed a snapshot from the leader. */
  Optional<Snapshot> reload() throws IOException {
    latest.set(scan().orElse(null));
    return Optional.ofNullable(latest.get());
  }

  Optional<Snapshot> latest() {
    return Optional.ofNullable(latest.get());
  }

  @Override
  public FileListSnapshotInfo getLatestSnapshot() {
    Snapshot s = latest.get();
    return s == null ? null : s.info();
  }

  @Override
  public void format() {}

  /** A fresh directory to write the snapshot at {@code ti} into; must not exist yet. */
  Path tempDir(TermIndex ti) throws IOException {
    Path tmp = smDir.resolve(TMP_PREFIX + name(ti));
    FileOps.deleteRecursively(tmp);
    return tmp;
  }

  /**
   * Completes a snapshot written into {@code tmp} by a checkpoint: writes its meta, forces it to
   * disk and renames it into place.
   */
  Snapshot publish(Path tmp, TermIndex ti, long appliedIndex, long revision) throws IOException {
    List<String> files = new ArrayList<>();
    try (Stream<Path> entries = Files.list(tmp)) {
      entries.map(p -> p.getFileName().toString()).sorted().forEach(files::add);
    }
    SnapshotMeta meta =
        SnapshotMeta.newBuilder()
            .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
            .setTerm(ti.getTerm())
            .setIndex(ti.getIndex())
            .setAppliedIndex(appliedIndex)
            .setRevision(revision)
            .addAllFiles(files)
            .build();
    Files.write(tmp.resolve(META_FILE), meta.toByteArray());
    FileOps.fsyncTree(tmp);
    Path dir = smDir.resolve(name(ti));
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    FileOps.fsyncDir(smDir);
    Snapshot s = new Snapshot(ti, dir, meta);
    latest.accumulateAndGet(
        s,
        (prev, next) ->
            prev == null || next.termIndex().getIndex() > prev.termIndex().getIndex()
                ? next
                : prev);
    return s;
  }

  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    List<Snapshot> all = all();
    all.sort(Comparator.comparingLong((Snapshot s) -> s.termIndex().getIndex()).reversed());
    for (Snapshot old : all.subList(Math.min(retained, all.size()), all.size())) {
      LOG.info("deleting old snapshot dir={}", old.dir());
      FileOps.deleteRecursively(old.dir());
    }
  }

  @Override
  public File getSnapshotDir() {
    return null;
  }

  @Override
  public File getTmpDir() {
    return null;
  }

  private Optional<Snapshot> scan() throws IOException {
    return all().stream().max(Comparator.comparingLong(s -> s.termIndex().getIndex()));
  }

  /** Every complete snapshot: those whose meta parses and whose files all exist. */
  private List<Snapshot> all() throws IOException {
    List<Snapshot> found = new ArrayList<>();
    if (smDir == null || !Files.isDirectory(smDir)) {
      return found;
    }
    try (Stream<Path> entries = Files.list(smDir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (!m.matches() || !Files.isDirectory(p)) {
          continue;
        }
        TermIndex ti = TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        Optional<SnapshotMeta> meta = readMeta(p);
        if (meta.isEmpty()) {
          LOG.warn("ignoring incomplete snapshot dir={}", p);
          continue;
        }
        found.add(new Snapshot(ti, p, meta.get()));
      }
    }
    return found;
  }

  /**
   * The meta of a complete snapshot; empty for a half-written one.
   *
   * @throws UnknownFormatException for a snapshot in a newer format: skipping it would start this
   *     member from an older state, or none, than the log it kept assumes
   */
  private static Optional<SnapshotMeta> readMeta(Path dir) throws UnknownFormatException {
    SnapshotMeta meta;
    try {
      meta = SnapshotMeta.parseFrom(Files.readAllBytes(dir.resolve(META_FILE)));
    } catch (IOException e) {
      return Optional.empty();
    }
    if (meta.getFormatVersion() != FormatVersion.FORMAT_VERSION_1) {
      throw new UnknownFormatException("snapshot " + dir, meta.getFormatVersionValue());
    }
    for (String f : meta.getFilesList()) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        return Optional.empty();
      }
    }
    return Optional.of(meta);
  }

  private static String name(TermIndex ti) {
    return "snapshot." + ti.getTerm() + "_" + ti.getIndex();
  }
}
