package org.clusterdb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class RunOptionsTest {
  @TempDir Path dir;
  private Path jar;

  @BeforeEach
  void createJar() throws IOException {
    jar = Files.createFile(dir.resolve("clusterdb.jar"));
  }

  private RunOptions valid() {
    return new RunOptions(
        "register",
        "partition,kill",
        Duration.ofSeconds(60),
        10,
        42L,
        3,
        dir.resolve("results"),
        jar,
        false,
        Duration.ofMillis(3_000),
        false);
  }

  @Test
  void validOptionsHaveNoProblems() {
    assertThat(valid().problems()).isEmpty();
  }

  @Test
  void everyWorkloadAndTheClusterSizeBoundsAreValid() {
    for (String w : RunOptions.WORKLOADS) {
      assertThat(with(w, "none", Duration.ofSeconds(1), 1, 3, jar).problems()).as(w).isEmpty();
      assertThat(with(w, "all", Duration.ofSeconds(1), 200, 6, jar).problems()).as(w).isEmpty();
    }
  }

  @Test
  void unknownWorkloadIsAProblem() {
    assertThat(with("bank", "kill", Duration.ofSeconds(60), 10, 3, jar).problems())
        .singleElement()
        .asString()
        .startsWith("--workload:")
        .contains("bank");
  }

  @Test
  void workloadsJoinedByPlusAreValid() {
    for (String w : List.of("register+lease", "set+lease", "watch+lease", "primary+lease")) {
      assertThat(with(w, "all", Duration.ofSeconds(25), 8, 3, jar).problems()).as(w).isEmpty();
    }
  }

  @Test
  void anUnknownPartOfACombinationIsAProblem() {
    assertThat(with("register+bank", "kill", Duration.ofSeconds(60), 10, 3, jar).problems())
        .singleElement()
        .asString()
        .startsWith("--workload: unknown 'bank'");
    assertThat(with("register+", "kill", Duration.ofSeconds(60), 10, 3, jar).problems())
        .singleElement()
        .asString()
        .startsWith("--workload: unknown ''");
  }

  @Test
  void aWorkloadNamedTwiceInACombinationIsAProblem() {
    assertThat(with("lease+lease", "kill", Duration.ofSeconds(60), 10, 3, jar).problems())
        .containsExactly("--workload: 'lease+lease' names a workload twice");
  }

  @Test
  void zeroOrNegativeTimeIsAProblem() {
    assertThat(with("set", "kill", Duration.ZERO, 10, 3, jar).problems())
        .singleElement()
        .asString()
        .startsWith("--time:");
    assertThat(with("set", "kill", Duration.ofSeconds(-1), 10, 3, jar).problems())
        .singleElement()
        .asString()
        .startsWith("--time:");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 201})
  void concurrencyOutsideOneToTwoHundredIsAProblem(int concurrency) {
    assertThat(with("set", "kill", Duration.ofSeconds(60), concurrency, 3, jar).problems())
        .singleElement()
        .asString()
        .startsWith("--concurrency:")
        .endsWith("was " + concurrency);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 7})
  void nodesOutsideThreeToSixIsAProblem(int nodes) {
    assertThat(with("set", "kill", Duration.ofSeconds(60), 10, nodes, jar).problems())
        .singleElement()
        .asString()
        .startsWith("--nodes:")
        .endsWith("was " + nodes);
  }

  @Test
  void missingJarIsAProblem() {
    Path missing = dir.resolve("missing.jar");

    assertThat(with("set", "kill", Duration.ofSeconds(60), 10, 3, missing).problems())
        .singleElement()
        .asString()
        .startsWith("--jar:")
        .contains(missing.toString());
  }

  @Test
  void directoryAsJarIsAProblem() {
    assertThat(with("set", "kill", Duration.ofSeconds(60), 10, 3, dir).problems())
        .singleElement()
        .asString()
        .startsWith("--jar:");
  }

  @Test
  void unknownNemesisIsAProblem() {
    assertThat(with("set", "kill,chaos-monkey", Duration.ofSeconds(60), 10, 3, jar).problems())
        .singleElement()
        .asString()
        .startsWith("--nemesis:")
        .contains("chaos-monkey");
  }

  @Test
  void everyProblemIsReportedNotJustTheFirst() {
    List<String> problems =
        with("bank", "bogus", Duration.ZERO, 0, 7, dir.resolve("missing.jar")).problems();

    assertThat(problems)
        .extracting(p -> p.substring(0, p.indexOf(':')))
        .containsExactlyInAnyOrder(
            "--workload", "--time", "--concurrency", "--nodes", "--jar", "--nemesis");
  }

  @Test
  void toArgsRoundTripsThroughTheCommandLine() {
    RunOptions o =
        new RunOptions(
            "watch",
            "pause,loss",
            Duration.ofSeconds(17),
            33,
            -1234567890123L,
            5,
            dir.resolve("some results"),
            jar,
            true,
            Duration.ofMillis(4_321),
            true);

    Main m = parse(o.toArgs());

    assertThat(m.workloads).containsExactly("watch");
    assertThat(m.nemesis).isEqualTo("pause,loss");
    assertThat(m.time).isEqualTo(17);
    assertThat(m.concurrency).isEqualTo(33);
    assertThat(m.seed).isEqualTo(-1234567890123L);
    assertThat(m.nodes).isEqualTo(5);
    assertThat(m.results).isEqualTo(dir.resolve("some results"));
    assertThat(m.jar).isEqualTo(jar);
    assertThat(m.opTimeoutMillis).isEqualTo(4_321);
    assertThat(m.unsafeLocalReads).isTrue();
    assertThat(m.keepData).isTrue();
  }

  @Test
  void toArgsRoundTripsFalseFlagsAndAnEmptyNemesis() {
    RunOptions o =
        new RunOptions(
            "primary",
            "",
            Duration.ofSeconds(60),
            10,
            0L,
            3,
            dir.resolve("results"),
            jar,
            false,
            Duration.ofMillis(3_000),
            false);
    Main m = new Main();
    // Start from true so that parsing has to turn them off.
    m.unsafeLocalReads = true;
    m.keepData = true;

    new CommandLine(m).parseArgs(o.toArgs().toArray(String[]::new));

    assertThat(m.workloads).containsExactly("primary");
    assertThat(m.nemesis).isEmpty();
    assertThat(m.unsafeLocalReads).isFalse();
    assertThat(m.keepData).isFalse();
  }

  @Test
  void optionsRebuiltFromTheArgsEqualTheOriginal() {
    RunOptions o = valid();

    Main m = parse(o.toArgs());
    RunOptions back =
        new RunOptions(
            m.workloads.get(0),
            m.nemesis,
            Duration.ofSeconds(m.time),
            m.concurrency,
            m.seed,
            m.nodes,
            m.results,
            m.jar,
            m.unsafeLocalReads,
            Duration.ofMillis(m.opTimeoutMillis),
            m.keepData);

    assertThat(back).isEqualTo(o);
  }

  private static Main parse(List<String> args) {
    Main m = new Main();
    new CommandLine(m).parseArgs(args.toArray(String[]::new));
    return m;
  }

  private RunOptions with(
      String workload, String nemesis, Duration time, int concurrency, int nodes, Path jar) {
    return new RunOptions(
        workload,
        nemesis,
        time,
        concurrency,
        42L,
        nodes,
        dir.resolve("results"),
        jar,
        false,
        Duration.ofMillis(3_000),
        false);
  }
}
