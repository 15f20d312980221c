package org.clusterdb.chaos.workload;

import java.time.Duration;
import org.clusterdb.chaos.db.Db;
import org.clusterdb.chaos.history.EventLog;

/**
 * What a workload runs with.
 *
 * @param db the cluster
 * @param seed the run's seed; each client thread derives its own from it
 * @param concurrency how many client threads
 * @param opTimeout one operation's deadline
 * @param originNanos the {@link System#nanoTime()} reading every history's times count from
 * @param nemesis the fault history, stamped from the same origin
 */
public record WorkloadContext(
    Db db, long seed, int concurrency, Duration opTimeout, long originNanos, EventLog nemesis) {
  public long now() {
    return System.nanoTime() - originNanos;
  }
}
