package org.clusterdb.chaos.nemesis;

import java.util.List;
import java.util.Map;
import org.clusterdb.chaos.db.Db;

/** Makes another live node the configuration primary, under load; the change stands. */
public final class PrimaryChange implements Fault {
  @Override
  public String name() {
    return "primary";
  }

  @Override
  public Map<String, Object> start(FaultContext ctx) throws Exception {
    int old = ctx.db().primary();
    List<Integer> candidates =
        ctx.allNodes().stream().filter(i -> i != old && ctx.db().isAlive(i)).toList();
    int next = candidates.get(ctx.random().nextInt(candidates.size()));
    List<String> took = ctx.setPrimary(next, ctx.allNodes());
    return Map.of("old", Db.member(old), "new", Db.member(next), "setOn", took);
  }

  @Override
  public long holdMillis(java.util.Random random) {
    return 1_000;
  }

  /** Repeats the setting on every node, for any that missed it. */
  @Override
  public Map<String, Object> heal(FaultContext ctx) {
    int p = ctx.db().primary();
    List<String> missed =
        ctx.allNodes().stream()
            .filter(i -> i != p && !ctx.setPrimaryOn(i, p))
            .map(Db::member)
            .toList();
    return Map.of("primary", Db.member(p), "unreachable", missed);
  }
}
