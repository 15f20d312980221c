package org.clusterdb.chaos.nemesis;

import java.util.Map;

/** Every node drops a random share of the packets from the other nodes (iptables statistic). */
public final class Loss implements Fault {
  @Override
  public String name() {
    return "loss";
  }

  @Override
  public Map<String, Object> start(FaultContext ctx) {
    double p = new double[] {0.05, 0.2, 0.4}[ctx.random().nextInt(3)];
    for (int i = 0; i < ctx.db().nodes(); i++) {
      ctx.db().net().lose(i, p);
    }
    return Map.of("probability", p);
  }

  @Override
  public Map<String, Object> heal(FaultContext ctx) {
    ctx.db().net().clearAllRules();
    return Map.of();
  }
}
