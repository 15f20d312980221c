package org.clusterdb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// A run that got past the option checks would need root and start servers: the timeout stops the
// suite from hanging if one ever does.
@Timeout(30)
class MainTest {
  @TempDir Path dir;
  private Path jar;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedOut;
  private PrintStream savedErr;

  @BeforeEach
  void setUp() throws IOException {
    jar = Files.createFile(dir.resolve("clusterdb.jar"));
    savedOut = System.out;
    savedErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void tearDown() {
    System.setOut(savedOut);
    System.setErr(savedErr);
  }

  @Test
  void badOptionValueIsAUsageErrorBeforeAnyRun() {
    int code = Main.execute("--nodes", "2", "--jar", jar.toString(), "--results", dir.toString());

    assertThat(code).isEqualTo(Main.USAGE).isEqualTo(64);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("chaos-tests/run: --nodes:");
    // Nothing was started: no "chaos run:" line and no result directory.
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("chaos run:");
    assertThat(dir.toFile().list()).containsExactly("clusterdb.jar");
  }

  @Test
  void aProblemSharedByEveryWorkloadIsPrintedOnce() {
    int code =
        Main.execute(
            "--workload",
            "all",
            "--nodes",
            "7",
            "--jar",
            jar.toString(),
            "--results",
            dir.toString());

    assertThat(code).isEqualTo(Main.USAGE);
    String e = err.toString(StandardCharsets.UTF_8);
    assertThat(e.split("--nodes:", -1)).hasSize(2);
  }

  @Test
  void anUnknownWorkloadInACombinationIsAUsageErrorBeforeAnyRun() {
    int code =
        Main.execute(
            "--workload",
            "lease,register+bogus",
            "--jar",
            jar.toString(),
            "--results",
            dir.toString());

    assertThat(code).isEqualTo(Main.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("chaos-tests/run: --workload: unknown 'bogus'");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("chaos run:");
  }

  @Test
  void unknownOptionIsAUsageError() {
    int code = Main.execute("--bogus");

    assertThat(code).isEqualTo(Main.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--bogus");
  }

  @Test
  void helpExitsZeroAndPrintsTheOptions() {
    int code = Main.execute("--help");

    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--nodes").contains("--nemesis");
  }
}
