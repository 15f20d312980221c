package org.clusterdb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  /** An operation that completes {@code millis} after it starts, tracking the most in flight. */
  private CompletableFuture<?> delayed(long millis, AtomicInteger now, AtomicInteger most) {
    most.accumulateAndGet(now.incrementAndGet(), Math::max);
    CompletableFuture<Object> f = new CompletableFuture<>();
    timer.schedule(
        () -> {
          now.decrementAndGet();
          f.complete("done");
        },
        millis,
        TimeUnit.MILLISECONDS);
    return f;
  }

  @Test
  void keepsExactlyTheRequestedNumberInFlight() throws Exception {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    LoadGenerator.Window w =
        LoadGenerator.run(
            () -> delayed(5, now, most),
            8,
            Duration.ofMillis(100),
            Duration.ofMillis(400),
            Duration.ofSeconds(5));
    assertThat(most.get()).isEqualTo(8);
    // 8 slots of 5 ms for 0.4 s: at most 640 operations; scheduling makes it fewer.
    assertThat(w.ops()).isBetween(100L, 640L);
    assertThat(w.errors()).isZero();
    assertThat(w.opsPerSecond()).isEqualTo(w.ops() / 0.4);
  }

  @Test
  void recordsLatencyOfMeasuredOperationsOnly() throws Exception {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    LoadGenerator.Window w =
        LoadGenerator.run(
            () -> delayed(20, now, most),
            1,
            Duration.ofMillis(100),
            Duration.ofMillis(300),
            Duration.ofSeconds(5));
    assertThat(w.latencyNanos().getTotalCount()).isEqualTo(w.ops());
    assertThat(w.latencyNanos().getValueAtPercentile(50))
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    // Sequential 20 ms operations fit at most 15 times into 300 ms.
    assertThat(w.ops()).isBetween(5L, 15L);
  }

  @Test
  void countsFailuresAsErrorsNotLatencies() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    LoadGenerator.Window w =
        LoadGenerator.run(
            () -> {
              calls.incrementAndGet();
              return CompletableFuture.failedFuture(new IllegalStateException("no leader"));
            },
            4,
            Duration.ZERO,
            Duration.ofMillis(300),
            Duration.ofSeconds(5));
    assertThat(w.ops()).isZero();
    assertThat(w.errors()).isPositive();
    assertThat(w.latencyNanos().getTotalCount()).isZero();
    // Each slot pauses after an error instead of spinning: 4 slots, 10 ms pauses, 0.3 s.
    assertThat(calls.get()).isLessThanOrEqualTo(4 * (300 / 10 + 1) + 4);
  }

  @Test
  void anOperationThatThrowsCountsAsAnError() throws Exception {
    LoadGenerator.Window w =
        LoadGenerator.run(
            () -> {
              throw new IllegalArgumentException("bad key");
            },
            2,
            Duration.ZERO,
            Duration.ofMillis(100),
            Duration.ofSeconds(5));
    assertThat(w.errors()).isPositive();
    assertThat(w.ops()).isZero();
  }

  @Test
  void refusesNoSlots() {
    assertThatThrownBy(
            () ->
                LoadGenerator.run(
                    () -> CompletableFuture.completedFuture(null),
                    0,
                    Duration.ZERO,
                    Duration.ofMillis(10),
                    Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inFlight");
  }
}
