package org.clusterdb.chaos.nemesis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.clusterdb.chaos.db.Db;

/**
 * Network partitions by packet filtering: each node drops every packet from the nodes it is cut off
 * from (so both directions are cut). Modes as Jepsen's: the primary isolated, random halves, a ring
 * of overlapping majorities, and a bridge (two halves joined through one node).
 */
public final class Partition implements Fault {
  /** How the nodes are split. */
  public enum Mode {
    PRIMARY,
    HALVES,
    RING,
    BRIDGE,
    /**
     * One subordinate cut off from everyone: the primary keeps its majority and its writes, so a
     * member serving stale local reads is caught every time. Not among the {@code partition} modes;
     * named {@code isolate-subordinate}.
     */
    SUBORDINATE
  }

  private final Mode mode;

  public Partition(Mode mode) {
    this.mode = mode;
  }

  @Override
  public String name() {
    if (mode == Mode.SUBORDINATE) {
      return "isolate-subordinate";
    }
    return "partition-" + mode.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public Map<String, Object> start(FaultContext ctx) {
    int n = ctx.db().nodes();
    boolean[][] cut = grudge(ctx, n);
    Map<String, Object> value = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      List<String> from = new ArrayList<>();
      for (int j = 0; j < n; j++) {
        if (cut[i][j]) {
          ctx.db().net().drop(i, j);
          from.add(Db.member(j));
        }
      }
      value.put(Db.member(i), from);
    }
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("drops", value);
    return v;
  }

  /** {@code cut[i][j]}: i and j cannot talk. Symmetric. */
  private boolean[][] grudge(FaultContext ctx, int n) {
    boolean[][] cut = new boolean[n][n];
    List<Integer> order = ctx.pick(n);
    switch (mode) {
      case PRIMARY -> {
        int p = ctx.db().primary();
        for (int j = 0; j < n; j++) {
          if (j != p) {
            both(cut, p, j);
          }
        }
      }
      case HALVES -> {
        int half = n / 2;
        for (int a = 0; a < half; a++) {
          for (int b = half; b < n; b++) {
            both(cut, order.get(a), order.get(b));
          }
        }
      }
      case RING -> {
        if (n <= 3) {
          // Three nodes on a ring all neighbour each other: cut one link instead.
          both(cut, order.get(0), order.get(1));
        } else {
          int majority = n / 2 + 1;
          int reach = majority / 2;
          for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
              int d = Math.abs(a - b);
              d = Math.min(d, n - d);
              if (a != b && d > reach) {
                cut[order.get(a)][order.get(b)] = true;
              }
            }
          }
        }
      }
      case SUBORDINATE -> {
        int p = ctx.db().primary();
        int lone = order.get(0) == p ? order.get(1) : order.get(0);
        for (int j = 0; j < n; j++) {
          if (j != lone) {
            both(cut, lone, j);
          }
        }
      }
      case BRIDGE -> {
        // order[0] is the bridge; the rest split into two sides that only it joins.
        int rest = n - 1;
        int side = rest / 2;
        for (int a = 1; a <= side; a++) {
          for (int b = side + 1; b < n; b++) {
            both(cut, order.get(a), order.get(b));
          }
        }
      }
    }
    return cut;
  }

  private static void both(boolean[][] cut, int a, int b) {
    cut[a][b] = true;
    cut[b][a] = true;
  }

  @Override
  public Map<String, Object> heal(FaultContext ctx) {
    ctx.db().net().clearAllRules();
    return Map.of();
  }
}
