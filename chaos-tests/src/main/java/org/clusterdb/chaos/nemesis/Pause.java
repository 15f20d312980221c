package org.clusterdb.chaos.nemesis;

import java.util.List;
import java.util.Map;
import org.clusterdb.chaos.db.Db;

/** SIGSTOP of one node, the primary, or a minority; healed with SIGCONT. */
public final class Pause implements Fault {
  private List<Integer> paused = List.of();

  @Override
  public String name() {
    return "pause";
  }

  @Override
  public Map<String, Object> start(FaultContext ctx) {
    paused = Kill.victims(ctx);
    for (int v : paused) {
      ctx.db().pause(v);
    }
    return Map.of("paused", paused.stream().map(Db::member).toList());
  }

  @Override
  public Map<String, Object> heal(FaultContext ctx) {
    for (int i = 0; i < ctx.db().nodes(); i++) {
      ctx.db().resume(i);
    }
    List<String> resumed = paused.stream().map(Db::member).toList();
    paused = List.of();
    return Map.of("resumed", resumed);
  }
}
