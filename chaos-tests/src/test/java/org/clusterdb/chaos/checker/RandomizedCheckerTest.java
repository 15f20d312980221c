package org.clusterdb.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.clusterdb.chaos.history.History;
import org.clusterdb.chaos.history.Op;
import org.clusterdb.chaos.history.Operation;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Histories recorded from a real register ({@link RegisterSimulation}) must be VALID; the same
 * history with one read made to return a value it cannot have returned must be INVALID, with that
 * read as the operation that cannot be placed. The seeds are fixed, so a failure reproduces.
 */
@Timeout(120)
class RandomizedCheckerTest {
  private static final int SEEDS = 150;

  /** Large enough that no history here comes near it: an UNKNOWN fails the test. */
  private static final CheckerConfig BUDGET =
      CheckerConfig.builder().maxStatesPerKey(5_000_000).build();

  private final LinearizabilityChecker checker = new LinearizabilityChecker(BUDGET);

  static Stream<Long> seeds() {
    return LongStream.range(0, SEEDS).boxed();
  }

  /** Small random shapes: few keys, short to medium histories, some crashes, some cas. */
  private static RegisterSimulation simulation(Random rnd, boolean uniqueValues) {
    return new RegisterSimulation(
        1 + rnd.nextInt(3),
        10 + rnd.nextInt(200),
        1 + rnd.nextInt(6),
        rnd.nextInt(3) * 0.02,
        uniqueValues ? 0 : 2 + rnd.nextInt(3),
        rnd.nextInt(3) * 0.15);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void recordedHistoryIsValidAndAReadOfANeverWrittenValueIsNot(long seed) {
    Random rnd = new Random(seed);
    History h = simulation(rnd, rnd.nextBoolean()).run(rnd);

    Verdict valid = checker.check(h);
    assertThat(valid.outcome()).as(valid.describe()).isEqualTo(Outcome.VALID);

    Optional<Operation> read = randomOkRead(h, rnd);
    if (read.isEmpty()) {
      return;
    }
    Operation r = read.get();
    History mutated =
        RegisterSimulation.withReadValue(
            h, r.completion().get().index(), RegisterSimulation.NEVER_WRITTEN);

    Verdict invalid = checker.check(mutated);
    assertThat(invalid.outcome()).as(invalid.describe()).isEqualTo(Outcome.INVALID);
    Anomaly a = invalid.anomalies().get(0);
    assertThat(a.key()).isEqualTo(r.invoke().key());
    assertThat(a.operation().invoke()).isEqualTo(r.invoke());
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void recordedHistoryMadeToReadAStaleValueIsInvalid(long seed) {
    Random rnd = new Random(seed);
    History h = simulation(rnd, true).run(rnd);

    Verdict valid = checker.check(h);
    assertThat(valid.outcome()).as(valid.describe()).isEqualTo(Outcome.VALID);

    Optional<RegisterSimulation.StaleRead> stale = RegisterSimulation.findStaleRead(h, rnd);
    if (stale.isEmpty()) {
      return;
    }
    Operation r = stale.get().read();
    History mutated =
        RegisterSimulation.withReadValue(h, r.completion().get().index(), stale.get().staleValue());

    Verdict invalid = checker.check(mutated);
    assertThat(invalid.outcome()).as(invalid.describe()).isEqualTo(Outcome.INVALID);
    assertThat(invalid.anomalies().get(0).operation().invoke()).isEqualTo(r.invoke());
  }

  private static Optional<Operation> randomOkRead(History h, Random rnd) {
    List<Operation> reads =
        h.operations().stream().filter(o -> o.ok() && o.invoke().f() == Op.Fn.READ).toList();
    return reads.isEmpty() ? Optional.empty() : Optional.of(reads.get(rnd.nextInt(reads.size())));
  }
}
