package org.clusterdb.chaos.workload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.clusterdb.chaos.checker.CheckResult;
import org.clusterdb.chaos.history.EventLog;

/**
 * One workload: its clients, its generator and its checker, run in Jepsen's phases. {@link #start}
 * begins the generator (client threads issuing operations while the nemesis runs); {@link
 * #stopClients} ends it and waits for operations in flight; after the heal, {@link #finalPhase}
 * makes the final reads; {@link #check} checks the history.
 */
public interface Workload {
  String name();

  /** Creates what the workload needs (tables) on the healthy cluster. */
  void setup(WorkloadContext ctx) throws Exception;

  void start(WorkloadContext ctx);

  void stopClients() throws InterruptedException;

  void finalPhase(WorkloadContext ctx) throws Exception;

  /**
   * The checkers' results; {@code nemesis} is the run's fault history, which some checkers read.
   */
  List<CheckResult> check(List<EventLog.Event> nemesis);

  /**
   * Writes {@code history.jsonl} and {@code history.edn} (and any workload files) into {@code dir}.
   */
  void writeHistory(Path dir) throws IOException;

  /** Operation counts for the summary: ok, fail, info by function. */
  Map<String, Object> stats();

  /** Whether this workload needs the nemesis that cuts the primary off and changes it. */
  default boolean needsPrimaryIsolation() {
    return false;
  }
}
