package org.clusterdb.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.clusterdb.chaos.checker.WatchChecker.Seen;
import org.junit.jupiter.api.Test;

class WatchCheckerTest {
  private static final Seen A = new Seen(1, "k1", "a");
  private static final Seen B = new Seen(2, "k2", "b");
  private static final Seen C = new Seen(3, "k1", "c");
  private static final List<Seen> ALL = List.of(A, B, C);
  private static final Set<String> ATTEMPTED = Set.of("a", "b", "c", "d");

  private static Map<String, Long> acknowledgedAbc() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("a", 1L);
    m.put("b", 2L);
    m.put("c", 3L);
    return m;
  }

  @Test
  void identicalSequencesContainingEveryAcknowledgedWriteAtItsRevisionAreValid() {
    CheckResult r = WatchChecker.check(watchers(ALL, ALL), acknowledgedAbc(), ATTEMPTED);

    assertThat(r.checker()).isEqualTo("watch");
    assertThat(r.outcome()).isEqualTo(Outcome.VALID);
    assertThat(r.anomalies()).isEmpty();
    assertThat(r.stats())
        .containsEntry("watchers", 2)
        .containsEntry("attempted", 4)
        .containsEntry("acknowledged", 3)
        .containsEntry("events", 3);
  }

  @Test
  void watcherMissingAnEventInTheMiddleIsInvalid() {
    // No acknowledgement covers B, so only the comparison between watchers can catch the gap.
    Map<String, Long> acknowledged = Map.of("a", 1L, "c", 3L);

    CheckResult r = WatchChecker.check(watchers(ALL, List.of(A, C)), acknowledged, ATTEMPTED);

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies()).singleElement().asString().startsWith("w2 and w1 differ: event 1:");
  }

  @Test
  void revisionsGoingBackwardsAreInvalid() {
    List<Seen> reordered = List.of(A, C, B);

    CheckResult r =
        WatchChecker.check(watchers(reordered, reordered), acknowledgedAbc(), ATTEMPTED);

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies())
        .containsExactly("w1 went back from revision 3 to 2", "w2 went back from revision 3 to 2");
  }

  @Test
  void duplicatedEventIsInvalid() {
    List<Seen> duplicated = List.of(A, B, B, C);

    CheckResult r =
        WatchChecker.check(watchers(duplicated, duplicated), acknowledgedAbc(), ATTEMPTED);

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies())
        .containsExactly("w1 saw key k2 at revision 2 twice", "w2 saw key k2 at revision 2 twice");
  }

  @Test
  void acknowledgedWriteNeverSeenIsInvalid() {
    Map<String, Long> acknowledged = acknowledgedAbc();
    acknowledged.put("d", 4L);

    CheckResult r = WatchChecker.check(watchers(ALL, ALL), acknowledged, ATTEMPTED);

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies()).containsExactly("acknowledged write d at revision 4 never seen");
  }

  @Test
  void acknowledgedWriteSeenAtAnotherRevisionIsInvalid() {
    Map<String, Long> acknowledged = acknowledgedAbc();
    acknowledged.put("b", 5L);

    CheckResult r = WatchChecker.check(watchers(ALL, ALL), acknowledged, ATTEMPTED);

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies())
        .containsExactly("acknowledged write b at revision 5 seen at revision 2");
  }

  @Test
  void valueNoWriteAttemptedIsInvalid() {
    Seen invented = new Seen(4, "k2", "zzz");
    List<Seen> seen = List.of(A, B, C, invented);

    CheckResult r = WatchChecker.check(watchers(seen, seen), acknowledgedAbc(), ATTEMPTED);

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies())
        .singleElement()
        .asString()
        .startsWith("w1 saw a value no write attempted:")
        .contains("zzz");
  }

  @Test
  void indeterminateWriteSeenIsValid() {
    // d was attempted but its acknowledgement was lost: it may have been applied.
    List<Seen> seen = List.of(A, B, C, new Seen(4, "k2", "d"));

    CheckResult r = WatchChecker.check(watchers(seen, seen), acknowledgedAbc(), ATTEMPTED);

    assertThat(r.outcome()).isEqualTo(Outcome.VALID);
    assertThat(r.stats()).containsEntry("events", 4);
  }

  @Test
  void noWatcherIsUnknown() {
    CheckResult r = WatchChecker.check(Map.of(), acknowledgedAbc(), ATTEMPTED);

    assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(r.anomalies()).containsExactly("no watcher");
  }

  @Test
  void sameRevisionAndKeyDeliveredTwiceNonConsecutivelyIsInvalid() {
    // One transaction at revision 2 wrote k1 and k2; k1's event then came again after k2's.
    Seen x = new Seen(2, "k1", "x");
    Seen y = new Seen(2, "k2", "y");
    List<Seen> duplicated = List.of(A, x, y, x);

    CheckResult r =
        WatchChecker.check(
            watchers(duplicated, duplicated),
            Map.of("a", 1L, "x", 2L, "y", 2L),
            Set.of("a", "x", "y"));

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
  }

  @Test
  void twoKeysAtOneRevisionAreValid() {
    // One transaction writing two keys: one revision, one event per key.
    List<Seen> seen = List.of(A, new Seen(2, "k1", "x"), new Seen(2, "k2", "y"));

    CheckResult r =
        WatchChecker.check(
            watchers(seen, seen), Map.of("a", 1L, "x", 2L, "y", 2L), Set.of("a", "x", "y"));

    assertThat(r.outcome()).isEqualTo(Outcome.VALID);
    assertThat(r.anomalies()).isEmpty();
    assertThat(r.stats()).containsEntry("events", 3);
  }

  // Insertion order fixes which watcher is the reference the others are compared with.
  private static Map<String, List<Seen>> watchers(List<Seen> w1, List<Seen> w2) {
    Map<String, List<Seen>> m = new LinkedHashMap<>();
    m.put("w1", w1);
    m.put("w2", w2);
    return m;
  }
}
