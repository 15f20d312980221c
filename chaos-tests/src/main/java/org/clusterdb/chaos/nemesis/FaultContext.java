package org.clusterdb.chaos.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.clusterdb.chaos.db.Db;
import org.clusterdb.chaos.history.EventLog;
import org.clusterdb.client.ClusterDbClient;

/** What a fault acts on: the cluster, the schedule's seeded randomness, and the fault history. */
public record FaultContext(Db db, Random random, EventLog log) {
  /** {@code count} distinct nodes chosen at random. */
  public List<Integer> pick(int count) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < db.nodes(); i++) {
      all.add(i);
    }
    Collections.shuffle(all, random);
    return List.copyOf(all.subList(0, count));
  }

  public int minority() {
    return (db.nodes() - 1) / 2;
  }

  /**
   * Makes {@code node} the configuration primary as the seed's procedure does: first on the new
   * primary (which changes the cluster's ranking), then on every other node it can reach, so none
   * keeps the primary mismatch alarm. Returns the nodes that took it.
   */
  public List<String> setPrimary(int node, List<Integer> others) throws InterruptedException {
    List<String> done = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (ClusterDbClient c = db.client(node, Duration.ofSeconds(10))) {
        c.setPrimary(node + 1);
        done.add(Db.member(node));
        break;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              Db.member(node) + " would not become primary: " + e.getMessage(), e);
        }
        Thread.sleep(500);
      }
    }
    db.primary(node);
    for (int o : others) {
      if (o != node && db.isAlive(o) && setPrimaryOn(o, node)) {
        done.add(Db.member(o));
      }
    }
    return done;
  }

  /** Sets {@code node}'s own primary setting; false if it could not be reached. */
  public boolean setPrimaryOn(int on, int primary) {
    try (ClusterDbClient c = db.client(on, Duration.ofSeconds(5))) {
      c.setPrimary(primary + 1);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  public List<Integer> allNodes() {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < db.nodes(); i++) {
      all.add(i);
    }
    return all;
  }
}
