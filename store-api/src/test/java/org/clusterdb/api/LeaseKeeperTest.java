package org.clusterdb.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LeaseKeeperTest {
  private static final Lease LEASE = new Lease(7, Duration.ofMillis(300));

  /** Leases whose n-th keep-alive (from 0) answers as {@code answer} says. */
  private static final class Scripted implements Leases {
    final AtomicInteger calls = new AtomicInteger();
    final IntFunction<CompletableFuture<Lease>> answer;

    Scripted(IntFunction<CompletableFuture<Lease>> answer) {
      this.answer = answer;
    }

    @Override
    public CompletableFuture<Lease> keepAlive(long id) {
      return answer.apply(calls.getAndIncrement());
    }

    @Override
    public CompletableFuture<Lease> grant(Duration ttl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Long> revoke(long id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<LeaseStatus> timeToLive(long id) {
      throw new UnsupportedOperationException();
    }
  }

  private static final class Recorder implements LeaseKeeper.Listener {
    final AtomicInteger kept = new AtomicInteger();
    final List<ErrorCode> failed = new CopyOnWriteArrayList<>();
    final List<ErrorCode> lost = new CopyOnWriteArrayList<>();

    @Override
    public void kept(Lease lease) {
      kept.incrementAndGet();
    }

    @Override
    public void failed(ClusterDbException error) {
      failed.add(error.code());
    }

    @Override
    public void lost(ClusterDbException error) {
      lost.add(error.code());
    }
  }

  @Test
  void keepsALeaseAliveEveryThirdOfItsTtlUntilClosed() {
    Scripted leases = new Scripted(n -> CompletableFuture.completedFuture(LEASE));
    Recorder r = new Recorder();
    long started = System.nanoTime();
    try (LeaseKeeper keeper = LeaseKeeper.start(leases, LEASE, r)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> r.kept.get() >= 6);
      assertThat(keeper.running()).isTrue();
    }
    // Six keep-alives a third of 300 ms apart: 600 ms at least.
    assertThat(System.nanoTime() - started)
        .isGreaterThanOrEqualTo(Duration.ofMillis(600).toNanos());
    int after = leases.calls.get();
    await().pollDelay(Duration.ofMillis(400)).until(() -> true);
    assertThat(leases.calls.get()).as("none after close").isLessThanOrEqualTo(after + 1);
  }

  @Test
  void failuresAreRetriedAndALostLeaseStopsTheKeeperOnce() {
    Scripted leases =
        new Scripted(
            n ->
                switch (n) {
                  case 0, 1 ->
                      CompletableFuture.failedFuture(
                          new ClusterDbException(ErrorCode.NO_LEADER, "electing"));
                  case 2 -> CompletableFuture.completedFuture(LEASE);
                  default ->
                      CompletableFuture.failedFuture(
                          new ClusterDbException(ErrorCode.LEASE_NOT_FOUND, "gone"));
                });
    Recorder r = new Recorder();
    try (LeaseKeeper keeper = LeaseKeeper.start(leases, LEASE, r)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !keeper.running());
      assertThat(r.failed).containsExactly(ErrorCode.NO_LEADER, ErrorCode.NO_LEADER);
      assertThat(r.kept.get()).isEqualTo(1);
      assertThat(r.lost).containsExactly(ErrorCode.LEASE_NOT_FOUND);
      await().pollDelay(Duration.ofMillis(300)).until(() -> true);
      assertThat(leases.calls.get()).isEqualTo(4);
    }
  }

  @Test
  void aCallThatHangsOrThrowsDoesNotStopTheKeeper() {
    Scripted leases =
        new Scripted(
            n -> {
              if (n == 0) {
                return new CompletableFuture<>();
              }
              if (n == 1) {
                throw new IllegalStateException("client closed under it");
              }
              return CompletableFuture.completedFuture(LEASE);
            });
    Recorder r = new Recorder();
    try (LeaseKeeper keeper = LeaseKeeper.start(leases, LEASE, r)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> r.kept.get() >= 2);
      assertThat(r.failed).startsWith(ErrorCode.TIMEOUT);
      assertThat(keeper.running()).isTrue();
    }
  }
}
