package org.clusterdb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir Path dir;

  private static Measurement tput(String system, int run, double ops, double p99) {
    return new Measurement(
        system, "write-64", run, ops, p99 / 2, p99, p99 * 2, Double.NaN, (long) ops, 0);
  }

  private static Measurement time(String system, int run, double seconds) {
    return new Measurement(
        system, "failover", run, Double.NaN, Double.NaN, Double.NaN, Double.NaN, seconds, 0, 0);
  }

  @Test
  void mediansAreTakenPerMetricOverRuns() {
    Report r =
        new Report(
            List.of(
                tput("clusterdb", 1, 100, 9),
                tput("clusterdb", 2, 300, 1),
                tput("clusterdb", 3, 200, 5)),
            Map.of());
    Measurement m = r.median("clusterdb", Workload.WRITE_64).orElseThrow();
    assertThat(m.opsPerSecond()).isEqualTo(200);
    assertThat(m.p99Ms()).isEqualTo(5);
  }

  @Test
  void anEvenNumberOfRunsAveragesTheMiddleTwoAndMissingValuesAreSkipped() {
    assertThat(
            Report.median(
                List.of(time("etcd", 1, 1), time("etcd", 2, 3), time("etcd", 3, Double.NaN)),
                Measurement::seconds))
        .isEqualTo(2);
  }

  @Test
  void throughputRatioIsOursOverTheBestOther() {
    Report r =
        new Report(
            List.of(
                tput("clusterdb", 1, 9000, 10),
                tput("etcd", 1, 3000, 50),
                tput("zookeeper", 1, 6000, 30)),
            Map.of());
    Report.Ratio ratio = r.ratio(Workload.WRITE_64).orElseThrow();
    assertThat(ratio.bestOther()).isEqualTo("zookeeper");
    assertThat(ratio.value()).isEqualTo(1.5);
  }

  @Test
  void timeRatioIsTheBestOtherOverOurs() {
    Report r =
        new Report(
            List.of(time("clusterdb", 1, 2.0), time("etcd", 1, 1.0), time("zookeeper", 1, 4.0)),
            Map.of());
    Report.Ratio ratio = r.ratio(Workload.FAILOVER).orElseThrow();
    assertThat(ratio.bestOther()).isEqualTo("etcd");
    assertThat(ratio.value()).isEqualTo(0.5);
  }

  @Test
  void noRatioWithoutClusterdbOrWithoutAnother() {
    assertThat(new Report(List.of(tput("etcd", 1, 1, 1)), Map.of()).ratio(Workload.WRITE_64))
        .isEmpty();
    assertThat(new Report(List.of(tput("clusterdb", 1, 1, 1)), Map.of()).ratio(Workload.WRITE_64))
        .isEmpty();
  }

  @Test
  void writesMarkdownAndJsonWithoutNaN() throws Exception {
    Report r =
        new Report(
            List.of(tput("clusterdb", 1, 9000, 10), tput("etcd", 1, 3000, 50), time("etcd", 1, 1)),
            Map.of("machine", "test box"));
    r.write(dir);
    String md = java.nio.file.Files.readString(dir.resolve("results.md"));
    assertThat(md)
        .contains("**machine:** test box")
        .contains("### write-64")
        .contains("| clusterdb | 9,000 |")
        .contains("**3.00×**")
        .contains("| etcd | 1.00 |");
    JsonNode json = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
    assertThat(json.get("runs")).hasSize(3);
    assertThat(json.get("ratios").get("write-64").get("ratio").asDouble()).isEqualTo(3.0);
    JsonNode failover = json.get("runs").get(2);
    assertThat(failover.has("opsPerSecond")).isFalse();
    assertThat(failover.get("seconds").asDouble()).isEqualTo(1.0);
  }
}
