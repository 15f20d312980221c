package org.clusterdb.chaos.checker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.clusterdb.chaos.history.EventLog.Event;

/**
 * A lease store and the lease workload, simulated in virtual time, for histories of the size and
 * shape a chaos run records: holders granting, keeping alive, abandoning and revoking leases
 * through leaderless spells (elections) that fail or leave indeterminate the operations in them,
 * and readers reading the whole table. The store is correct, or broken in one way:
 *
 * <ul>
 *   <li>{@link Server#CORRECT}: a lease ends 0-500 ms after its last applied refresh + TTL, never
 *       during a leaderless spell, and a new leader gives every lease TTL + election timeout;
 *   <li>{@link Server#EARLY}: a lease ends half a TTL after its last refresh;
 *   <li>{@link Server#IMMORTAL}: a lease ends only when revoked.
 * </ul>
 *
 * Holders keep each lease alive every 1-2.5 s (a keeper with retries), so a correct store never
 * ends a lease that is kept alive outside a spell. Single-use, not thread-safe.
 */
final class LeaseSimulation {
  enum Server {
    CORRECT,
    EARLY,
    IMMORTAL
  }

  static final long MS = 1_000_000;
  static final long TTL = 4_000 * MS;
  static final long ELECTION_TIMEOUT = 2_000 * MS;
  private static final int HOLDERS = 3;
  private static final int SLOTS = 3;
  private static final int READERS = 3;

  private final Random rnd;
  private final Server server;
  private final long end;
  private final long readUntil;
  private final TreeMap<Long, Long> spells = new TreeMap<>();
  private final PriorityQueue<Step> queue =
      new PriorityQueue<>(Comparator.comparingLong(Step::time).thenComparingLong(Step::seq));
  private final List<Event> raw = new ArrayList<>();
  private final Map<Long, SimLease> leases = new HashMap<>();
  private long seq;
  private long now;
  private long term = 1;
  private boolean leaderless;
  private long nextLease = 1;
  private long nextKey;

  private record Step(long time, long seq, Runnable action) {}

  private static final class SimLease {
    final long id;
    long deadline;
    long expireAt;
    boolean alive = true;
    String key;

    SimLease(long id) {
      this.id = id;
    }
  }

  private static final class Held {
    final long id;
    final boolean keep;
    final boolean revoke;
    final long endAt;
    long nextKeepAlive;

    Held(long id, boolean keep, boolean revoke, long endAt, long nextKeepAlive) {
      this.id = id;
      this.keep = keep;
      this.revoke = revoke;
      this.endAt = endAt;
      this.nextKeepAlive = nextKeepAlive;
    }
  }

  private final class Holder {
    final List<Held> held = new ArrayList<>();
    int process;

    Holder(int process) {
      this.process = process;
    }
  }

  /** A run of {@code seconds} of operations, then reads for TTL + election timeout + 4 s more. */
  LeaseSimulation(Random rnd, Server server, long seconds) {
    this.rnd = rnd;
    this.server = server;
    this.end = seconds * 1_000 * MS;
    this.readUntil = end + TTL + ELECTION_TIMEOUT + 4_000 * MS;
    for (long t = 3_000 * MS; ; ) {
      long start = t + (4_000 + rnd.nextInt(4_000)) * MS;
      long stop = start + (500 + rnd.nextInt(3_000)) * MS;
      if (stop > end) {
        break;
      }
      spells.put(start, stop);
      t = stop;
    }
  }

  /** The history of the run. */
  List<Event> run() {
    spells.forEach(
        (start, stop) -> {
          at(start, () -> leaderless = true);
          at(stop, this::promote);
        });
    for (int h = 0; h < HOLDERS; h++) {
      Holder holder = new Holder(h);
      at(rnd.nextInt(100) * MS, () -> wake(holder));
    }
    for (int r = 0; r < READERS; r++) {
      int process = 1_000 + r;
      at(rnd.nextInt(100) * MS, () -> read(process));
    }
    while (!queue.isEmpty()) {
      Step s = queue.poll();
      now = s.time();
      expire(now);
      s.action().run();
    }
    List<Event> sorted =
        raw.stream()
            .sorted(Comparator.comparingLong(Event::timeNanos).thenComparingLong(Event::index))
            .toList();
    List<Event> out = new ArrayList<>();
    for (Event e : sorted) {
      out.add(new Event(e.type(), e.process(), e.f(), e.value(), out.size(), e.timeNanos()));
    }
    return out;
  }

  /** How many leaderless spells (elections) the run has. */
  int spells() {
    return spells.size();
  }

  private void at(long time, Runnable action) {
    queue.add(new Step(time, seq++, action));
  }

  private void record(long time, String type, int process, String f, Object value) {
    raw.add(new Event(type, process, f, value, seq++, time));
  }

  private boolean inSpell(long t) {
    Map.Entry<Long, Long> e = spells.floorEntry(t);
    return e != null && t < e.getValue();
  }

  private long spellEnd(long t) {
    return spells.floorEntry(t).getValue();
  }

  /** Ends every lease due by {@code now}; nothing ends without a leader. */
  private void expire(long time) {
    if (leaderless) {
      return;
    }
    for (SimLease l : leases.values()) {
      if (l.alive && l.expireAt <= time) {
        l.alive = false;
      }
    }
  }

  /** A new leader, in a new term. */
  private void promote() {
    leaderless = false;
    term++;
    for (SimLease l : leases.values()) {
      if (!l.alive) {
        continue;
      }
      switch (server) {
        case CORRECT -> refresh(l, Math.max(l.deadline, now + TTL + ELECTION_TIMEOUT) - TTL);
        case EARLY -> l.expireAt = Math.max(l.expireAt, now);
        case IMMORTAL -> {}
      }
    }
  }

  private void refresh(SimLease l, long appliedAt) {
    switch (server) {
      case CORRECT -> {
        l.deadline = Math.max(l.deadline, appliedAt + TTL);
        l.expireAt = l.deadline + rnd.nextInt(500) * MS;
      }
      case EARLY -> l.expireAt = appliedAt + TTL / 2;
      case IMMORTAL -> l.expireAt = Long.MAX_VALUE;
    }
  }

  /**
   * One operation of {@code holder}: recorded at {@code now}, applied by {@code effect} at a point
   * a few ms later (which returns the ok value, or null for a definite failure), answered a few ms
   * after that. In a leaderless spell it fails, or times out after 3 s, having taken effect at the
   * spell's end or never. Then {@code next} runs with the outcome.
   */
  private void op(
      Holder holder,
      String f,
      Map<String, Object> args,
      LongFunction<Map<String, Object>> effect,
      java.util.function.BiConsumer<String, Map<String, Object>> next) {
    int process = holder.process;
    record(now, "invoke", process, f, args);
    long applyAt = now + (1 + rnd.nextInt(15)) * MS;
    if (inSpell(applyAt)) {
      if (rnd.nextBoolean()) {
        long failAt = now + 200 * MS;
        at(
            failAt,
            () -> {
              record(failAt, "fail", process, f, args);
              next.accept("fail", null);
            });
        return;
      }
      if (rnd.nextBoolean()) {
        long late = spellEnd(applyAt) + MS;
        at(late, () -> effect.apply(late));
      }
      long infoAt = now + 3_000 * MS;
      holder.process += HOLDERS;
      at(
          infoAt,
          () -> {
            record(infoAt, "info", process, f, args);
            next.accept("info", null);
          });
      return;
    }
    at(
        applyAt,
        () -> {
          Map<String, Object> result = effect.apply(applyAt);
          long answerAt = applyAt + (1 + rnd.nextInt(15)) * MS;
          at(
              answerAt,
              () -> {
                record(
                    answerAt,
                    result == null ? "fail" : "ok",
                    process,
                    f,
                    result == null ? args : result);
                next.accept(result == null ? "fail" : "ok", result);
              });
        });
  }

  private void wake(Holder h) {
    if (now >= end) {
      for (Held l : h.held) {
        abandon(h, l.id);
      }
      h.held.clear();
      return;
    }
    if (h.held.size() < SLOTS) {
      grant(h);
      return;
    }
    long nextDue = end;
    for (Held l : h.held) {
      if (!l.keep && now >= l.endAt) {
        h.held.remove(l);
        if (l.revoke) {
          revoke(h, l);
        } else {
          abandon(h, l.id);
          soon(h);
        }
        return;
      }
      if (now >= l.nextKeepAlive) {
        keepAlive(h, l);
        return;
      }
      nextDue = Math.min(nextDue, l.keep ? l.nextKeepAlive : Math.min(l.nextKeepAlive, l.endAt));
    }
    long wakeAt = Math.max(nextDue, now + MS);
    at(wakeAt, () -> wake(h));
  }

  /** The holder's next step, after the usual short pause. */
  private void soon(Holder h) {
    at(now + (5 + rnd.nextInt(20)) * MS, () -> wake(h));
  }

  private void grant(Holder h) {
    long ttlMillis = TTL / MS;
    long id = nextLease++;
    op(
        h,
        "grant",
        Map.of("ttl-ms", ttlMillis),
        at -> {
          SimLease l = new SimLease(id);
          leases.put(id, l);
          refresh(l, at);
          return Map.of("lease", id, "ttl-ms", ttlMillis);
        },
        (outcome, result) -> {
          if (outcome.equals("ok")) {
            attach(h, id);
          } else {
            soon(h);
          }
        });
  }

  private void attach(Holder h, long id) {
    String key = String.format("l%06d", nextKey++);
    Map<String, Object> args = Map.of("lease", id, "key", key);
    int pick = rnd.nextInt(10);
    Held held =
        new Held(
            id,
            pick < 2,
            pick >= 7,
            now + (1_000 + rnd.nextInt(7_000)) * MS,
            now + (1_000 + rnd.nextInt(1_500)) * MS);
    op(
        h,
        "put",
        args,
        at -> {
          SimLease l = leases.get(id);
          if (!l.alive) {
            return null;
          }
          l.key = key;
          return args;
        },
        (outcome, result) -> {
          if (outcome.equals("fail")) {
            abandon(h, id);
          } else {
            h.held.add(held);
          }
          soon(h);
        });
  }

  private void keepAlive(Holder h, Held held) {
    op(
        h,
        "keep-alive",
        Map.of("lease", held.id),
        at -> {
          SimLease l = leases.get(held.id);
          if (!l.alive) {
            return null;
          }
          refresh(l, at);
          return Map.of("lease", held.id);
        },
        (outcome, result) -> {
          if (outcome.equals("ok")) {
            held.nextKeepAlive = now + (1_000 + rnd.nextInt(1_500)) * MS;
          } else if (outcome.equals("fail") && !leases.get(held.id).alive) {
            h.held.remove(held);
          } else {
            held.nextKeepAlive = now + 200 * MS;
          }
          soon(h);
        });
  }

  private void revoke(Holder h, Held held) {
    op(
        h,
        "revoke",
        Map.of("lease", held.id),
        at -> {
          SimLease l = leases.get(held.id);
          if (!l.alive) {
            return null;
          }
          l.alive = false;
          return Map.of("lease", held.id, "revision", 1L);
        },
        (outcome, result) -> soon(h));
  }

  private void abandon(Holder h, long id) {
    record(now, "invoke", h.process, "abandon", Map.of("lease", id));
    record(now, "ok", h.process, "abandon", Map.of("lease", id));
  }

  /** A reader: a read of every key present, every 50-100 ms, failing in a leaderless spell. */
  private void read(int process) {
    if (now >= readUntil) {
      return;
    }
    long invokedAt = now;
    record(invokedAt, "invoke", process, "read", null);
    long readAt = invokedAt + (1 + rnd.nextInt(10)) * MS;
    Runnable again = () -> at(now + (50 + rnd.nextInt(50)) * MS, () -> read(process));
    if (inSpell(readAt)) {
      long failAt = invokedAt + 300 * MS;
      at(
          failAt,
          () -> {
            record(failAt, "fail", process, "read", Map.of("error", "UNAVAILABLE"));
            again.run();
          });
      return;
    }
    at(
        readAt,
        () -> {
          List<String> keys =
              leases.values().stream()
                  .filter(l -> l.alive && l.key != null)
                  .map(l -> l.key)
                  .sorted()
                  .toList();
          Map<String, Object> v = new LinkedHashMap<>();
          v.put("keys", keys);
          v.put("term", term);
          long answerAt = readAt + (1 + rnd.nextInt(10)) * MS;
          at(
              answerAt,
              () -> {
                record(answerAt, "ok", process, "read", v);
                again.run();
              });
        });
  }
}
