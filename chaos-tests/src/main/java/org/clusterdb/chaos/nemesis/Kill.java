package org.clusterdb.chaos.nemesis;

import java.util.List;
import java.util.Map;
import org.clusterdb.chaos.db.Db;

/** kill -9 of one node, the primary, or a minority; healed by restarting them. */
public final class Kill implements Fault {
  @Override
  public String name() {
    return "kill";
  }

  @Override
  public Map<String, Object> start(FaultContext ctx) {
    List<Integer> victims = victims(ctx);
    for (int v : victims) {
      ctx.db().kill(v);
    }
    return Map.of("killed", victims.stream().map(Db::member).toList());
  }

  static List<Integer> victims(FaultContext ctx) {
    int roll = ctx.random().nextInt(3);
    if (roll == 0) {
      return List.of(ctx.db().primary());
    }
    int count = roll == 1 ? 1 : Math.max(1, ctx.minority());
    return ctx.pick(count);
  }

  @Override
  public Map<String, Object> heal(FaultContext ctx) throws Exception {
    List<String> restarted = new java.util.ArrayList<>();
    for (int i = 0; i < ctx.db().nodes(); i++) {
      if (!ctx.db().isAlive(i)) {
        ctx.db().start(i);
        restarted.add(Db.member(i));
      }
    }
    return Map.of("restarted", restarted);
  }
}
