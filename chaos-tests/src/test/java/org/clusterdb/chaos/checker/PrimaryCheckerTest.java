package org.clusterdb.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.clusterdb.chaos.checker.PrimaryChecker.Episode;
import org.clusterdb.chaos.checker.PrimaryChecker.Write;
import org.junit.jupiter.api.Test;

class PrimaryCheckerTest {
  private static final Episode EPISODE =
      new Episode(ms(100), ms(200), ms(200), ms(300), "n1", "n2");

  @Test
  void noWriteAcceptedBetweenCutAndChangeAndOneAcceptedAfterIsValid() {
    List<Write> writes =
        List.of(
            // In flight when the cut happened: the old primary may still acknowledge it.
            new Write(ms(50), ms(150)), new Write(ms(120), -1), new Write(ms(210), ms(250)));

    CheckResult r = PrimaryChecker.check(writes, List.of(EPISODE));

    assertThat(r.checker()).isEqualTo("primary");
    assertThat(r.outcome()).isEqualTo(Outcome.VALID);
    assertThat(r.anomalies()).isEmpty();
    assertThat(r.stats())
        .containsEntry("writes", 3)
        .containsEntry("acknowledged", 2L)
        .containsEntry("episodes", 1)
        .containsEntry("slowestResumeMillis", 50L);
  }

  @Test
  void writeInvokedAfterCutAndAcceptedBeforeChangeIsInvalid() {
    List<Write> writes = List.of(new Write(ms(110), ms(150)), new Write(ms(210), ms(250)));

    CheckResult r = PrimaryChecker.check(writes, List.of(EPISODE));

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies())
        .containsExactly(
            "episode 1: 1 write(s) accepted while n1 was cut off and before n2 became primary");
  }

  /**
   * The change takes effect on the new primary before the admin's procedure ends (the other
   * majority nodes are told after it): a write accepted in between is legitimate.
   */
  @Test
  void writeAcceptedWhileTheChangeIsInProgressIsValid() {
    Episode slowChange = new Episode(ms(100), ms(200), ms(400), ms(500), "n1", "n2");
    List<Write> writes = List.of(new Write(ms(210), ms(300)), new Write(ms(410), ms(450)));

    assertThat(PrimaryChecker.check(writes, List.of(slowChange)).outcome())
        .isEqualTo(Outcome.VALID);
    // The same write before the change was asked for is an anomaly.
    List<Write> early = List.of(new Write(ms(150), ms(190)), new Write(ms(410), ms(450)));
    assertThat(PrimaryChecker.check(early, List.of(slowChange)).outcome())
        .isEqualTo(Outcome.INVALID);
  }

  @Test
  void noWriteAcceptedBetweenChangeAndHealIsInvalid() {
    // Writes before the cut and after the heal do not show the new primary took over.
    List<Write> writes =
        List.of(new Write(ms(50), ms(60)), new Write(ms(220), -1), new Write(ms(310), ms(320)));

    CheckResult r = PrimaryChecker.check(writes, List.of(EPISODE));

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies())
        .containsExactly("episode 1: no write was accepted after n2 became primary");
  }

  @Test
  void noEpisodeIsUnknown() {
    CheckResult r = PrimaryChecker.check(List.of(new Write(ms(10), ms(20))), List.of());

    assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(r.anomalies()).containsExactly("the primary was never cut off");
  }

  @Test
  void episodeCutAfterChangeIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Episode(ms(200), ms(100), ms(100), ms(300), "n1", "n2"));
  }

  @Test
  void slowestResumeIsTheLargestPerEpisodeDelayToTheFirstAcceptedWriteInWholeMillis() {
    Episode first = new Episode(ms(100), ms(200), ms(200), ms(300), "n1", "n2");
    Episode second = new Episode(ms(1_000), ms(1_100), ms(1_100), ms(1_500), "n2", "n3");
    List<Write> writes =
        List.of(
            new Write(ms(210), ms(250)),
            // The second episode resumed after 120.4 ms; a later write must not count as the first.
            new Write(ms(1_150), ms(1_300)),
            new Write(ms(1_110), ms(1_220) + 400_000));

    CheckResult r = PrimaryChecker.check(writes, List.of(first, second));

    assertThat(r.outcome()).isEqualTo(Outcome.VALID);
    assertThat(r.stats()).containsEntry("slowestResumeMillis", 120L);
  }

  @Test
  void writeInvokedAtANegativeTimeIsRejected() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Write(-1, ms(10)));
    assertThatIllegalArgumentException().isThrownBy(() -> new Write(-1, -1));
  }

  @Test
  void writeAcknowledgedBeforeItWasInvokedIsRejected() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Write(ms(20), ms(10)));
  }

  @Test
  void unacknowledgedWriteAndOneAcknowledgedAtItsInvocationAreAccepted() {
    assertThat(new Write(ms(20), -1).ok()).isFalse();
    assertThat(new Write(ms(20), ms(20)).ok()).isTrue();
  }

  @Test
  void slowestResumeIsMinusOneWhenNoEpisodeResumed() {
    // Not 0: that would read as "resumed at once".
    List<Write> writes = List.of(new Write(ms(50), ms(60)), new Write(ms(310), ms(320)));

    CheckResult r = PrimaryChecker.check(writes, List.of(EPISODE));

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.stats()).containsEntry("slowestResumeMillis", -1L);
  }

  private static long ms(long millis) {
    return millis * 1_000_000;
  }
}
