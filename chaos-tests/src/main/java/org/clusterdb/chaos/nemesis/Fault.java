package org.clusterdb.chaos.nemesis;

import java.util.Map;

/**
 * One kind of fault: {@link #start} injects it and {@link #heal} undoes it, each returning what it
 * did for the history. A fault is started and healed by one thread, one at a time.
 */
public interface Fault {
  String name();

  Map<String, Object> start(FaultContext ctx) throws Exception;

  Map<String, Object> heal(FaultContext ctx) throws Exception;

  /** How long the fault is held between start and heal, chosen by the schedule. */
  default long holdMillis(java.util.Random random) {
    return 4_000 + random.nextInt(5_000);
  }

  /** Whether the fault is held for its whole time even when the schedule stops meanwhile. */
  default boolean holdsThroughStop() {
    return false;
  }
}
