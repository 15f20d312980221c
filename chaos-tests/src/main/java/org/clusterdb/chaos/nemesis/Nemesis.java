package org.clusterdb.chaos.nemesis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.clusterdb.chaos.history.EventLog;

/**
 * The fault schedule: after a quiet spell, one fault at a time, chosen by the seeded random from
 * the enabled ones, held for a while, then healed; again until stopped. Every start and heal goes
 * into the history as a nemesis operation ({@code start-<fault>}, {@code heal-<fault>}), so a run's
 * faults can be replayed from its seed and read next to its operations.
 */
public final class Nemesis {
  /** Every fault name {@link #parse} accepts, besides {@code all} and {@code none}. */
  public static final List<String> NAMES =
      List.of(
          "partition",
          "kill",
          "pause",
          "latency",
          "loss",
          "membership",
          "primary",
          "isolate-primary");

  /**
   * Faults {@link #parse} accepts by name only, not in {@code all}: {@code isolate-subordinate},
   * which makes every stale local read visible, for the run that checks the checker.
   */
  public static final List<String> BY_NAME_ONLY = List.of("isolate-subordinate");

  private final List<Fault> faults;
  private final FaultContext ctx;
  private final Map<String, AtomicInteger> injected = new ConcurrentHashMap<>();
  private final List<String> errors = new ArrayList<>();
  private volatile boolean stopped;
  private Thread thread;

  private final Fault first;

  /** {@code first}, if not null, is injected first, then the schedule picks at random. */
  public Nemesis(List<Fault> faults, Fault first, FaultContext ctx) {
    this.faults = List.copyOf(faults);
    this.first = first;
    this.ctx = ctx;
  }

  /**
   * The faults named in {@code spec}, comma-separated: any of {@link #NAMES}, {@code all}, or
   * {@code none}. {@code partition} stands for all four partition modes.
   *
   * @throws IllegalArgumentException naming an unknown fault
   */
  public static List<Fault> parse(String spec) {
    Set<String> names = new LinkedHashSet<>();
    for (String s : spec.split(",")) {
      String name = s.strip().toLowerCase(Locale.ROOT);
      if (name.isEmpty() || name.equals("none")) {
        continue;
      }
      if (name.equals("all")) {
        names.addAll(NAMES);
      } else if (NAMES.contains(name) || BY_NAME_ONLY.contains(name)) {
        names.add(name);
      } else {
        throw new IllegalArgumentException(
            "--nemesis: unknown fault '"
                + name
                + "'; known: "
                + String.join(", ", NAMES)
                + ", "
                + String.join(", ", BY_NAME_ONLY)
                + ", all, none");
      }
    }
    List<Fault> out = new ArrayList<>();
    for (String n : names) {
      switch (n) {
        case "partition" -> {
          for (Partition.Mode m : Partition.Mode.values()) {
            if (m != Partition.Mode.SUBORDINATE) {
              out.add(new Partition(m));
            }
          }
        }
        case "kill" -> out.add(new Kill());
        case "pause" -> out.add(new Pause());
        case "latency" -> out.add(new Latency());
        case "loss" -> out.add(new Loss());
        case "membership" -> out.add(new Membership());
        case "primary" -> out.add(new PrimaryChange());
        case "isolate-primary" -> out.add(new IsolatePrimary());
        case "isolate-subordinate" -> out.add(new Partition(Partition.Mode.SUBORDINATE));
        default -> throw new IllegalStateException(n);
      }
    }
    return out;
  }

  public void start() {
    thread = new Thread(this::loop, "nemesis");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    EventLog log = ctx.log();
    try {
      sleep(2_000 + ctx.random().nextInt(2_000));
      boolean firstDone = first == null;
      while (!stopped && !faults.isEmpty()) {
        Fault f = firstDone ? faults.get(ctx.random().nextInt(faults.size())) : first;
        firstDone = true;
        log.add("invoke", EventLog.NEMESIS, "start-" + f.name(), null);
        try {
          log.add("ok", EventLog.NEMESIS, "start-" + f.name(), f.start(ctx));
          injected.computeIfAbsent(f.name(), k -> new AtomicInteger()).incrementAndGet();
          long hold = f.holdMillis(ctx.random());
          if (f.holdsThroughStop()) {
            Thread.sleep(hold);
          } else {
            sleep(hold);
          }
        } catch (Exception e) {
          log.add("fail", EventLog.NEMESIS, "start-" + f.name(), String.valueOf(e.getMessage()));
          error(f.name() + " start: " + e);
        }
        heal(f);
        sleep(4_000 + ctx.random().nextInt(4_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void heal(Fault f) {
    EventLog log = ctx.log();
    log.add("invoke", EventLog.NEMESIS, "heal-" + f.name(), null);
    try {
      log.add("ok", EventLog.NEMESIS, "heal-" + f.name(), f.heal(ctx));
    } catch (Exception e) {
      log.add("fail", EventLog.NEMESIS, "heal-" + f.name(), String.valueOf(e.getMessage()));
      error(f.name() + " heal: " + e);
    }
  }

  private synchronized void error(String e) {
    errors.add(e);
  }

  /** Sleeps in steps, returning early once stopped. */
  private void sleep(long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!stopped && System.currentTimeMillis() < deadline) {
      Thread.sleep(Math.min(100, Math.max(1, deadline - System.currentTimeMillis())));
    }
  }

  /** Stops the schedule after healing the fault in progress. */
  public void stop() throws InterruptedException {
    stopped = true;
    if (thread != null) {
      thread.join();
    }
  }

  /**
   * Undoes anything a fault could have left: packet rules, paused and dead nodes. Run after {@link
   * #stop}, before the final phase.
   */
  public void healAll() throws Exception {
    EventLog log = ctx.log();
    log.add("invoke", EventLog.NEMESIS, "heal-all", null);
    List<String> restarted = new ArrayList<>();
    for (int i = 0; i < ctx.db().nodes(); i++) {
      ctx.db().net().clearRules(i);
      ctx.db().resume(i);
      if (!ctx.db().isAlive(i)) {
        ctx.db().start(i);
        restarted.add(org.clusterdb.chaos.db.Db.member(i));
      }
    }
    log.add("ok", EventLog.NEMESIS, "heal-all", Map.of("restarted", restarted));
  }

  /** How many times each fault was injected. */
  public Map<String, Integer> injected() {
    Map<String, Integer> m = new LinkedHashMap<>();
    injected.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  public synchronized List<String> errors() {
    return List.copyOf(errors);
  }
}
