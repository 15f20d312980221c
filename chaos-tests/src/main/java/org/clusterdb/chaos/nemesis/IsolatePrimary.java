package org.clusterdb.chaos.nemesis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clusterdb.chaos.db.Db;

/**
 * The seed's scenario: the configuration primary is cut off from the majority (writes must stop);
 * after a while the admin makes a majority node the primary (writes must resume); then the
 * partition heals and the old primary is told too. The times of each step go into the history for
 * the primary workload's checker.
 */
public final class IsolatePrimary implements Fault {
  private static final long CUT_MILLIS = 5_000;
  private static final long AFTER_CHANGE_MILLIS = 6_000;

  private int old = -1;
  private int next = -1;
  private long cut;
  private long changing;
  private long changed;

  @Override
  public String name() {
    return "isolate-primary";
  }

  @Override
  public Map<String, Object> start(FaultContext ctx) throws Exception {
    old = ctx.db().primary();
    next = -1;
    changed = -1;
    int n = ctx.db().nodes();
    for (int j = 0; j < n; j++) {
      if (j != old) {
        ctx.db().net().drop(old, j);
        ctx.db().net().drop(j, old);
      }
    }
    cut = ctx.log().now();
    Thread.sleep(CUT_MILLIS);
    List<Integer> majority =
        ctx.allNodes().stream().filter(i -> i != old && ctx.db().isAlive(i)).toList();
    next = majority.get(ctx.random().nextInt(majority.size()));
    changing = ctx.log().now();
    List<String> took = ctx.setPrimary(next, majority);
    changed = ctx.log().now();
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("old", Db.member(old));
    v.put("new", Db.member(next));
    v.put("cut", cut);
    v.put("changing", changing);
    v.put("changed", changed);
    v.put("setOn", took);
    return v;
  }

  @Override
  public long holdMillis(java.util.Random random) {
    return AFTER_CHANGE_MILLIS;
  }

  /** Its checker needs the time after the change to see writes resume. */
  @Override
  public boolean holdsThroughStop() {
    return true;
  }

  @Override
  public Map<String, Object> heal(FaultContext ctx) throws InterruptedException {
    long healed = ctx.log().now();
    ctx.db().net().clearAllRules();
    if (changed < 0) {
      // The change itself failed (the start reported why): no episode to check.
      return Map.of("old", Db.member(old), "changed", false);
    }
    // The old primary agrees once it can be reached; until then it keeps the mismatch alarm.
    boolean told = false;
    for (int attempt = 0; attempt < 20 && !told; attempt++) {
      told = ctx.setPrimaryOn(old, next);
      if (!told) {
        Thread.sleep(500);
      }
    }
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("old", Db.member(old));
    v.put("new", Db.member(next));
    v.put("cut", cut);
    v.put("changing", changing);
    v.put("changed", changed);
    v.put("healed", healed);
    v.put("oldPrimaryTold", told);
    return v;
  }
}
