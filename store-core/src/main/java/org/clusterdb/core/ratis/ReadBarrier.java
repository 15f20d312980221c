package org.clusterdb.core.ratis;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Lets concurrent linearizable reads share one read-index round. A read that finds no round running
 * starts one; a read that arrives while one runs waits for the next, which starts when the running
 * one ends and so began after the read arrived: its read index covers every write acknowledged
 * before the read. Once a round completes, this replica has applied up to its read index, so each
 * waiting read can run on the local state. At most one round runs at a time. Thread-safe.
 */
final class ReadBarrier {
  private final Supplier<CompletableFuture<?>> round;

  /** Guarded by this. */
  private boolean running;

  /** The round after the running one, for reads that arrived while it runs; guarded by this. */
  private CompletableFuture<Void> next;

  /**
   * @param round one read-index round that completes once this replica has applied its index
   */
  ReadBarrier(Supplier<CompletableFuture<?>> round) {
    this.round = round;
  }

  /** Completes once this replica holds every write acknowledged before the call. */
  CompletableFuture<Void> await() {
    CompletableFuture<Void> waiter;
    synchronized (this) {
      if (running) {
        if (next == null) {
          next = new CompletableFuture<>();
        }
        return next;
      }
      running = true;
      waiter = new CompletableFuture<>();
    }
    start(waiter);
    return waiter;
  }

  private void start(CompletableFuture<Void> waiters) {
    CompletableFuture<?> sent;
    try {
      sent = round.get();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (ignored, error) -> {
          CompletableFuture<Void> queued;
          synchronized (this) {
            queued = next;
            next = null;
            running = queued != null;
          }
          if (queued != null) {
            start(queued);
          }
          if (error != null) {
            waiters.completeExceptionally(error);
          } else {
            waiters.complete(null);
          }
        });
  }
}
