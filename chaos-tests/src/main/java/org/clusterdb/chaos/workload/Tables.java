package org.clusterdb.chaos.workload;

import java.time.Duration;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.TableScope;
import org.clusterdb.chaos.db.Db;
import org.clusterdb.client.ClusterDbClient;

/** Creates a workload's cluster table on the healthy cluster, retrying until it exists. */
final class Tables {
  private Tables() {}

  static void create(Db db, String table) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try (ClusterDbClient c = db.clientAll(db.primary(), Duration.ofSeconds(5))) {
        c.createTable(table, TableScope.CLUSTER).join();
        return;
      } catch (RuntimeException e) {
        if (Clients.is(e, ErrorCode.TABLE_EXISTS)) {
          return;
        }
        last = e;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("could not create table " + table, last);
  }
}
