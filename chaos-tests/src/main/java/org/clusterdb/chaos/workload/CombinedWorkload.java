package org.clusterdb.chaos.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.clusterdb.chaos.checker.CheckResult;
import org.clusterdb.chaos.history.EventLog;

/**
 * Several workloads on one cluster under one nemesis, each with its own table, clients, history and
 * checker: {@code register+lease} costs one run instead of two. The first is the main one: its
 * history goes in the result directory itself and its stats are the run's; each other one's history
 * goes in a subdirectory named after it, and its stats under its name.
 */
public final class CombinedWorkload implements Workload {
  private final List<Workload> parts;

  public CombinedWorkload(List<Workload> parts) {
    if (parts.size() < 2) {
      throw new IllegalArgumentException("a combination needs two workloads or more: " + parts);
    }
    this.parts = List.copyOf(parts);
  }

  @Override
  public String name() {
    return parts.stream().map(Workload::name).collect(Collectors.joining("+"));
  }

  @Override
  public void setup(WorkloadContext ctx) throws Exception {
    for (Workload w : parts) {
      w.setup(ctx);
    }
  }

  @Override
  public void start(WorkloadContext ctx) {
    parts.forEach(w -> w.start(ctx));
  }

  @Override
  public void stopClients() throws InterruptedException {
    for (Workload w : parts) {
      w.stopClients();
    }
  }

  @Override
  public void finalPhase(WorkloadContext ctx) throws Exception {
    for (Workload w : parts) {
      w.finalPhase(ctx);
    }
  }

  @Override
  public List<CheckResult> check(List<EventLog.Event> nemesis) {
    List<CheckResult> all = new ArrayList<>();
    parts.forEach(w -> all.addAll(w.check(nemesis)));
    return all;
  }

  @Override
  public void writeHistory(Path dir) throws IOException {
    parts.get(0).writeHistory(dir);
    for (Workload w : parts.subList(1, parts.size())) {
      Path sub = Files.createDirectories(dir.resolve(w.name()));
      w.writeHistory(sub);
    }
  }

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> s = new LinkedHashMap<>(parts.get(0).stats());
    parts.subList(1, parts.size()).forEach(w -> s.put(w.name(), w.stats()));
    return s;
  }

  @Override
  public boolean needsPrimaryIsolation() {
    return parts.stream().anyMatch(Workload::needsPrimaryIsolation);
  }
}
