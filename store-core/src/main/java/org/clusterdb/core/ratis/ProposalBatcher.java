package org.clusterdb.core.ratis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.proto.log.v1.ApplyResult;
import org.clusterdb.proto.log.v1.Batch;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LogEntry;

/**
 * Coalesces this member's concurrent proposals into {@link Batch} log entries, so that one Raft
 * round (one append, one fsync on each peer, one state commit) serves many writes.
 *
 * <p>At most {@code maxInFlight} proposals are outstanding; whatever arrives meanwhile waits and
 * leaves as one batch when one of them completes. A lone write is proposed as it is, with no batch
 * around it and no added wait. Each write keeps its own outcome: its own result, and its own error
 * when the leader refuses the batch for one bad entry (the entries are then proposed one by one,
 * which is safe because a refusal is definite: nothing was appended). Thread-safe.
 */
final class ProposalBatcher {
  /** Bytes a batch adds around each entry: field tag and length. */
  private static final int PER_ENTRY_OVERHEAD = 8;

  private final Function<LogEntry, CompletableFuture<ApplyResult>> proposer;
  private final int maxBytes;
  private final int maxEntries;
  private final int maxInFlight;

  /** Guarded by this. */
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();

  /** Guarded by this. */
  private int inFlight;

  private record Pending(LogEntry entry, int bytes, CompletableFuture<ApplyResult> result) {}

  /**
   * @param proposer replicates one log entry and returns its apply result
   * @param maxBytes the largest batch entry, in serialized bytes
   */
  ProposalBatcher(
      Function<LogEntry, CompletableFuture<ApplyResult>> proposer,
      int maxBytes,
      int maxEntries,
      int maxInFlight) {
    if (maxEntries < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("maxEntries and maxInFlight must be at least 1");
    }
    this.proposer = proposer;
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
    this.maxInFlight = maxInFlight;
  }

  /** Whether {@code entry} may share a log entry with others. */
  static boolean batchable(LogEntry entry) {
    return switch (entry.getCommandCase()) {
      case TXN, CREATE_TABLE, DROP_TABLE -> true;
      default -> false;
    };
  }

  /** Queues {@code entry}, batchable, for replication; completes with its own result. */
  CompletableFuture<ApplyResult> propose(LogEntry entry) {
    Pending p = new Pending(entry, entry.getSerializedSize(), new CompletableFuture<>());
    synchronized (this) {
      queue.add(p);
    }
    pump();
    return p.result();
  }

  /** Writes waiting for a proposal slot; for tests and metrics. */
  synchronized int queued() {
    return queue.size();
  }

  private void pump() {
    while (true) {
      List<Pending> next;
      synchronized (this) {
        if (inFlight >= maxInFlight || queue.isEmpty()) {
          return;
        }
        next = take();
        inFlight++;
      }
      send(next);
    }
  }

  /** The longest prefix of the queue that fits one batch; at least one entry. */
  private List<Pending> take() {
    List<Pending> out = new ArrayList<>();
    int bytes = 0;
    while (!queue.isEmpty() && out.size() < maxEntries) {
      Pending p = queue.peek();
      int size = p.bytes() + PER_ENTRY_OVERHEAD;
      if (!out.isEmpty() && bytes + size > maxBytes) {
        break;
      }
      out.add(queue.poll());
      bytes += size;
    }
    return out;
  }

  private void send(List<Pending> batch) {
    submit(batch.size() == 1 ? batch.get(0).entry() : batchEntry(batch))
        .whenComplete(
            (reply, error) -> {
              synchronized (this) {
                inFlight--;
              }
              deliver(batch, reply, error);
              pump();
            });
  }

  private static LogEntry batchEntry(List<Pending> batch) {
    Batch.Builder b = Batch.newBuilder();
    for (Pending p : batch) {
      b.addEntries(p.entry());
    }
    return LogEntry.newBuilder()
        .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
        .setBatch(b)
        .build();
  }

  private void deliver(List<Pending> batch, ApplyResult reply, Throwable error) {
    if (batch.size() == 1) {
      complete(batch.get(0), reply, error);
      return;
    }
    if (error != null) {
      if (refusedBeforeAppend(error)) {
        // One bad entry must not fail the others: each gets its own verdict.
        for (Pending p : batch) {
          proposeAlone(p);
        }
        return;
      }
      for (Pending p : batch) {
        p.result().completeExceptionally(error);
      }
      return;
    }
    if (!reply.hasBatch() || reply.getBatch().getResultsCount() != batch.size()) {
      ClusterDbException e =
          new ClusterDbException(
              ErrorCode.INTERNAL,
              "batch reply holds "
                  + (reply.hasBatch() ? reply.getBatch().getResultsCount() : 0)
                  + " results for "
                  + batch.size()
                  + " entries",
              null,
              false,
              null);
      batch.forEach(p -> p.result().completeExceptionally(e));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result().complete(reply.getBatch().getResults(i));
    }
  }

  private void proposeAlone(Pending p) {
    submit(p.entry()).whenComplete((reply, error) -> complete(p, reply, error));
  }

  /** The proposer's future; one that throws instead fails it. */
  private CompletableFuture<ApplyResult> submit(LogEntry entry) {
    try {
      return proposer.apply(entry);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static void complete(Pending p, ApplyResult reply, Throwable error) {
    if (error != null) {
      p.result().completeExceptionally(error);
    } else {
      p.result().complete(reply);
    }
  }

  /**
   * A validation refusal from the leader's startTransaction: definite, and specific to the content.
   * Refusals that would apply to every entry alike (no leader, not the primary) are passed on as
   * they are.
   */
  private static boolean refusedBeforeAppend(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e instanceof ClusterDbException c
        && c.definite()
        && (c.code() == ErrorCode.INVALID_ARGUMENT || c.code() == ErrorCode.LIMIT_EXCEEDED);
  }
}
