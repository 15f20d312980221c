package org.clusterdb.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SetCheckerTest {
  private static final Set<Long> ATTEMPTED = Set.of(1L, 2L, 3L, 4L, 5L);
  private static final Set<Long> ACKNOWLEDGED = Set.of(1L, 2L, 3L);
  private static final Set<Long> FAILED = Set.of(4L);

  // 5 was attempted but neither acknowledged nor failed: indeterminate.

  @Test
  void everyNodeReadingEveryAcknowledgedAddIsValid() {
    CheckResult r =
        SetChecker.check(
            ATTEMPTED,
            ACKNOWLEDGED,
            FAILED,
            reads("n1", Set.of(1L, 2L, 3L), "n2", Set.of(1L, 2L, 3L)));

    assertThat(r.checker()).isEqualTo("set");
    assertThat(r.outcome()).isEqualTo(Outcome.VALID);
    assertThat(r.anomalies()).isEmpty();
    assertThat(r.stats())
        .containsEntry("attempted", 5)
        .containsEntry("acknowledged", 3)
        .containsEntry("failed", 1)
        .containsEntry("indeterminate", 1)
        .containsEntry("finalReads", 2)
        .containsEntry("finalSize", 3);
  }

  @Test
  void acknowledgedAddMissingOnOneNodeIsInvalidAndNamesTheNodeAndElement() {
    CheckResult r =
        SetChecker.check(
            ATTEMPTED, ACKNOWLEDGED, FAILED, reads("n1", Set.of(1L, 2L, 3L), "n2", Set.of(1L, 3L)));

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies()).contains("n2 lost 1 acknowledged add(s): [2]");
    assertThat(r.anomalies()).noneMatch(a -> a.startsWith("n1 lost"));
  }

  @Test
  void readingAnElementNeverAttemptedIsInvalid() {
    CheckResult r =
        SetChecker.check(ATTEMPTED, ACKNOWLEDGED, FAILED, reads("n1", Set.of(1L, 2L, 3L, 99L)));

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies()).containsExactly("n1 read 1 never-attempted element(s): [99]");
  }

  @Test
  void readingAnAddThatFailedDefinitelyIsInvalid() {
    CheckResult r =
        SetChecker.check(ATTEMPTED, ACKNOWLEDGED, FAILED, reads("n1", Set.of(1L, 2L, 3L, 4L)));

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies()).containsExactly("n1 read 1 add(s) that failed definitely: [4]");
  }

  @Test
  void nodesWhoseFinalReadsDisagreeAreInvalid() {
    // Both reads are individually acceptable (5 is indeterminate); only their disagreement is
    // wrong.
    CheckResult r =
        SetChecker.check(
            ATTEMPTED,
            ACKNOWLEDGED,
            FAILED,
            reads("n1", Set.of(1L, 2L, 3L), "n2", Set.of(1L, 2L, 3L, 5L)));

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies()).containsExactly("n2 and n1 disagree on 1: [5]");
  }

  @Test
  void indeterminateAddPresentIsValidAndCountedAsFound() {
    CheckResult r =
        SetChecker.check(
            ATTEMPTED,
            ACKNOWLEDGED,
            FAILED,
            reads("n1", Set.of(1L, 2L, 3L, 5L), "n2", Set.of(1L, 2L, 3L, 5L)));

    assertThat(r.outcome()).isEqualTo(Outcome.VALID);
    assertThat(r.stats()).containsEntry("indeterminateFound", 1).containsEntry("finalSize", 4);
  }

  @Test
  void indeterminateAddAbsentIsValidAndNotCountedAsFound() {
    CheckResult r =
        SetChecker.check(
            ATTEMPTED,
            ACKNOWLEDGED,
            FAILED,
            reads("n1", Set.of(1L, 2L, 3L), "n2", Set.of(1L, 2L, 3L)));

    assertThat(r.outcome()).isEqualTo(Outcome.VALID);
    assertThat(r.stats()).containsEntry("indeterminateFound", 0);
  }

  @Test
  void noFinalReadIsUnknown() {
    CheckResult r = SetChecker.check(ATTEMPTED, ACKNOWLEDGED, FAILED, Map.of());

    assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(r.anomalies()).containsExactly("no final read succeeded");
  }

  @Test
  void acknowledgedAddThatWasNeverAttemptedIsRejected() {
    // A caller bug, not a database anomaly: the history was recorded wrongly.
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                SetChecker.check(Set.of(1L), Set.of(1L, 7L), Set.of(), reads("n1", Set.of(1L, 7L))))
        .withMessageContaining("7");
  }

  @Test
  void indeterminateFoundCountsOnlyAttemptedAddsNeitherAcknowledgedNorFailed() {
    // 4 failed definitely and 99 was never attempted: both are anomalies, neither is a recovered
    // indeterminate add. Only 5 is.
    CheckResult r =
        SetChecker.check(
            ATTEMPTED, ACKNOWLEDGED, FAILED, reads("n1", Set.of(1L, 2L, 3L, 4L, 5L, 99L)));

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.stats()).containsEntry("indeterminateFound", 1).containsEntry("finalSize", 6);
  }

  @Test
  void acknowledgedAddThatWasNeverAttemptedIsRejectedEvenWithoutFinalReads() {
    // The caller bug must not hide behind an UNKNOWN result.
    assertThatIllegalArgumentException()
        .isThrownBy(() -> SetChecker.check(Set.of(1L), Set.of(1L, 7L), Set.of(), Map.of()))
        .withMessageContaining("7");
  }

  private static Map<String, Set<Long>> reads(String node, Set<Long> seen) {
    Map<String, Set<Long>> m = new LinkedHashMap<>();
    m.put(node, seen);
    return m;
  }

  // Insertion order fixes which node is the reference the others are compared with.
  private static Map<String, Set<Long>> reads(
      String node1, Set<Long> seen1, String node2, Set<Long> seen2) {
    Map<String, Set<Long>> m = reads(node1, seen1);
    m.put(node2, seen2);
    return m;
  }
}
