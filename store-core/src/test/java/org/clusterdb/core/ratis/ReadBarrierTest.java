package org.clusterdb.core.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Concurrent linearizable reads share read-index rounds without reading stale state. */
@Timeout(10)
class ReadBarrierTest {
  private final List<CompletableFuture<Object>> rounds = new ArrayList<>();

  private synchronized CompletableFuture<?> round() {
    CompletableFuture<Object> f = new CompletableFuture<>();
    rounds.add(f);
    return f;
  }

  @Test
  void aReadWithNoRoundRunningStartsOne() {
    ReadBarrier b = new ReadBarrier(this::round);
    CompletableFuture<Void> r = b.await();
    assertThat(rounds).hasSize(1);
    assertThat(r).isNotDone();
    rounds.get(0).complete(null);
    assertThat(r).isCompleted();
  }

  @Test
  void readsArrivingDuringARoundWaitForTheNextOneAndShareIt() {
    ReadBarrier b = new ReadBarrier(this::round);
    CompletableFuture<Void> first = b.await();
    CompletableFuture<Void> second = b.await();
    CompletableFuture<Void> third = b.await();
    assertThat(rounds).hasSize(1);

    rounds.get(0).complete(null);
    // The running round began before these reads arrived: it cannot answer them.
    assertThat(first).isCompleted();
    assertThat(second).isNotDone();
    assertThat(third).isNotDone();
    assertThat(rounds).hasSize(2);

    rounds.get(1).complete(null);
    assertThat(second).isCompleted();
    assertThat(third).isCompleted();
    assertThat(rounds).hasSize(2);
  }

  @Test
  void aFailedRoundFailsItsReadsAndTheNextRoundStillRuns() {
    ReadBarrier b = new ReadBarrier(this::round);
    CompletableFuture<Void> first = b.await();
    CompletableFuture<Void> second = b.await();
    rounds.get(0).completeExceptionally(new IllegalStateException("no leader"));
    assertThat(first).isCompletedExceptionally();
    assertThat(rounds).hasSize(2);
    rounds.get(1).complete(null);
    assertThat(second).isCompleted();
    // Idle again: the next read starts its own round.
    b.await();
    assertThat(rounds).hasSize(3);
  }
}
