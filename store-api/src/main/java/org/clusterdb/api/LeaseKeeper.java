package org.clusterdb.api;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a lease alive in the background, through any {@link Leases} (a client's, which retries
 * across members, or an embedded member's), until closed or the lease is gone.
 *
 * <p>A keep-alive goes every third of the TTL; after a failure (no leader during a failover, say)
 * the next goes a tenth of the TTL later, so a failover shorter than about two thirds of the TTL
 * costs nothing. {@link Listener#lost} is called once if the lease is found gone (LEASE_NOT_FOUND);
 * the keeper then stops. Closing stops the keep-alives without revoking.
 */
public final class LeaseKeeper implements AutoCloseable {
  /** What a keeper reports. Called on the keeper's own thread; keep it short. */
  public interface Listener {
    /** A keep-alive was acknowledged. */
    default void kept(Lease lease) {}

    /** A keep-alive failed for another reason than the lease being gone; the keeper retries. */
    default void failed(ClusterDbException error) {}

    /** The lease is gone (expired or revoked): its keys are deleted. The keeper has stopped. */
    default void lost(ClusterDbException error) {}
  }

  private static final long MIN_WAIT = Duration.ofSeconds(1).toNanos();

  private final Leases leases;
  private final Lease lease;
  private final Listener listener;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final long periodNanos;
  private final long retryNanos;

  private LeaseKeeper(Leases leases, Lease lease, Listener listener) {
    this.leases = leases;
    this.lease = lease;
    this.listener = listener;
    this.periodNanos = lease.ttl().toNanos() / 3;
    this.retryNanos = Math.max(Duration.ofMillis(50).toNanos(), lease.ttl().toNanos() / 10);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "clusterdb-lease-keeper-" + lease.id());
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts keeping {@code lease} alive through {@code leases}. */
  public static LeaseKeeper start(Leases leases, Lease lease, Listener listener) {
    LeaseKeeper k =
        new LeaseKeeper(
            Objects.requireNonNull(leases, "leases"),
            Objects.requireNonNull(lease, "lease"),
            Objects.requireNonNull(listener, "listener"));
    k.schedule(k.periodNanos);
    return k;
  }

  /** The lease kept alive. */
  public Lease lease() {
    return lease;
  }

  /** Whether it still keeps the lease alive: not closed, and the lease not found gone. */
  public boolean running() {
    return running.get();
  }

  private void schedule(long delayNanos) {
    if (running.get()) {
      try {
        timer.schedule(this::keepAlive, delayNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // Closed meanwhile.
      }
    }
  }

  private void keepAlive() {
    if (!running.get()) {
      return;
    }
    CompletableFuture<Lease> sent;
    try {
      // A call that hangs must not stop the keeper: it counts as failed after a period.
      sent =
          leases
              .keepAlive(lease.id())
              .orTimeout(Math.max(periodNanos, MIN_WAIT), TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (kept, error) -> {
          if (error == null) {
            listener.kept(kept);
            schedule(periodNanos);
            return;
          }
          ClusterDbException e =
              error instanceof java.util.concurrent.TimeoutException
                      || error.getCause() instanceof java.util.concurrent.TimeoutException
                  ? new ClusterDbException(
                      ErrorCode.TIMEOUT, "keep-alive unanswered", null, false, error)
                  : BlockingKeyValueStore.unwrap(error);
          if (e.code() == ErrorCode.LEASE_NOT_FOUND) {
            if (running.getAndSet(false)) {
              listener.lost(e);
              timer.shutdown();
            }
          } else {
            listener.failed(e);
            schedule(retryNanos);
          }
        });
  }

  /** Stops keeping the lease alive; it expires after its TTL unless revoked first. */
  @Override
  public void close() {
    running.set(false);
    timer.shutdownNow();
  }
}
