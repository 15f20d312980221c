package org.clusterdb.core.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.core.cluster.SystemKeyManager;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.local.PeerStore;
import org.clusterdb.core.ratis.RaftNode;
import org.clusterdb.core.security.SystemKey;
import org.clusterdb.core.storage.DataDirs;
import org.clusterdb.core.storage.FileOps;
import org.clusterdb.core.storage.StateStore;
import org.clusterdb.proto.log.v1.AppliedIndex;
import org.clusterdb.proto.log.v1.BackupFile;
import org.clusterdb.proto.log.v1.BackupManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backup, restore and purge of one peer's database. A backup is taken online; restore and purge run
 * on a stopped peer's data directory.
 *
 * <p>A restored peer's own tables replace its current ones at once. Its cluster tables are staged
 * under {@code <dataDir>/restore/}: a peer that creates its cluster at its next start (the primary,
 * with no cluster member answering: the whole cluster was lost) starts the new cluster from them; a
 * peer that joins a running cluster drops them and takes the cluster's, as a subordinate's
 * configuration is always replaced by the primary's.
 */
public final class Backups {
  private static final Logger LOG = LoggerFactory.getLogger("org.clusterdb.backup");

  private static final String STAGED = RaftNode.STAGED_RESTORE;

  /** Present, naming the backup, from a restore's point of no return until it has finished. */
  static final String RESTORING = "restore.incomplete";

  private Backups() {}

  /** What a backup holds. */
  public record Summary(
      long bytes,
      String clusterName,
      String memberId,
      String softwareVersion,
      long appliedIndex,
      long revision,
      int files) {
    static Summary of(BackupManifest m) {
      return new Summary(
          BackupArchive.length(m),
          m.getClusterName(),
          m.getMemberId(),
          m.getSoftwareVersion(),
          m.getAppliedIndex(),
          m.getRevision(),
          m.getFilesCount());
    }
  }

  /**
   * Writes a backup of a running peer to {@code out}: its cluster tables as a checkpoint at one log
   * index, and its own tables. The checkpoints are hard links under the data directory, so the peer
   * keeps serving and writing meanwhile; they are deleted when done.
   */
  public static Summary write(
      ClusterDbConfig config,
      RaftNode node,
      PeerStore peer,
      OutputStream out,
      BackupArchive.Progress progress)
      throws IOException {
    Path tmp = config.dataDir().resolve("backup.tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(tmp);
      Path state = tmp.resolve("state");
      Path own = tmp.resolve("peer");
      node.checkpointState(state);
      peer.checkpoint(own);
      AppliedIndex applied;
      long revision;
      // Opening replays the checkpoint's WAL, so the files listed below are final.
      try (StateStore s = StateStore.open(state, false)) {
        applied = s.applied();
        revision = s.revision();
      }
      try (StateStore s = StateStore.open(own, false)) {
        s.revision();
      }
      dropInfoLogs(state);
      dropInfoLogs(own);
      BackupManifest manifest =
          BackupArchive.manifest(
              BackupManifest.newBuilder()
                  .setSoftwareVersion(config.softwareVersion())
                  .setClusterName(config.clusterName())
                  .setClusterId(RaftNode.clusterId(config))
                  .setMemberId(config.memberId())
                  .setCreatedUnixMillis(Instant.now().toEpochMilli())
                  .setAppliedTerm(applied.getTerm())
                  .setAppliedIndex(applied.getIndex())
                  .setRevision(revision),
              List.of(
                  new BackupArchive.Section("state", state),
                  new BackupArchive.Section("peer", own)));
      LOG.info(
          "Detail=\"Backup started\" Member=\"{}\" Index=\"{}\" Revision=\"{}\" Bytes=\"{}\"",
          config.memberId(),
          applied.getIndex(),
          revision,
          BackupArchive.length(manifest));
      BackupArchive.write(
          manifest,
          List.of(
              new BackupArchive.Section("state", state), new BackupArchive.Section("peer", own)),
          out,
          progress);
      LOG.info(
          "Detail=\"Backup completed\" Member=\"{}\" Index=\"{}\" Files=\"{}\"",
          config.memberId(),
          applied.getIndex(),
          manifest.getFilesCount());
      return Summary.of(manifest);
    } finally {
      FileOps.deleteRecursively(tmp);
    }
  }

  /** RocksDB's own text logs: not data, and they would differ on every open. */
  private static void dropInfoLogs(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (n.equals("LOG") || n.startsWith("LOG.old")) {
          Files.delete(f);
        }
      }
    }
  }

  /**
   * Checks the backup at {@code file} whole (every checksum, the format) without restoring it.
   *
   * @throws ClusterDbException {@link ErrorCode#INVALID_ARGUMENT} if it is damaged
   */
  public static Summary verify(Path file, BackupArchive.Progress progress) throws IOException {
    return Summary.of(BackupArchive.read(file, null, progress));
  }

  /**
   * Restores the backup at {@code file} into this stopped peer's data directory: its own tables are
   * replaced, its Raft log and cluster tables deleted, and the backup's cluster tables staged (see
   * the class comment). With {@code systemKey}, that key file is installed too: the backup's
   * sensitive values are sealed with it and the backup does not hold it.
   *
   * @throws ClusterDbException {@link ErrorCode#INVALID_ARGUMENT} naming {@code file} if it is
   *     damaged, from another software version, another cluster or another peer; {@link
   *     ErrorCode#UNAVAILABLE} if the peer is running. Nothing is changed then.
   */
  public static Summary restore(
      ClusterDbConfig config, Path file, Optional<Path> systemKey, BackupArchive.Progress progress)
      throws IOException {
    return restore(config, file, systemKey, progress, () -> {});
  }

  /** As above; {@code replacing} runs once the peer's database is being replaced. */
  static Summary restore(
      ClusterDbConfig config,
      Path file,
      Optional<Path> systemKey,
      BackupArchive.Progress progress,
      Runnable replacing)
      throws IOException {
    Path dataDir = config.dataDir();
    ensureStopped(dataDir);
    Optional<SystemKey> key = Optional.empty();
    if (systemKey.isPresent()) {
      try {
        key = Optional.of(SystemKey.read(systemKey.get()));
      } catch (IOException e) {
        throw new ClusterDbException(
            ErrorCode.INVALID_ARGUMENT,
            "system key " + systemKey.get() + " is not usable: " + e.getMessage(),
            "systemKey",
            true,
            e);
      }
    }
    Files.createDirectories(dataDir);
    Path stage = dataDir.resolve("restore.tmp");
    FileOps.deleteRecursively(stage);
    BackupManifest m;
    try {
      m = BackupArchive.read(file, stage, progress);
      checkRestorable(config, file, m);
    } catch (IOException | RuntimeException e) {
      FileOps.deleteRecursively(stage);
      throw e;
    }
    // From here the peer's database is replaced: until the end, a start is refused.
    Path restoring = dataDir.resolve(RESTORING);
    Files.writeString(restoring, file.toAbsolutePath().toString());
    FileOps.fsync(restoring);
    FileOps.fsyncDir(dataDir);
    replacing.run();
    purgeClusterState(dataDir);
    Path peerFiles = stage.resolve("peer");
    StateStore.restore(peerFiles, names(m, "peer"), dataDir.resolve("peer"));
    Path staged = dataDir.resolve(STAGED);
    Files.createDirectories(staged);
    Path stagedState = stage.resolve("state");
    if (!Files.isDirectory(stagedState)) {
      Files.createDirectories(stagedState);
    }
    Files.move(stagedState, staged.resolve("state"));
    Files.write(staged.resolve(RaftNode.STAGED_MANIFEST), m.toByteArray());
    FileOps.fsyncTree(staged);
    if (key.isPresent()) {
      key.get().write(dataDir.resolve(SystemKeyManager.FILE));
    }
    FileOps.deleteRecursively(stage);
    Files.delete(restoring);
    FileOps.fsyncDir(dataDir);
    LOG.warn(
        "Detail=\"Database restored from backup\" Member=\"{}\" File=\"{}\" Index=\"{}\""
            + " Revision=\"{}\" BackupVersion=\"{}\"",
        config.memberId(),
        file,
        m.getAppliedIndex(),
        m.getRevision(),
        m.getSoftwareVersion());
    return Summary.of(m);
  }

  /**
   * Refuses to let a peer start from a database a restore left half replaced.
   *
   * @throws InterruptedRestoreException naming the backup the restore was reading
   */
  public static void checkNoInterruptedRestore(Path dataDir) throws IOException {
    Path restoring = dataDir.resolve(RESTORING);
    if (Files.exists(restoring)) {
      throw new InterruptedRestoreException(Files.readString(restoring).strip());
    }
  }

  private static void checkRestorable(ClusterDbConfig config, Path file, BackupManifest m) {
    if (!m.getSoftwareVersion().equals(config.softwareVersion())) {
      throw refused(
          file,
          "it was made by clusterdb "
              + m.getSoftwareVersion()
              + " and this is "
              + config.softwareVersion()
              + "; restore it with "
              + m.getSoftwareVersion());
    }
    if (!m.getClusterName().equals(config.clusterName())) {
      throw refused(
          file,
          "it is of cluster '"
              + m.getClusterName()
              + "' and this peer is of cluster '"
              + config.clusterName()
              + "'");
    }
    if (!m.getMemberId().equals(config.memberId())) {
      throw refused(
          file,
          "it was taken on peer '"
              + m.getMemberId()
              + "' and this is peer '"
              + config.memberId()
              + "': a peer is restored from its own backup");
    }
  }

  private static ClusterDbException refused(Path file, String why) {
    return new ClusterDbException(
        ErrorCode.INVALID_ARGUMENT,
        "backup " + file + " cannot be restored: " + why,
        "file",
        true,
        null);
  }

  private static List<String> names(BackupManifest m, String section) {
    return m.getFilesList().stream()
        .filter(f -> f.getSection().equals(section))
        .map(BackupFile::getName)
        .toList();
  }

  /**
   * The seed's destroy-and-purge, on a stopped peer: deletes its Raft log and cluster tables, and
   * with {@code peerTables} its own tables too (settings, alarms, accounts copy). The peer then
   * starts empty and takes the cluster's configuration when it is added back. The system key file
   * stays: delete it by hand to drop it.
   *
   * @return what was deleted
   * @throws ClusterDbException {@link ErrorCode#UNAVAILABLE} if the peer is running
   */
  public static List<Path> purge(ClusterDbConfig config, boolean peerTables) throws IOException {
    Path dataDir = config.dataDir();
    ensureStopped(dataDir);
    List<Path> deleted = purgeClusterState(dataDir);
    deleteEach(dataDir, List.of(RESTORING, "restore.tmp"), deleted);
    if (peerTables) {
      deleteEach(dataDir, List.of("peer", "peer.restore", "peer.old"), deleted);
    }
    if (Files.isDirectory(dataDir)) {
      FileOps.fsyncDir(dataDir);
    }
    LOG.warn("Detail=\"Database purged\" Member=\"{}\" Deleted=\"{}\"", config.memberId(), deleted);
    return deleted;
  }

  /**
   * Deletes each of {@code names} under {@code dataDir} that exists, adding it to {@code deleted}.
   */
  private static void deleteEach(Path dataDir, List<String> names, List<Path> deleted)
      throws IOException {
    for (String name : names) {
      Path p = dataDir.resolve(name);
      if (Files.exists(p)) {
        FileOps.deleteRecursively(p);
        deleted.add(p);
      }
    }
  }

  /**
   * Deletes a stopped member's Raft log and cluster tables (and any staged restore or leftover
   * backup checkpoint), keeping its own tables and system key.
   */
  public static List<Path> discardClusterState(Path dataDir) throws IOException {
    ensureStopped(dataDir);
    return purgeClusterState(dataDir);
  }

  private static List<Path> purgeClusterState(Path dataDir) throws IOException {
    List<Path> deleted = new ArrayList<>();
    if (!Files.isDirectory(dataDir)) {
      return deleted;
    }
    try (Stream<Path> entries = Files.list(dataDir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        String n = p.getFileName().toString();
        if (n.equals("raft")
            || n.equals("state")
            || n.startsWith("state.")
            || n.equals(STAGED)
            || n.startsWith("backup.tmp-")) {
          FileOps.deleteRecursively(p);
          deleted.add(p);
        }
      }
    }
    return deleted;
  }

  /**
   * Refuses to touch a data directory a running peer holds: RocksDB keeps a lock on its {@code
   * LOCK} file while open, which another process's lock attempt sees.
   */
  static void ensureStopped(Path dataDir) throws IOException {
    if (DataDirs.isOpen(dataDir)) {
      throw running(dataDir);
    }
    for (String db : List.of("peer", "state")) {
      Path lock = dataDir.resolve(db).resolve("LOCK");
      if (!Files.exists(lock)) {
        continue;
      }
      try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE);
          FileLock l = ch.tryLock()) {
        if (l == null) {
          throw running(dataDir);
        }
      } catch (OverlappingFileLockException e) {
        throw running(dataDir);
      }
    }
  }

  private static ClusterDbException running(Path dataDir) {
    return new ClusterDbException(
        ErrorCode.UNAVAILABLE,
        "the peer using " + dataDir + " is running: stop it first",
        "dataDir",
        true,
        null);
  }
}
