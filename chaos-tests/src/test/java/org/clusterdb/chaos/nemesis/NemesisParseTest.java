package org.clusterdb.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NemesisParseTest {
  private static List<String> names(String spec) {
    return Nemesis.parse(spec).stream().map(Fault::name).toList();
  }

  @Test
  void partitionStandsForItsFourModes() {
    assertThat(names("partition"))
        .containsExactly(
            "partition-primary", "partition-halves", "partition-ring", "partition-bridge");
  }

  @Test
  void allGivesEveryFaultOnce() {
    assertThat(names("all"))
        .containsExactly(
            "partition-primary",
            "partition-halves",
            "partition-ring",
            "partition-bridge",
            "kill",
            "pause",
            "latency",
            "loss",
            "membership",
            "primary",
            "isolate-primary");
  }

  @Test
  void repeatsCollapseAndCaseAndSpacesDoNotMatter() {
    assertThat(names("Kill, PAUSE ,kill,all")).startsWith("kill", "pause").doesNotHaveDuplicates();
  }

  @Test
  void noneAndEmptyMeanNoFaults() {
    assertThat(names("none")).isEmpty();
    assertThat(names("")).isEmpty();
  }

  @Test
  void anUnknownFaultIsNamedInTheError() {
    assertThatThrownBy(() -> Nemesis.parse("kill,flood"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--nemesis:")
        .hasMessageContaining("'flood'");
  }

  /** Names go into histories and counts: they must not depend on the machine's locale. */
  @Test
  void namesDoNotDependOnTheDefaultLocale() {
    java.util.Locale before = java.util.Locale.getDefault();
    try {
      java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr"));
      assertThat(names("partition")).contains("partition-primary", "partition-ring");
    } finally {
      java.util.Locale.setDefault(before);
    }
  }
}
