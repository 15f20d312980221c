package org.clusterdb.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.clusterdb.core.cluster.SyncChecker;
import org.clusterdb.core.ratis.RaftNode;
import org.clusterdb.core.storage.FileOps;
import org.clusterdb.core.util.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a ForceConfigUpdate, run by the member's first start after it discarded its cluster
 * tables: once the member holds the primary's configuration up to the noted index, a
 * synchronisation check compares its digest with the primary's (a match lowers 20001). The note
 * ({@code <dataDir>/resync.pending}) stays until the verdict, so a restart meanwhile resumes it.
 */
public final class ResyncCheck implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("org.clusterdb.replication");
  static final String FILE = "resync.pending";

  /** Past this, the verdict is "not verified"; the periodic checks go on as ever. */
  private static final long GIVE_UP_NANOS = TimeUnit.MINUTES.toNanos(30);

  private final String memberId;
  private final Path note;
  private final long index;
  private final RaftNode node;
  private final SyncChecker sync;
  private final CompletableFuture<Boolean> verdict = new CompletableFuture<>();
  private final Thread worker;
  private volatile boolean closed;

  private ResyncCheck(String memberId, Path note, long index, RaftNode node, SyncChecker sync) {
    this.memberId = memberId;
    this.note = note;
    this.index = index;
    this.node = node;
    this.sync = sync;
    this.worker = DaemonThreads.named("clusterdb-resync-" + memberId).newThread(this::run);
  }

  /** Notes that the next start of the member in {@code dataDir} resyncs to {@code index}. */
  static void note(Path dataDir, long index) throws IOException {
    Path tmp = dataDir.resolve(FILE + ".tmp");
    Files.writeString(tmp, Long.toString(index), StandardCharsets.US_ASCII);
    FileOps.fsync(tmp);
    Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
    FileOps.fsyncDir(dataDir);
  }

  /** Starts checking if this start follows a ForceConfigUpdate. */
  static Optional<ResyncCheck> start(Path dataDir, String memberId, RaftNode node, SyncChecker sync)
      throws IOException {
    Path note = dataDir.resolve(FILE);
    if (!Files.exists(note)) {
      return Optional.empty();
    }
    long index;
    try {
      index = Long.parseLong(Files.readString(note, StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      LOG.warn("Detail=\"unreadable resync note dropped\" Member=\"{}\"", memberId);
      Files.delete(note);
      return Optional.empty();
    }
    ResyncCheck check = new ResyncCheck(memberId, note, index, node, sync);
    check.worker.start();
    return Optional.of(check);
  }

  /** The index the member must hold: the primary's snapshot when the resync began. */
  public long index() {
    return index;
  }

  /** The index this member has applied so far. */
  public long applied() {
    return Math.max(0, node.status().appliedIndex());
  }

  public boolean caughtUp() {
    return applied() >= index;
  }

  /** Completes with whether this member's digest matched the primary's. */
  public CompletableFuture<Boolean> verdict() {
    return verdict;
  }

  private void run() {
    long giveUp = System.nanoTime() + GIVE_UP_NANOS;
    try {
      while (!closed && !caughtUp()) {
        if (System.nanoTime() > giveUp) {
          conclude(false);
          return;
        }
        Thread.sleep(200);
      }
      long passed = sync.verifiedIndex();
      long failed = sync.failedIndex();
      boolean asked = false;
      while (!closed && System.nanoTime() < giveUp) {
        if (!asked) {
          try {
            sync.checkNow().get(10, TimeUnit.SECONDS);
            asked = true;
          } catch (java.util.concurrent.ExecutionException
              | java.util.concurrent.TimeoutException e) {
            LOG.debug("synchronisation check not started yet member={} error={}", memberId, e);
          }
        }
        if (sync.verifiedIndex() > passed) {
          conclude(true);
          return;
        }
        if (sync.failedIndex() > failed) {
          conclude(false);
          return;
        }
        Thread.sleep(100);
      }
      if (!closed) {
        conclude(false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void conclude(boolean verified) {
    try {
      Files.deleteIfExists(note);
    } catch (IOException e) {
      LOG.warn("resync note not deleted member={} error={}", memberId, e.toString());
    }
    LOG.info(
        "Detail=\"ForceConfigUpdate done\" Member=\"{}\" Index=\"{}\" BySnapshot=\"{}\""
            + " Verified=\"{}\"",
        memberId,
        index,
        node.status().snapshotsInstalled() > 0,
        verified);
    verdict.complete(verified);
  }

  @Override
  public void close() {
    closed = true;
    worker.interrupt();
  }
}
