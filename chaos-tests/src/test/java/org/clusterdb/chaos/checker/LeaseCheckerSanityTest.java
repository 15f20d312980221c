package org.clusterdb.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.clusterdb.chaos.checker.LeaseSimulation.Server;
import org.clusterdb.chaos.history.EventLog.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lease checker on simulated runs of a chaos run's shape (a minute of holders and readers
 * through leaderless spells): a correct store passes, and a store that ends leases early, or not at
 * all, is caught. Prints the sizes and check times.
 */
@Timeout(60)
class LeaseCheckerSanityTest {
  private static CheckResult simulate(long seed, Server server) {
    LeaseSimulation sim = new LeaseSimulation(new Random(seed), server, 60);
    List<Event> history = sim.run();
    long started = System.nanoTime();
    CheckResult r = LeaseChecker.check(history, LeaseCheckerTest.BOUNDS);
    System.out.printf(
        "seed %d %s: %d events, %d spells, %s in %d ms, %s%n",
        seed,
        server,
        history.size(),
        sim.spells(),
        r.outcome(),
        (System.nanoTime() - started) / 1_000_000,
        r.stats());
    return r;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42})
  void aCorrectStoreThroughElectionsIsValidAndEveryRuleWasExercised(long seed) {
    CheckResult r = simulate(seed, Server.CORRECT);

    assertThat(r.outcome()).as(String.join("\n", r.anomalies())).isEqualTo(Outcome.VALID);
    // A pass must mean something: keys read while kept alive, expiries judged, failovers seen.
    assertThat((Long) r.stats().get("readsWhileKeptAlive")).isGreaterThan(1_000);
    assertThat((Integer) r.stats().get("expiryJudged")).isGreaterThan(5);
    assertThat((Integer) r.stats().get("revoked")).isPositive();
    assertThat((Integer) r.stats().get("terms")).isGreaterThan(2);
  }

  @Test
  void aStoreThatEndsLeasesHalfATtlAfterTheirLastKeepAliveIsCaught() {
    CheckResult r = simulate(1, Server.EARLY);

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies()).anyMatch(a -> a.contains("found it absent, but the keep-alive"));
  }

  @Test
  void aStoreThatNeverExpiresAnAbandonedLeaseIsCaught() {
    CheckResult r = simulate(1, Server.IMMORTAL);

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies()).anyMatch(a -> a.contains("found it present, after its bound"));
    // Revoked leases still go: only expiry is broken.
    assertThat(r.anomalies()).noneMatch(a -> a.contains("after the revoke acknowledged"));
  }
}
