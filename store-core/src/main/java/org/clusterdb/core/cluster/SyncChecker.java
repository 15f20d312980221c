package org.clusterdb.core.cluster;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.config.WritePolicy;
import org.clusterdb.core.ratis.RaftNode;
import org.clusterdb.core.ratis.SyncListener;
import org.clusterdb.core.util.DaemonThreads;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.SyncCheck;
import org.clusterdb.proto.log.v1.SyncReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic synchronisation check: every {@code syncCheckInterval} the primary (the leader,
 * under {@code ANY_LEADER}) puts a check marker in the log; every replica digests its cluster
 * tables right after applying it, so all digests describe the same log prefix; the primary then
 * logs its digest, and each subordinate compares. A mismatch (disk corruption, a bug) raises
 * "Cluster replication error: manual synchronization of configuration is required"; a later match,
 * after a resync, lowers it. Thread-safe.
 */
public final class SyncChecker implements SyncListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("org.clusterdb.replication");

  private final ClusterDbConfig config;
  private final RaftNode node;
  private final AlarmRegistry alarms;
  private final ScheduledExecutorService worker;
  private volatile long verifiedIndex = -1;
  private volatile long failedIndex = -1;

  private SyncChecker(ClusterDbConfig config, RaftNode node, AlarmRegistry alarms) {
    this.config = config;
    this.node = node;
    this.alarms = alarms;
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("clusterdb-sync-check-" + config.memberId()));
  }

  /** Starts checking; the first check comes one interval after start. */
  public static SyncChecker start(ClusterDbConfig config, RaftNode node, AlarmRegistry alarms) {
    SyncChecker checker = new SyncChecker(config, node, alarms);
    node.setSyncListener(checker);
    long every = config.syncCheckInterval().toMillis();
    checker.worker.scheduleWithFixedDelay(checker::startCheck, every, every, TimeUnit.MILLISECONDS);
    return checker;
  }

  /** The check index of the last check this replica failed; -1 if none since it started. */
  public long failedIndex() {
    return failedIndex;
  }

  /** The check index of the last check this replica passed; -1 if none since it started. */
  public long verifiedIndex() {
    return verifiedIndex;
  }

  /**
   * Puts a check marker in the log now, from this member: every replica digests its tables at it
   * and compares with the primary's report, as in the periodic check. Completes once the marker is
   * applied here; {@link #verifiedIndex()} then moves when this replica's digest matches.
   */
  public CompletableFuture<Void> checkNow() {
    return node.propose(
            LogEntry.newBuilder()
                .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
                .setSyncCheck(SyncCheck.getDefaultInstance())
                .build())
        .thenApply(r -> null);
  }

  private boolean leadsChecks() {
    if (node.replication().role() != MemberStatus.Role.LEADER) {
      return false;
    }
    return config.writePolicy() == WritePolicy.ANY_LEADER
        || node.clusterPrimary().map(config.memberId()::equals).orElse(false);
  }

  private void startCheck() {
    if (!leadsChecks()) {
      return;
    }
    node.propose(
            LogEntry.newBuilder()
                .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
                .setSyncCheck(SyncCheck.getDefaultInstance())
                .build())
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                LOG.debug(
                    "Detail=\"synchronisation check not started\" Member=\"{}\" Error=\"{}\"",
                    config.memberId(),
                    e.toString());
              }
            });
  }

  @Override
  public void onDigest(long checkIndex, byte[] digest) {
    if (!leadsChecks()) {
      return;
    }
    LOG.info(
        "Detail=\"Starting synchronisation check\" Member=\"{}\" Index=\"{}\"",
        config.memberId(),
        checkIndex);
    node.propose(
        LogEntry.newBuilder()
            .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
            .setSyncReport(
                SyncReport.newBuilder()
                    .setCheckIndex(checkIndex)
                    .setDigest(ByteString.copyFrom(digest))
                    .setPrimaryId(config.memberId()))
            .build());
  }

  @Override
  public void onReport(
      long checkIndex,
      String primaryId,
      byte[] primaryDigest,
      Optional<CompletionStage<byte[]>> own) {
    if (primaryId.equals(config.memberId())) {
      verifiedIndex = checkIndex;
      return;
    }
    if (own.isEmpty()) {
      LOG.debug(
          "Detail=\"synchronisation check skipped: no digest here\" Member=\"{}\" Index=\"{}\"",
          config.memberId(),
          checkIndex);
      return;
    }
    // On the worker: raising an alarm writes to disk.
    own.get()
        .whenCompleteAsync(
            (digest, error) -> {
              if (error == null) {
                conclude(checkIndex, primaryId, primaryDigest, digest);
              }
            },
            this::runOnWorker);
  }

  private void runOnWorker(Runnable r) {
    try {
      worker.execute(r);
    } catch (RejectedExecutionException e) {
      // Closing: the check no longer matters.
    }
  }

  private void conclude(long index, String primaryId, byte[] primary, byte[] own) {
    if (MessageDigest.isEqual(primary, own)) {
      verifiedIndex = index;
      alarms.lower(AlarmDefinition.REPLICATION_MANUAL_SYNC);
      LOG.info(
          "Detail=\"Synchronisation check passed\" Member=\"{}\" Index=\"{}\" Primary=\"{}\"",
          config.memberId(),
          index,
          primaryId);
      return;
    }
    LOG.error(
        "Detail=\"Synchronisation check failed: the cluster tables differ from the primary's\""
            + " Member=\"{}\" Index=\"{}\" Primary=\"{}\" Digest=\"{}\" PrimaryDigest=\"{}\"",
        config.memberId(),
        index,
        primaryId,
        HexFormat.of().formatHex(own),
        HexFormat.of().formatHex(primary));
    alarms.raise(AlarmDefinition.REPLICATION_MANUAL_SYNC);
    failedIndex = index;
  }

  @Override
  public void close() {
    node.setSyncListener(SyncListener.NONE);
    worker.shutdownNow();
  }
}
