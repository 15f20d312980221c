package org.clusterdb.chaos.checker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import org.clusterdb.chaos.history.History;
import org.clusterdb.chaos.history.Op;
import org.clusterdb.chaos.history.Operation;

/**
 * Histories recorded from a real, sequential register per key driven by concurrent simulated
 * clients: every operation takes effect atomically at a random moment between its invoke and its
 * completion, so every history made here is linearizable by construction. Crashes make operations
 * indeterminate: a crashed write or cas may take effect before the crash, after it (much later), or
 * never; the crashed client's replacement takes a new process id, as in Jepsen.
 *
 * @param keys how many registers
 * @param opsPerKey how many operations are invoked on each register
 * @param concurrency how many clients each register has at a time
 * @param crashRate the chance that a client in flight crashes at a given step of it
 * @param valueDomain 0: every write and cas writes a value of its own; n: values are drawn from n
 * @param casRate the share of cas among the operations (the rest: reads and writes half and half)
 */
record RegisterSimulation(
    int keys, int opsPerKey, int concurrency, double crashRate, int valueDomain, double casRate) {

  /** The value no simulation ever writes. */
  static final String NEVER_WRITTEN = "never-written";

  private enum Phase {
    IDLE,
    INVOKED,
    APPLIED
  }

  /** A history recorded from the simulation, with events of different keys randomly interleaved. */
  History run(Random rnd) {
    int[] nextProcess = {0};
    List<List<Event>> perKey = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      perKey.add(runKey("k" + k, rnd, nextProcess));
    }
    History.Builder b = History.builder();
    int[] cursor = new int[keys];
    int left = perKey.stream().mapToInt(List::size).sum();
    while (left > 0) {
      int k = rnd.nextInt(keys);
      if (cursor[k] < perKey.get(k).size()) {
        perKey.get(k).get(cursor[k]++).appendTo(b);
        left--;
      }
    }
    return b.build();
  }

  private List<Event> runKey(String key, Random rnd, int[] nextProcess) {
    List<Event> events = new ArrayList<>();
    int[] process = new int[concurrency];
    Phase[] phase = new Phase[concurrency];
    Op.Fn[] f = new Op.Fn[concurrency];
    String[] expected = new String[concurrency];
    String[] value = new String[concurrency];
    boolean[] applied = new boolean[concurrency];
    List<Zombie> zombies = new ArrayList<>();
    String register = null;
    List<String> written = new ArrayList<>();
    int invoked = 0;
    int counter = 0;
    for (int s = 0; s < concurrency; s++) {
      process[s] = nextProcess[0]++;
      phase[s] = Phase.IDLE;
    }
    while (invoked < opsPerKey) {
      if (!zombies.isEmpty() && rnd.nextInt(20) == 0) {
        Zombie z = zombies.remove(rnd.nextInt(zombies.size()));
        if (z.f() == Op.Fn.WRITE || Objects.equals(register, z.expected())) {
          register = z.value();
        }
        continue;
      }
      int s = rnd.nextInt(concurrency);
      switch (phase[s]) {
        case IDLE -> {
          double r = rnd.nextDouble();
          if (r < casRate) {
            f[s] = Op.Fn.CAS;
            expected[s] =
                rnd.nextBoolean() || written.isEmpty()
                    ? register
                    : written.get(rnd.nextInt(written.size()));
            value[s] = nextValue(key, rnd, counter++);
            written.add(value[s]);
          } else if (r < casRate + (1 - casRate) / 2) {
            f[s] = Op.Fn.WRITE;
            expected[s] = null;
            value[s] = nextValue(key, rnd, counter++);
            written.add(value[s]);
          } else {
            f[s] = Op.Fn.READ;
            expected[s] = null;
            value[s] = null;
          }
          events.add(Event.invoke(process[s], f[s], key, expected[s], value[s]));
          phase[s] = Phase.INVOKED;
          invoked++;
        }
        case INVOKED -> {
          if (rnd.nextDouble() < crashRate) {
            if (f[s] != Op.Fn.READ && rnd.nextBoolean()) {
              zombies.add(new Zombie(f[s], expected[s], value[s]));
            }
            events.add(Event.info(process[s]));
            process[s] = nextProcess[0]++;
            phase[s] = Phase.IDLE;
            break;
          }
          switch (f[s]) {
            case READ -> value[s] = register;
            case WRITE -> register = value[s];
            case CAS -> {
              applied[s] = Objects.equals(register, expected[s]);
              if (applied[s]) {
                register = value[s];
              }
            }
          }
          phase[s] = Phase.APPLIED;
        }
        case APPLIED -> {
          if (rnd.nextDouble() < crashRate) {
            events.add(Event.info(process[s]));
            process[s] = nextProcess[0]++;
          } else if (f[s] == Op.Fn.READ) {
            events.add(Event.okRead(process[s], value[s]));
          } else if (f[s] == Op.Fn.CAS && !applied[s]) {
            events.add(Event.fail(process[s]));
          } else {
            events.add(Event.ok(process[s]));
          }
          phase[s] = Phase.IDLE;
        }
      }
    }
    // Clients still in flight when the run stops stay uncompleted in the history.
    return events;
  }

  private String nextValue(String key, Random rnd, int counter) {
    return valueDomain == 0 ? key + "-" + counter : Integer.toString(rnd.nextInt(valueDomain));
  }

  /** A crashed write or cas that has not taken effect yet, and may later. */
  private record Zombie(Op.Fn f, String expected, String value) {}

  private record Event(Op.Type type, int process, Op.Fn f, String key, String expected, String v) {
    static Event invoke(int process, Op.Fn f, String key, String expected, String value) {
      return new Event(Op.Type.INVOKE, process, f, key, expected, value);
    }

    static Event okRead(int process, String value) {
      return new Event(Op.Type.OK, process, Op.Fn.READ, null, null, value);
    }

    static Event ok(int process) {
      return new Event(Op.Type.OK, process, null, null, null, null);
    }

    static Event fail(int process) {
      return new Event(Op.Type.FAIL, process, null, null, null, null);
    }

    static Event info(int process) {
      return new Event(Op.Type.INFO, process, null, null, null, null);
    }

    void appendTo(History.Builder b) {
      switch (type) {
        case INVOKE -> {
          switch (f) {
            case READ -> b.invokeRead(process, key);
            case WRITE -> b.invokeWrite(process, key, v);
            case CAS -> b.invokeCas(process, key, expected, v);
          }
        }
        case OK -> {
          if (f == Op.Fn.READ) {
            b.okRead(process, v);
          } else {
            b.ok(process);
          }
        }
        case FAIL -> b.fail(process);
        case INFO -> b.info(process);
      }
    }
  }

  /**
   * {@code history} with the value of the ok read completing at {@code completionIndex} replaced.
   */
  static History withReadValue(History history, long completionIndex, String value) {
    List<Op> ops = new ArrayList<>(history.ops());
    Op c = ops.get((int) completionIndex);
    if (c.f() != Op.Fn.READ || c.type() != Op.Type.OK) {
      throw new IllegalArgumentException("not an ok read: " + c.describe());
    }
    ops.set(
        (int) completionIndex,
        new Op(c.type(), c.process(), c.f(), c.key(), null, value, c.index(), c.timeNanos()));
    return new History(ops);
  }

  /**
   * An ok read that, made to return an older value, is surely a stale read: a write W of a value
   * only W writes completed, then another ok write began and completed, then the read began. Empty
   * if the history has none. Only meaningful with {@code valueDomain == 0}.
   */
  static Optional<StaleRead> findStaleRead(History history, Random rnd) {
    List<Operation> ops = history.operations();
    List<Operation> reads =
        new ArrayList<>(ops.stream().filter(o -> o.ok() && o.invoke().f() == Op.Fn.READ).toList());
    Collections.shuffle(reads, rnd);
    for (Operation r : reads) {
      List<Operation> before =
          ops.stream()
              .filter(o -> o.ok() && o.invoke().f() != Op.Fn.READ)
              .filter(o -> o.invoke().key().equals(r.invoke().key()))
              .filter(o -> o.completion().get().index() < r.invoke().index())
              .sorted(Comparator.comparingLong(o -> o.completion().get().index()))
              .toList();
      if (before.isEmpty()) {
        continue;
      }
      Operation w = before.get(0);
      long wDone = w.completion().get().index();
      boolean overwritten = before.stream().anyMatch(o -> o.invoke().index() > wDone);
      if (overwritten && !w.invoke().value().equals(r.completion().get().value())) {
        return Optional.of(new StaleRead(r, w.invoke().value()));
      }
    }
    return Optional.empty();
  }

  /** A read and the stale value it is to return. */
  record StaleRead(Operation read, String staleValue) {}
}
