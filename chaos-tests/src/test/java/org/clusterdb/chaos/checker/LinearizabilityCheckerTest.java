package org.clusterdb.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.Random;
import org.clusterdb.chaos.history.History;
import org.clusterdb.chaos.history.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class LinearizabilityCheckerTest {
  private final LinearizabilityChecker checker = new LinearizabilityChecker();

  // ---- valid histories ----

  @Test
  void emptyHistoryIsValid() {
    Verdict v = checker.check(History.EMPTY);

    assertThat(v.outcome()).isEqualTo(Outcome.VALID);
    assertThat(v.linearizable()).isTrue();
    assertThat(v.keys()).isEmpty();
  }

  @Test
  void sequentialWritesAndReadsAreValid() {
    History h =
        History.builder()
            .invokeRead(0, "x")
            .okRead(0, null)
            .invokeWrite(0, "x", "1")
            .ok(0)
            .invokeRead(1, "x")
            .okRead(1, "1")
            .invokeWrite(1, "x", "2")
            .ok(1)
            .invokeRead(0, "x")
            .okRead(0, "2")
            .build();

    assertValid(h);
  }

  @Test
  void readConcurrentWithWriteMaySeeEitherValue() {
    for (String seen : new String[] {null, "1"}) {
      History h =
          History.builder()
              .invokeWrite(0, "x", "1")
              .invokeRead(1, "x")
              .okRead(1, seen)
              .ok(0)
              .build();
      assertValid(h);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1,2", "2,1"})
  void concurrentWritesWithReadsSeeingEitherOrderAreValid(String order) {
    String[] seen = order.split(",");
    History h =
        History.builder()
            .invokeWrite(0, "x", "1")
            .invokeWrite(1, "x", "2")
            .invokeRead(2, "x")
            .okRead(2, seen[0])
            .invokeRead(2, "x")
            .okRead(2, seen[1])
            .ok(0)
            .ok(1)
            .invokeRead(2, "x")
            .okRead(2, seen[1])
            .build();

    assertValid(h);
  }

  @Test
  void readsAfterConcurrentWritesCompleteMustAgreeOnTheLastOne() {
    History h =
        History.builder()
            .invokeWrite(0, "x", "1")
            .invokeWrite(1, "x", "2")
            .ok(0)
            .ok(1)
            .invokeRead(2, "x")
            .okRead(2, "1")
            .invokeRead(2, "x")
            .okRead(2, "2")
            .build();

    Anomaly a = assertInvalid(h, "x");
    assertThat(a.operation().completion().get().value()).isEqualTo("2");
    assertThat(a.registerValue()).contains("1");
  }

  @Test
  void indeterminateWriteThatLaterAppearsIsValid() {
    History crashed =
        History.builder()
            .invokeWrite(0, "x", "1")
            .ok(0)
            .invokeWrite(1, "x", "2")
            .info(1)
            .invokeRead(2, "x")
            .okRead(2, "1")
            .invokeRead(2, "x")
            .okRead(2, "2")
            .build();
    History neverCompleted =
        History.builder()
            .invokeWrite(0, "x", "1")
            .ok(0)
            .invokeWrite(1, "x", "2")
            .invokeRead(2, "x")
            .okRead(2, "1")
            .invokeRead(2, "x")
            .okRead(2, "2")
            .build();

    assertValid(crashed);
    assertValid(neverCompleted);
  }

  @Test
  void indeterminateWriteThatNeverAppearsIsValid() {
    History h =
        History.builder()
            .invokeWrite(0, "x", "1")
            .ok(0)
            .invokeWrite(1, "x", "2")
            .info(1)
            .invokeRead(2, "x")
            .okRead(2, "1")
            .invokeRead(2, "x")
            .okRead(2, "1")
            .build();

    assertValid(h);
  }

  @Test
  void indeterminateWriteMayTakeEffectLongAfterItsProcessCrashed() {
    History h =
        History.builder()
            .invokeWrite(0, "x", "1")
            .info(0)
            .invokeWrite(1, "x", "2")
            .ok(1)
            .invokeRead(2, "x")
            .okRead(2, "2")
            .invokeRead(2, "x")
            .okRead(2, "1")
            .build();

    assertValid(h);
  }

  @Test
  void indeterminateReadsConstrainNothing() {
    History h =
        History.builder()
            .invokeWrite(0, "x", "1")
            .ok(0)
            .invokeRead(1, "x")
            .info(1)
            .invokeRead(2, "x")
            .fail(2)
            .invokeRead(3, "x")
            .build();

    Verdict v = checker.check(h);

    assertThat(v.outcome()).isEqualTo(Outcome.VALID);
    assertThat(v.key("x").get().operations()).isEqualTo(1);
  }

  // ---- invalid histories ----

  @Test
  void staleReadAfterACompletedWriteIsInvalid() {
    History h =
        History.builder().invokeWrite(0, "x", "1").ok(0).invokeRead(1, "x").okRead(1, null).build();

    Anomaly a = assertInvalid(h, "x");
    assertThat(a.operation().invoke().process()).isEqualTo(1);
    assertThat(a.registerValue()).contains("1");
  }

  @Test
  void readOfAValueNeverWrittenIsInvalid() {
    History h =
        History.builder().invokeWrite(0, "x", "1").invokeRead(1, "x").okRead(1, "3").ok(0).build();

    Anomaly a = assertInvalid(h, "x");
    assertThat(a.operation().completion().get().value()).isEqualTo("3");
    assertThat(a.linearized()).extracting(o -> o.invoke().f()).containsExactly(Op.Fn.WRITE);
    assertThat(a.registerValue()).contains("1");
  }

  @Test
  void lostAcknowledgedWriteIsInvalid() {
    History h =
        History.builder()
            .invokeWrite(0, "x", "1")
            .ok(0)
            .invokeWrite(0, "x", "2")
            .ok(0)
            .invokeRead(1, "x")
            .okRead(1, "1")
            .build();

    Anomaly a = assertInvalid(h, "x");
    assertThat(a.operation().invoke().f()).isEqualTo(Op.Fn.READ);
    assertThat(a.linearized()).extracting(o -> o.invoke().value()).containsExactly("1", "2");
    assertThat(a.describe())
        .contains("key x: cannot linearize p1 read x -> \"1\" ok [4..5]")
        .contains("the register holds \"2\"");
  }

  @Test
  void failedWriteThatIsReadIsInvalid() {
    History h =
        History.builder()
            .invokeWrite(0, "x", "1")
            .fail(0)
            .invokeRead(1, "x")
            .okRead(1, "1")
            .build();

    assertInvalid(h, "x");
  }

  @Test
  void indeterminateWriteCannotReappearAfterBeingOverwritten() {
    History.Builder b =
        History.builder()
            .invokeWrite(0, "x", "a")
            .ok(0)
            .invokeWrite(1, "x", "b")
            .info(1)
            .invokeRead(2, "x")
            .okRead(2, "b")
            .invokeWrite(3, "x", "c")
            .ok(3)
            .invokeRead(2, "x")
            .okRead(2, "c");
    assertValid(b.build());

    History reappears = b.invokeRead(2, "x").okRead(2, "b").build();

    Anomaly a = assertInvalid(reappears, "x");
    assertThat(a.operation().completion().get().value()).isEqualTo("b");
    assertThat(a.operation().invoke().index()).isEqualTo(10);
  }

  // ---- compare-and-set ----

  @Test
  void casThatSucceededApplied() {
    History h =
        History.builder()
            .invokeCas(0, "x", null, "1")
            .ok(0)
            .invokeCas(0, "x", "1", "2")
            .ok(0)
            .invokeRead(1, "x")
            .okRead(1, "2")
            .build();

    assertValid(h);
  }

  @Test
  void casThatSucceededOnAValueTheRegisterNeverHeldIsInvalid() {
    History h =
        History.builder().invokeWrite(0, "x", "1").ok(0).invokeCas(0, "x", "3", "4").ok(0).build();

    assertInvalid(h, "x");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "2"})
  void casThatFailedDidNotApply(String read) {
    History h =
        History.builder()
            .invokeWrite(0, "x", "1")
            .ok(0)
            .invokeCas(0, "x", "1", "2")
            .fail(0)
            .invokeRead(1, "x")
            .okRead(1, read)
            .build();

    if (read.equals("1")) {
      assertValid(h);
    } else {
      assertInvalid(h, "x");
    }
  }

  @Test
  void indeterminateCasAppliesOnlyIfItsExpectedValueWasThere() {
    History matches =
        History.builder()
            .invokeWrite(0, "x", "1")
            .ok(0)
            .invokeCas(1, "x", "1", "2")
            .info(1)
            .invokeRead(2, "x")
            .okRead(2, "2")
            .build();
    History neverMatches =
        History.builder()
            .invokeWrite(0, "x", "1")
            .ok(0)
            .invokeCas(1, "x", "5", "2")
            .info(1)
            .invokeRead(2, "x")
            .okRead(2, "2")
            .build();

    assertValid(matches);
    assertInvalid(neverMatches, "x");
  }

  // ---- P-compositionality and budget ----

  @Test
  void keysAreCheckedIndependentlyAndTheBadKeyIsReported() {
    History h =
        History.builder()
            .invokeWrite(0, "good", "1")
            .invokeWrite(1, "bad", "1")
            .ok(0)
            .ok(1)
            .invokeRead(0, "good")
            .invokeRead(1, "bad")
            .okRead(0, "1")
            .okRead(1, "2")
            .build();

    Verdict v = checker.check(h);

    assertThat(v.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(v.keysWith(Outcome.INVALID)).extracting(KeyResult::key).containsExactly("bad");
    assertThat(v.key("good").get().outcome()).isEqualTo(Outcome.VALID);
    assertThat(v.anomalies()).singleElement().extracting(Anomaly::key).isEqualTo("bad");
    assertThat(v.describe()).startsWith("INVALID: 2 key(s), 1 invalid, 0 unknown");
  }

  @Test
  void realTimeOrderAcrossKeysDoesNotConstrain() {
    // x then y in real time on each process, yet the reads see the other key's write as not
    // happened: fine for linearizability, which is per object.
    History h =
        History.builder()
            .invokeWrite(0, "x", "1")
            .ok(0)
            .invokeRead(0, "y")
            .okRead(0, null)
            .invokeWrite(1, "y", "1")
            .ok(1)
            .invokeRead(1, "x")
            .okRead(1, "1")
            .build();

    assertValid(h);
  }

  @Test
  void stateBudgetExhaustedIsUnknownNotAGuess() {
    History h = new RegisterSimulation(2, 50, 4, 0.02, 0, 0.2).run(new Random(7));
    CheckerConfig tiny = CheckerConfig.builder().maxStatesPerKey(3).build();

    Verdict v = new LinearizabilityChecker(tiny).check(h);

    assertThat(v.outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(v.keysWith(Outcome.UNKNOWN)).allSatisfy(k -> assertThat(k.reason()).isPresent());
    assertThat(v.keysWith(Outcome.UNKNOWN).get(0).reason().get()).contains("maxStatesPerKey");
    assertThat(checker.check(h).outcome()).isEqualTo(Outcome.VALID);
  }

  @Test
  void passedDeadlineIsUnknown() {
    History h = new RegisterSimulation(3, 200, 5, 0.01, 0, 0.2).run(new Random(8));
    CheckerConfig instant = CheckerConfig.builder().timeout(Duration.ofNanos(1)).build();

    Verdict v = new LinearizabilityChecker(instant).check(h);

    assertThat(v.outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(v.keysWith(Outcome.UNKNOWN)).isNotEmpty();
  }

  @Test
  void invalidBeatsUnknownInTheVerdict() {
    assertThat(Outcome.VALID.and(Outcome.UNKNOWN)).isEqualTo(Outcome.UNKNOWN);
    assertThat(Outcome.UNKNOWN.and(Outcome.INVALID)).isEqualTo(Outcome.INVALID);
    assertThat(Outcome.VALID.and(Outcome.VALID)).isEqualTo(Outcome.VALID);
  }

  @Test
  void configReportsEveryProblem() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new CheckerConfig(0, Duration.ZERO))
        .withMessageContaining("maxStatesPerKey")
        .withMessageContaining("timeout");
  }

  // ---- helpers ----

  private void assertValid(History h) {
    Verdict v = checker.check(h);
    assertThat(v.outcome()).as(v.describe()).isEqualTo(Outcome.VALID);
    assertThat(v.anomalies()).isEmpty();
  }

  private Anomaly assertInvalid(History h, String key) {
    Verdict v = checker.check(h);
    assertThat(v.outcome()).as(v.describe()).isEqualTo(Outcome.INVALID);
    assertThat(v.linearizable()).isFalse();
    KeyResult k = v.key(key).orElseThrow();
    assertThat(k.outcome()).isEqualTo(Outcome.INVALID);
    Anomaly a = k.anomaly().orElseThrow();
    assertThat(a.key()).isEqualTo(key);
    assertThat(a.describe()).contains(a.operation().describe());
    return a;
  }
}
