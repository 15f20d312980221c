package org.clusterdb.chaos.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clusterdb.chaos.checker.CheckResult;
import org.clusterdb.chaos.history.EventLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CombinedWorkloadTest {
  @TempDir Path dir;

  /** Records the phases it is put through, into a log shared by all stubs. */
  private record Stub(String name, boolean primary, List<String> calls) implements Workload {
    @Override
    public void setup(WorkloadContext ctx) {
      calls.add(name + ".setup");
    }

    @Override
    public void start(WorkloadContext ctx) {
      calls.add(name + ".start");
    }

    @Override
    public void stopClients() {
      calls.add(name + ".stop");
    }

    @Override
    public void finalPhase(WorkloadContext ctx) {
      calls.add(name + ".final");
    }

    @Override
    public List<CheckResult> check(List<EventLog.Event> nemesis) {
      return List.of(CheckResult.of(name, List.of(), Map.of()));
    }

    @Override
    public void writeHistory(Path d) throws IOException {
      Files.writeString(d.resolve("history.jsonl"), name);
    }

    @Override
    public Map<String, Object> stats() {
      return Map.of("operations", name.length());
    }

    @Override
    public boolean needsPrimaryIsolation() {
      return primary;
    }
  }

  @Test
  void partsRunPhaseByPhaseAndKeepTheirOwnHistoriesStatsAndCheckers() throws Exception {
    List<String> calls = new ArrayList<>();
    CombinedWorkload w =
        new CombinedWorkload(
            List.of(new Stub("set", false, calls), new Stub("lease", false, calls)));

    w.setup(null);
    w.start(null);
    w.stopClients();
    w.finalPhase(null);
    w.writeHistory(dir);

    assertThat(w.name()).isEqualTo("set+lease");
    assertThat(calls)
        .containsExactly(
            "set.setup",
            "lease.setup",
            "set.start",
            "lease.start",
            "set.stop",
            "lease.stop",
            "set.final",
            "lease.final");
    assertThat(w.check(List.of())).extracting(CheckResult::checker).containsExactly("set", "lease");
    assertThat(w.stats()).isEqualTo(Map.of("operations", 3, "lease", Map.of("operations", 5)));
    assertThat(dir.resolve("history.jsonl")).hasContent("set");
    assertThat(dir.resolve("lease/history.jsonl")).hasContent("lease");
    assertThat(w.needsPrimaryIsolation()).isFalse();
  }

  @Test
  void itNeedsThePrimaryIsolatedIfAnyPartDoes() {
    List<String> calls = new ArrayList<>();
    CombinedWorkload w =
        new CombinedWorkload(
            List.of(new Stub("primary", true, calls), new Stub("lease", false, calls)));

    assertThat(w.needsPrimaryIsolation()).isTrue();
  }

  @Test
  void aCombinationOfOneIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new CombinedWorkload(List.of(new Stub("set", false, new ArrayList<>()))));
  }
}
