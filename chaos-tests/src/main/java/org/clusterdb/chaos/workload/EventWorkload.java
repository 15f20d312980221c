package org.clusterdb.chaos.workload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.clusterdb.chaos.history.EventLog;
import org.clusterdb.client.ClusterDbClient;

/**
 * What the workloads share: a cluster table created at setup, one client per node for the threads,
 * an {@link EventLog} history written as JSON lines and EDN, and the way a write is invoked and
 * recorded.
 */
abstract class EventWorkload implements Workload {
  protected final Clients clients = new Clients();
  protected WorkloadContext ctx;
  protected EventLog log;
  protected List<ClusterDbClient> nodeClients = List.of();

  /** The cluster table the workload uses. */
  abstract String table();

  @Override
  public void setup(WorkloadContext ctx) throws Exception {
    this.ctx = ctx;
    this.log = new EventLog(ctx.originNanos());
    Tables.create(ctx.db(), table());
  }

  /** Opens one client per node; thread {@code t} uses {@link #clientOf}. */
  protected void openNodeClients() {
    nodeClients = Clients.perNode(ctx.db().nodes(), i -> ctx.db().client(i, ctx.opTimeout()));
  }

  protected ClusterDbClient clientOf(int thread) {
    return nodeClients.get(thread % nodeClients.size());
  }

  @Override
  public void stopClients() throws InterruptedException {
    clients.stop(ctx.opTimeout().toMillis() + 5_000);
    nodeClients.forEach(ClusterDbClient::close);
  }

  @Override
  public void writeHistory(Path dir) throws IOException {
    if (log == null) {
      // The cluster never formed, so setup never ran: no history, and the run is inconclusive.
      return;
    }
    log.writeJsonLines(dir.resolve("history.jsonl"));
    log.writeEdn(dir.resolve("history.edn"));
  }

  /**
   * How a recorded write ended. {@code result} is null unless it was acknowledged, {@code error}
   * null if it was.
   */
  protected record Outcome<T>(
      T result, RuntimeException error, EventLog.Event invoke, EventLog.Event completion) {
    boolean ok() {
      return completion.type().equals("ok");
    }

    boolean indeterminate() {
      return completion.type().equals("info");
    }
  }

  /**
   * Records the invoke of {@code f} with {@code value}, runs {@code call}, and records its
   * completion: ok (with {@code okValue} of the result), fail when the error is definite, info
   * otherwise.
   */
  protected <T> Outcome<T> write(
      int process, String f, Object value, Supplier<T> call, Function<T, Object> okValue) {
    EventLog.Event invoke = log.add("invoke", process, f, value);
    try {
      T result = call.get();
      return new Outcome<>(result, null, invoke, log.add("ok", process, f, okValue.apply(result)));
    } catch (RuntimeException e) {
      String type = Clients.definite(e) ? "fail" : "info";
      return new Outcome<>(null, e, invoke, log.add(type, process, f, value));
    }
  }
}
