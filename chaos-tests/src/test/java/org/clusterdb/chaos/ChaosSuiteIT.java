package org.clusterdb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The bounded chaos suite every CI run executes: each workload under the mixed nemesis (every
 * fault), register and primary with the lease workload beside them on the same cluster (one run,
 * two checkers), then the deliberately broken server, which the checker must flag. Real server
 * processes in network namespaces; needs root. The seed is random per run and printed; {@code
 * -Dchaos.seed=N} replays one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosSuiteIT {
  private static final Duration TIME = Duration.ofSeconds(Long.getLong("chaos.time", 20));

  /**
   * The primary run's episode (cut, change of primary, a write taken, heal) needs about 15 s of the
   * schedule; the others get a fault within 4 s.
   */
  private static final Duration PRIMARY_TIME = TIME.plusSeconds(5);

  /** Stale reads show within seconds of the first cut, which comes 2 to 4 s in. */
  private static final Duration BROKEN_TIME = Duration.ofSeconds(12);

  private static final long SEED =
      Long.getLong("chaos.seed", ThreadLocalRandom.current().nextLong(1, 1L << 40));

  @Test
  @Order(1)
  void registerStaysLinearizableUnderEveryFault() throws Exception {
    assertValid("register", true);
  }

  @Test
  @Order(2)
  void setLosesNoAcknowledgedAddUnderEveryFault() throws Exception {
    assertValid("set", false);
  }

  @Test
  @Order(3)
  void watchersSeeOneGaplessSequenceUnderEveryFault() throws Exception {
    assertValid("watch", false);
  }

  @Test
  @Order(4)
  void noWriteIsAcceptedWhileThePrimaryIsCutOffAndWritesResumeAfterTheChange() throws Exception {
    assertValid("primary", true);
  }

  /** The checker must be able to fail: stale local reads served as linearizable ones are caught. */
  @Test
  @Order(5)
  void theCheckerFlagsAServerThatServesStaleReads() throws Exception {
    // A lone subordinate, the primary writing on: every schedule exposes stale local reads. Under
    // "partition" a seed could pick only primary cuts, which stop writes, and so hide them.
    Launcher.Outcome out =
        Launcher.run(options("register", "isolate-subordinate", true, BROKEN_TIME), log("broken"));
    JsonNode summary = summary(out);
    assertThat(out.exitCode()).as(describe(out)).isEqualTo(Worker.ANOMALY);
    assertThat(summary.path("checks").get(0).path("outcome").asText()).isEqualTo("INVALID");
    assertThat(summary.path("checks").get(0).path("stats").path("invalidKeys").asInt())
        .isPositive();
  }

  /**
   * Runs {@code workload}, with the lease workload beside it when {@code withLeases}; every checker
   * must pass. Leases ride with register (every fault) and primary (the primary cut off, where
   * leases must go on): beside set and watch, whose logs grow fastest, a re-added peer's catch-up
   * doubled those runs' time for no new fault.
   */
  private void assertValid(String workload, boolean withLeases) throws Exception {
    // Each workload gets its own fault schedule, all replayed by the one printed seed.
    RunOptions o =
        options(
            withLeases ? workload + "+lease" : workload,
            "all",
            false,
            workload.equals("primary") ? PRIMARY_TIME : TIME);
    o =
        new RunOptions(
            o.workload(),
            o.nemesis(),
            o.time(),
            o.concurrency(),
            SEED + RunOptions.WORKLOADS.indexOf(workload),
            o.nodes(),
            o.results(),
            o.jar(),
            o.unsafeLocalReads(),
            o.opTimeout(),
            o.keepData());
    Launcher.Outcome out = Launcher.run(o, log(workload));
    JsonNode summary = summary(out);
    assertThat(out.exitCode()).as(describe(out)).isEqualTo(Worker.VALID);
    assertThat(summary.path("verdict").asText()).isEqualTo("valid");
    // A run whose clients got nothing done, or whose nemesis never struck, proves nothing.
    assertThat(summary.path("faults").size()).as(describe(out)).isPositive();
    assertThat(summary.path("operations").path("operations").asLong())
        .as(describe(out))
        .isGreaterThan(50);
    for (String f :
        new String[] {
          "history.jsonl", "history.edn", "nemesis.jsonl", "nemesis.edn", "summary.txt"
        }) {
      assertThat(out.dir().resolve(f)).isNotEmptyFile();
    }
    assertThat(out.dir().resolve("nodes/n1/server.log")).isNotEmptyFile();
    if (!withLeases) {
      return;
    }
    assertThat(out.dir().resolve("lease/history.jsonl")).isNotEmptyFile();
    JsonNode lease = null;
    for (JsonNode check : summary.path("checks")) {
      if (check.path("checker").asText().equals("lease")) {
        lease = check;
      }
    }
    assertThat(lease).as(describe(out)).isNotNull();
    assertThat(lease.path("outcome").asText()).isEqualTo("VALID");
    // Leases held while keys were read, and some expiries judged: the checker had work to do.
    JsonNode stats = lease.path("stats");
    assertThat(stats.path("keysAttached").asInt()).as(describe(out)).isGreaterThan(5);
    assertThat(stats.path("readsWhileKeptAlive").asLong()).as(describe(out)).isPositive();
    assertThat(stats.path("expiryJudged").asInt()).as(describe(out)).isPositive();
  }

  private static RunOptions options(
      String workload, String nemesis, boolean unsafe, Duration time) {
    return new RunOptions(
        workload,
        nemesis,
        time,
        8,
        SEED,
        3,
        Path.of(System.getProperty("chaos.results", "target/chaos-results")),
        Path.of(System.getProperty("clusterdb.jar", "../store-server/target/clusterdb.jar")),
        unsafe,
        Duration.ofSeconds(3),
        false);
  }

  private static Path log(String name) throws IOException {
    Path dir = Path.of(System.getProperty("chaos.results", "target/chaos-results"));
    Files.createDirectories(dir);
    return dir.resolve(name + "-seed" + SEED + ".log");
  }

  private static JsonNode summary(Launcher.Outcome out) throws IOException {
    Path file = out.dir().resolve("summary.json");
    assertThat(file).as(describe(out)).exists();
    return new ObjectMapper().readTree(file.toFile());
  }

  private static String describe(Launcher.Outcome out) {
    String text;
    try {
      text = Files.readString(out.dir().resolve("summary.txt"));
    } catch (IOException e) {
      text = "(no summary.txt: " + e.getMessage() + ")";
    }
    return "seed "
        + SEED
        + " (replay with -Dchaos.seed="
        + SEED
        + "), exit "
        + out.exitCode()
        + ", "
        + out.dir()
        + "\n"
        + text;
  }
}
