package org.clusterdb.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load generator: {@code inFlight} slots, each issuing its next operation as soon as
 * the previous one completes. A warm-up runs first and is not counted; then every operation that
 * both starts and completes inside the measured window is counted, and its latency recorded.
 *
 * <p>A failed operation is counted as an error, never as a latency; its slot pauses briefly before
 * the next so that a system that fails fast (say, no leader) is not hammered in a tight loop.
 */
public final class LoadGenerator {
  /** The pause of a slot after an error. */
  static final Duration ERROR_PAUSE = Duration.ofMillis(10);

  /** Longest recordable latency; anything slower is clamped to it. */
  private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);

  private LoadGenerator() {}

  /** What one measured window saw. */
  public record Window(long ops, long errors, double seconds, Histogram latencyNanos) {
    public double opsPerSecond() {
      return seconds <= 0 ? 0 : ops / seconds;
    }
  }

  /**
   * Runs {@code op} closed-loop with {@code inFlight} operations outstanding for {@code warmup},
   * then for {@code measure}; returns the measured window once every outstanding operation has
   * completed (or {@code drain} passed).
   */
  public static Window run(
      Supplier<CompletableFuture<?>> op,
      int inFlight,
      Duration warmup,
      Duration measure,
      Duration drain)
      throws InterruptedException {
    if (inFlight < 1) {
      throw new IllegalArgumentException("inFlight must be at least 1, was " + inFlight);
    }
    Recorder recorder = new Recorder(MAX_LATENCY_NANOS, 3);
    AtomicLong ops = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicInteger outstanding = new AtomicInteger();
    ExecutorService issuer = Executors.newSingleThreadExecutor(r -> daemon(r, "bench-issuer"));
    ScheduledExecutorService pauser =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "bench-pause"));
    long start = System.nanoTime();
    long measureFrom = start + warmup.toNanos();
    long measureTo = measureFrom + measure.toNanos();
    Slot slot =
        new Slot(op, issuer, pauser, recorder, ops, errors, outstanding, measureFrom, measureTo);
    try {
      for (int i = 0; i < inFlight; i++) {
        issuer.execute(slot::issue);
      }
      long now;
      while ((now = System.nanoTime()) < measureTo) {
        TimeUnit.NANOSECONDS.sleep(Math.min(measureTo - now, TimeUnit.MILLISECONDS.toNanos(100)));
      }
      long drainUntil = System.nanoTime() + drain.toNanos();
      while (outstanding.get() > 0 && System.nanoTime() < drainUntil) {
        TimeUnit.MILLISECONDS.sleep(5);
      }
    } finally {
      issuer.shutdownNow();
      pauser.shutdownNow();
    }
    Histogram h = recorder.getIntervalHistogram();
    return new Window(ops.get(), errors.get(), (measureTo - measureFrom) / 1e9, h);
  }

  /** The loop all slots share: each completion issues one new operation until the window ends. */
  private record Slot(
      Supplier<CompletableFuture<?>> op,
      ExecutorService issuer,
      ScheduledExecutorService pauser,
      Recorder recorder,
      AtomicLong ops,
      AtomicLong errors,
      AtomicInteger outstanding,
      long measureFrom,
      long measureTo) {

    void issue() {
      long started = System.nanoTime();
      if (started >= measureTo) {
        return;
      }
      outstanding.incrementAndGet();
      CompletableFuture<?> f;
      try {
        f = op.get();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((r, e) -> completed(started, e));
    }

    private void completed(long started, Throwable error) {
      long ended = System.nanoTime();
      boolean measured = started >= measureFrom && ended <= measureTo;
      outstanding.decrementAndGet();
      if (error != null) {
        if (measured) {
          errors.incrementAndGet();
        }
        schedule(() -> pauser.schedule(this::next, ERROR_PAUSE.toMillis(), TimeUnit.MILLISECONDS));
        return;
      }
      if (measured) {
        ops.incrementAndGet();
        recorder.recordValue(Math.min(ended - started, MAX_LATENCY_NANOS));
      }
      next();
    }

    /** Hands the next issue to the issuer thread, so completions never recurse. */
    private void next() {
      schedule(() -> issuer.execute(this::issue));
    }

    private static void schedule(Runnable r) {
      try {
        r.run();
      } catch (java.util.concurrent.RejectedExecutionException shutDown) {
        // the window is over
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
