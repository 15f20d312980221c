package org.clusterdb.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckResultTest {
  @Test
  void validResultWithAnomaliesIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new CheckResult("set", Outcome.VALID, List.of("lost 1"), Map.of()));
  }

  @Test
  void invalidResultWithoutAnomaliesIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new CheckResult("set", Outcome.INVALID, List.of(), Map.of()));
  }

  @Test
  void unknownResultWithoutReasonIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new CheckResult("set", Outcome.UNKNOWN, List.of(), Map.of()));
  }

  @Test
  void ofWithoutAnomaliesIsValid() {
    CheckResult r = CheckResult.of("set", List.of(), Map.of("attempted", 3));

    assertThat(r.outcome()).isEqualTo(Outcome.VALID);
    assertThat(r.checker()).isEqualTo("set");
    assertThat(r.stats()).containsEntry("attempted", 3);
  }

  @Test
  void ofWithAnomaliesIsInvalid() {
    CheckResult r = CheckResult.of("set", List.of("n1 lost 1"), Map.of());

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies()).containsExactly("n1 lost 1");
  }

  @Test
  void statsCannotBeModifiedThroughTheResult() {
    CheckResult r = CheckResult.of("set", List.of(), Map.of("attempted", 3));

    assertThatThrownBy(() -> r.stats().put("attempted", 4))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(r.stats()).containsEntry("attempted", 3);
  }

  @Test
  void laterChangesToTheCallersMapsDoNotReachTheResult() {
    // The result is a copy: a checker reusing its working collections must not alter it.
    Map<String, Object> stats = new HashMap<>(Map.of("attempted", 3));
    List<String> anomalies = new ArrayList<>(List.of("n1 lost 1"));
    CheckResult r = CheckResult.of("set", anomalies, stats);

    stats.put("attempted", 4);
    anomalies.add("n2 lost 1");

    assertThat(r.stats()).containsExactlyEntriesOf(Map.of("attempted", 3));
    assertThat(r.anomalies()).containsExactly("n1 lost 1");
  }
}
