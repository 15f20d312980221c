package org.clusterdb.core.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.clusterdb.proto.log.v1.AppliedIndex;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RocksDB database holding a store's state: rows, table catalog, watch history, remembered
 * request outcomes and metadata, each in its own column family. The last applied log position is
 * written in the same atomic batch as the changes it describes, so after a crash the state and its
 * position always agree.
 *
 * <p>Thread-safety: views may be opened from any thread; at most one {@link WriteView} may be in
 * use at a time. The owner must not close the store while views are open.
 */
public final class StateStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);

  static final byte[] META_REVISION = bytes("revision");
  static final byte[] META_HISTORY_OLDEST = bytes("history.oldest");
  static final byte[] META_HISTORY_BYTES = bytes("history.bytes");
  static final byte[] META_APPLIED = bytes("applied");
  static final byte[] META_FORMAT = bytes("format");
  static final byte[] META_DEDUP_COUNT = bytes("dedup.count");
  static final byte[] META_DEDUP_ORDER_FROM = bytes("dedup.order.from");
  static final byte[] META_AUDIT_NEXT = bytes("audit.next");
  static final String META_DEDUP_FLOOR_PREFIX = "dedup.floor/";

  private static final String RESTORE_SUFFIX = ".restore";
  private static final String OLD_SUFFIX = ".old";

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final List<ColumnFamilyHandle> handles;
  private final RocksDB db;
  private final WriteOptions writeOptions;

  private StateStore(
      Path dir,
      DBOptions dbOptions,
      ColumnFamilyOptions cfOptions,
      List<ColumnFamilyHandle> handles,
      RocksDB db,
      WriteOptions writeOptions) {
    this.dir = dir;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.handles = handles;
    this.db = db;
    this.writeOptions = writeOptions;
  }

  /**
   * Opens (creating if needed) the store in {@code dir}.
   *
   * @param syncWrites fsync each commit; off where a replicated log already makes writes durable
   * @throws IOException if the database cannot be opened; {@link UnknownFormatException} if it
   *     holds a format this build does not read
   */
  public static StateStore open(Path dir, boolean syncWrites) throws IOException {
    recoverDir(dir);
    Files.createDirectories(dir);
    DBOptions dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
            .setKeepLogFileNum(2);
    if (syncWrites) {
      // Every write was fsynced before it was acknowledged, so only an unacknowledged last record
      // may be torn; damage anywhere else would otherwise drop acknowledged writes silently.
      dbOptions.setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords);
    }
    ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
    List<ColumnFamilyDescriptor> descriptors =
        List.of(
            new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
            new ColumnFamilyDescriptor(bytes("kv"), cfOptions),
            new ColumnFamilyDescriptor(bytes("tables"), cfOptions),
            new ColumnFamilyDescriptor(bytes("history"), cfOptions),
            new ColumnFamilyDescriptor(bytes("dedup"), cfOptions),
            new ColumnFamilyDescriptor(bytes("dedup_order"), cfOptions));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db;
    try {
      db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
    } catch (RocksDBException e) {
      cfOptions.close();
      dbOptions.close();
      if (corruption(e).isPresent()) {
        throw new DamagedStoreException(dir, e.getMessage(), e);
      }
      throw new IOException("cannot open state store " + dir + ": " + e.getMessage(), e);
    }
    WriteOptions writeOptions = new WriteOptions().setSync(syncWrites);
    StateStore store = new StateStore(dir, dbOptions, cfOptions, handles, db, writeOptions);
    try {
      store.checkFormat();
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  private void checkFormat() throws IOException {
    try {
      byte[] format = db.get(meta(), META_FORMAT);
      if (format == null) {
        db.put(
            meta(), writeOptions, META_FORMAT, Keys.revision(FormatVersion.FORMAT_VERSION_1_VALUE));
      } else if (Keys.revision(format) != UnknownFormatException.READABLE) {
        throw new UnknownFormatException("state store " + dir, (int) Keys.revision(format));
      }
    } catch (RocksDBException e) {
      if (corruption(e).isPresent()) {
        throw new DamagedStoreException(dir, e.getMessage(), e);
      }
      throw new IOException("cannot read state store format in " + dir, e);
    }
  }

  /**
   * Reads every table file and checks its checksums: a damaged file is found at start-up, not by
   * the first read that meets it.
   *
   * @throws DamagedStoreException naming the damage if a checksum does not match
   */
  public void verifyChecksums() throws IOException {
    try {
      db.verifyChecksum();
    } catch (RocksDBException e) {
      throw new DamagedStoreException(dir, e.getMessage(), e);
    }
  }

  /** What is damaged, if {@code t} is RocksDB finding a checksum or format corruption. */
  public static Optional<String> corruption(Throwable t) {
    if (t instanceof RocksDBException r) {
      Status s = r.getStatus();
      if (s != null && s.getCode() == Status.Code.Corruption) {
        return Optional.of(r.getMessage());
      }
    }
    return Optional.empty();
  }

  public Path dir() {
    return dir;
  }

  /** A consistent point-in-time view. */
  public ReadView read() {
    return new ReadView(this);
  }

  /** A new batch over the current state. */
  public WriteView write() {
    return new WriteView(this);
  }

  /**
   * Commits {@code batch} atomically, together with the log position it applies when given.
   *
   * @param applied the log entry the batch applies, or null for stores not driven by a log
   */
  public void commit(WriteView batch, AppliedIndex applied) {
    batch.flushMeta();
    if (applied != null) {
      batch.write(meta(), META_APPLIED, applied.toByteArray());
    }
    try {
      db.write(writeOptions, batch.batch());
    } catch (RocksDBException e) {
      throw new StorageException("commit failed", e);
    }
  }

  /** The last applied log position; term and index 0 when none was applied. */
  public AppliedIndex applied() {
    try {
      byte[] v = db.get(meta(), META_APPLIED);
      return v == null ? AppliedIndex.getDefaultInstance() : AppliedIndex.parseFrom(v);
    } catch (RocksDBException | InvalidProtocolBufferException e) {
      throw new StorageException("cannot read applied index", e);
    }
  }

  /** The current revision. */
  public long revision() {
    try (ReadView view = read()) {
      return view.revision();
    }
  }

  /**
   * Writes a consistent copy of the database into {@code target}, which must not exist. Table files
   * are hard links, so this is cheap and the copy stays valid after the store changes.
   */
  public void checkpoint(Path target) throws IOException {
    try (Checkpoint checkpoint = Checkpoint.create(db)) {
      checkpoint.createCheckpoint(target.toString());
    } catch (RocksDBException e) {
      throw new IOException("checkpoint into " + target + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Replaces the store directory {@code stateDir} with the checkpoint files {@code files} of {@code
   * checkpointDir}. The store must be closed. Crash-safe: the new state becomes visible by one
   * rename, and {@link #open} finishes or undoes an interrupted restore.
   */
  public static void restore(Path checkpointDir, List<String> files, Path stateDir)
      throws IOException {
    Path staging = sibling(stateDir, RESTORE_SUFFIX);
    Path old = sibling(stateDir, OLD_SUFFIX);
    FileOps.deleteRecursively(staging);
    Files.createDirectories(staging);
    for (String name : files) {
      Path src = checkpointDir.resolve(name);
      Path dst = staging.resolve(name);
      // Table files are immutable: share them. Everything else RocksDB may rewrite: copy.
      if (name.endsWith(".sst")) {
        try {
          Files.createLink(dst, src);
          continue;
        } catch (IOException | UnsupportedOperationException e) {
          LOG.debug("hard link failed, copying file={}", src);
        }
      }
      Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
    }
    FileOps.fsyncTree(staging);
    FileOps.deleteRecursively(old);
    if (Files.exists(stateDir)) {
      Files.move(stateDir, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(staging, stateDir, StandardCopyOption.ATOMIC_MOVE);
    FileOps.fsyncDir(stateDir.toAbsolutePath().getParent());
    FileOps.deleteRecursively(old);
  }

  /** Finishes or undoes a restore that a crash interrupted. */
  static void recoverDir(Path stateDir) throws IOException {
    FileOps.deleteRecursively(sibling(stateDir, RESTORE_SUFFIX));
    Path old = sibling(stateDir, OLD_SUFFIX);
    if (Files.exists(old)) {
      if (Files.exists(stateDir)) {
        FileOps.deleteRecursively(old);
      } else {
        Files.move(old, stateDir, StandardCopyOption.ATOMIC_MOVE);
      }
    }
  }

  private static Path sibling(Path dir, String suffix) {
    return dir.resolveSibling(dir.getFileName() + suffix);
  }

  RocksDB db() {
    return db;
  }

  ColumnFamilyHandle meta() {
    return handles.get(0);
  }

  ColumnFamilyHandle kv() {
    return handles.get(1);
  }

  ColumnFamilyHandle tables() {
    return handles.get(2);
  }

  ColumnFamilyHandle history() {
    return handles.get(3);
  }

  ColumnFamilyHandle dedup() {
    return handles.get(4);
  }

  ColumnFamilyHandle dedupOrder() {
    return handles.get(5);
  }

  @Override
  public void close() {
    for (ColumnFamilyHandle h : handles) {
      h.close();
    }
    try {
      db.closeE();
    } catch (RocksDBException e) {
      LOG.warn("state store close failed dir={} error={}", dir, e.toString());
    }
    writeOptions.close();
    cfOptions.close();
    dbOptions.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
