package org.clusterdb.chaos.checker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.clusterdb.chaos.history.Op;
import org.clusterdb.chaos.history.Operation;

/**
 * The linearizability search for one register: Wing and Gong's depth-first search for a
 * linearization, with Lowe's improvements as Porcupine implements them ("just-in-time
 * linearization"): the history is a doubly linked list of call and return entries in history order;
 * the search linearizes a pending call, lifts it and its return out of the list, and backtracks
 * when it reaches the return of an operation it has not linearized. A cache of the states entered,
 * (set of linearized operations, register value), prunes every state explored before (Lowe,
 * "Testing for linearizability", 2017, section 3).
 *
 * <p>Operations are determinate (ok reads, writes and cas) or indeterminate (writes and cas that
 * completed {@code info} or never completed). An indeterminate operation has a call entry but no
 * return entry: it may take effect at any point after its invoke, and the search succeeds once
 * every determinate operation is linearized, leaving the rest as never having taken effect.
 *
 * <p>Indeterminate operations with the same effect (twins: the same function and operands) are
 * interchangeable, as none has a return to meet: if a linearization places some of them, one also
 * exists that places the earliest-invoked ones, in invoke order. So a twin is placed only after the
 * twins invoked before it, which turns the 2^k subsets of k twins into k + 1 prefixes.
 *
 * <p>Single-use and not thread-safe.
 */
final class RegisterSearch {
  private static final int NIL = -1;
  private static final int HEAD = 0;
  private static final int ILLEGAL = -1;
  private static final int ABSENT = 0;
  private static final byte READ = 0;
  private static final byte WRITE = 1;
  private static final byte CAS = 2;

  /** How many loop iterations pass between two looks at the clock. */
  private static final int CLOCK_EVERY = 4096;

  private final String key;
  private final List<Operation> ops;
  private final int n;
  private final List<String> values = new ArrayList<>();

  // Per operation, numbered in invoke order.
  private final byte[] kind;
  private final int[] arg;
  private final int[] arg2;
  private final boolean[] determinate;
  private final long[] returnIndex;
  private final int[] previousTwin;

  // Per entry: HEAD, then the calls and returns in history order.
  private final int[] next;
  private final int[] prev;
  private final int[] entryOp;
  private final int[] match;
  private final boolean[] isCall;

  private final Linearized linearized;
  private final int determinateCount;

  private long stuckAt = -1;
  private int stuckOp;
  private int[] stuckPrefix;
  private int stuckState;
  private int[] stuckConcurrent;

  /**
   * @param ops the key's operations: no failed ones and no indeterminate reads
   */
  RegisterSearch(String key, List<Operation> ops) {
    this.key = key;
    this.ops = ops.stream().sorted(Comparator.comparingLong(o -> o.invoke().index())).toList();
    this.n = this.ops.size();
    kind = new byte[n];
    arg = new int[n];
    arg2 = new int[n];
    determinate = new boolean[n];
    returnIndex = new long[n];
    previousTwin = new int[n];
    Map<String, Integer> ids = new HashMap<>();
    Map<List<Integer>, Integer> lastTwin = new HashMap<>();
    values.add(null);
    List<long[]> events = new ArrayList<>();
    int determinates = 0;
    for (int i = 0; i < n; i++) {
      Operation o = this.ops.get(i);
      Op invoke = o.invoke();
      determinate[i] = o.ok();
      if (!determinate[i] && (!o.indeterminate() || invoke.f() == Op.Fn.READ)) {
        throw new IllegalArgumentException("not searched: " + o.describe());
      }
      determinates += determinate[i] ? 1 : 0;
      returnIndex[i] = o.completion().map(Op::index).orElse(Long.MAX_VALUE);
      switch (invoke.f()) {
        case READ -> {
          kind[i] = READ;
          arg[i] = intern(ids, o.completion().get().value());
        }
        case WRITE -> {
          kind[i] = WRITE;
          arg[i] = intern(ids, invoke.value());
        }
        case CAS -> {
          kind[i] = CAS;
          arg[i] = intern(ids, invoke.expected());
          arg2[i] = intern(ids, invoke.value());
        }
      }
      previousTwin[i] = NIL;
      if (!determinate[i]) {
        List<Integer> effect = List.of((int) kind[i], arg[i], arg2[i]);
        previousTwin[i] = lastTwin.getOrDefault(effect, NIL);
        lastTwin.put(effect, i);
      }
      events.add(new long[] {invoke.index(), i, 1});
      if (determinate[i]) {
        events.add(new long[] {returnIndex[i], i, 0});
      }
    }
    determinateCount = determinates;
    events.sort(Comparator.comparingLong(e -> e[0]));
    int size = events.size() + 1;
    next = new int[size];
    prev = new int[size];
    entryOp = new int[size];
    match = new int[size];
    isCall = new boolean[size];
    int[] callEntry = new int[n];
    Arrays.fill(match, NIL);
    for (int e = 1; e < size; e++) {
      long[] event = events.get(e - 1);
      int op = (int) event[1];
      entryOp[e] = op;
      isCall[e] = event[2] == 1;
      if (isCall[e]) {
        callEntry[op] = e;
      } else {
        match[callEntry[op]] = e;
      }
    }
    for (int e = 0; e < size; e++) {
      next[e] = e + 1 < size ? e + 1 : NIL;
      prev[e] = e - 1;
    }
    linearized = new Linearized(n);
  }

  private int intern(Map<String, Integer> ids, String value) {
    if (value == null) {
      return ABSENT;
    }
    return ids.computeIfAbsent(
        value,
        v -> {
          values.add(v);
          return values.size() - 1;
        });
  }

  /**
   * Searches for a linearization.
   *
   * @param maxStates give up (UNKNOWN) once more states than this are cached
   * @param deadlineNanos give up (UNKNOWN) once {@link System#nanoTime()} passes this
   */
  KeyResult run(long maxStates, long deadlineNanos) {
    Set<Config> cache = new HashSet<>();
    int[] stackEntry = new int[n];
    int[] stackState = new int[n];
    int depth = 0;
    int state = ABSENT;
    int remaining = determinateCount;
    int entry = next[HEAD];
    long iterations = 0;
    while (remaining > 0) {
      if (++iterations % CLOCK_EVERY == 0 && System.nanoTime() - deadlineNanos > 0) {
        return unknown("the deadline passed after " + cache.size() + " states", cache.size());
      }
      if (isCall[entry]) {
        int op = entryOp[entry];
        int after = step(op, state);
        if (after != ILLEGAL && (previousTwin[op] == NIL || linearized.get(previousTwin[op]))) {
          linearized.set(op);
          if (cache.add(linearized.config(after))) {
            if (cache.size() > maxStates) {
              return unknown("more than " + maxStates + " states (maxStatesPerKey)", cache.size());
            }
            stackEntry[depth] = entry;
            stackState[depth] = state;
            depth++;
            state = after;
            remaining -= determinate[op] ? 1 : 0;
            lift(entry);
            entry = next[HEAD];
            continue;
          }
          linearized.clear(op);
        }
        entry = next[entry];
      } else {
        noteStuck(entry, state, stackEntry, depth);
        if (depth == 0) {
          return new KeyResult(
              key, Outcome.INVALID, n, cache.size(), Optional.of(anomaly()), Optional.empty());
        }
        depth--;
        entry = stackEntry[depth];
        state = stackState[depth];
        int op = entryOp[entry];
        linearized.clear(op);
        remaining += determinate[op] ? 1 : 0;
        unlift(entry);
        entry = next[entry];
      }
    }
    return new KeyResult(key, Outcome.VALID, n, cache.size(), Optional.empty(), Optional.empty());
  }

  /** The register's value after {@code op} in {@code state}, or ILLEGAL if op cannot go there. */
  private int step(int op, int state) {
    return switch (kind[op]) {
      case READ -> arg[op] == state ? state : ILLEGAL;
      case WRITE -> arg[op];
      // An indeterminate cas that would not match is left unlinearized instead: with no return
      // entry it never has to be placed, and as a no-op it would change nothing.
      default -> arg[op] == state ? arg2[op] : ILLEGAL;
    };
  }

  /** Removes a call entry and its return entry, if any, from the list. */
  private void lift(int call) {
    unlink(call);
    if (match[call] != NIL) {
      unlink(match[call]);
    }
  }

  /** Undoes the {@link #lift} of {@code call}; lifts are undone in reverse order. */
  private void unlift(int call) {
    int ret = match[call];
    if (ret != NIL) {
      relink(ret);
    }
    relink(call);
  }

  private void unlink(int e) {
    next[prev[e]] = next[e];
    if (next[e] != NIL) {
      prev[next[e]] = prev[e];
    }
  }

  private void relink(int e) {
    next[prev[e]] = e;
    if (next[e] != NIL) {
      prev[next[e]] = e;
    }
  }

  /** Remembers the stuck point that lies furthest into the history, to explain an INVALID. */
  private void noteStuck(int returnEntry, int state, int[] stackEntry, int depth) {
    int op = entryOp[returnEntry];
    if (returnIndex[op] <= stuckAt) {
      return;
    }
    stuckAt = returnIndex[op];
    stuckOp = op;
    stuckState = state;
    stuckPrefix = new int[depth];
    for (int i = 0; i < depth; i++) {
      stuckPrefix[i] = entryOp[stackEntry[i]];
    }
    List<Integer> pending = new ArrayList<>();
    for (int e = next[HEAD]; e != returnEntry; e = next[e]) {
      if (isCall[e] && entryOp[e] != op) {
        pending.add(entryOp[e]);
      }
    }
    stuckConcurrent = pending.stream().mapToInt(Integer::intValue).toArray();
  }

  private Anomaly anomaly() {
    return new Anomaly(
        key,
        ops.get(stuckOp),
        Optional.ofNullable(values.get(stuckState)),
        Arrays.stream(stuckPrefix).mapToObj(ops::get).toList(),
        Arrays.stream(stuckConcurrent).mapToObj(ops::get).toList());
  }

  private KeyResult unknown(String reason, long states) {
    return new KeyResult(key, Outcome.UNKNOWN, n, states, Optional.empty(), Optional.of(reason));
  }

  /**
   * A set of operation numbers as a bitset, with what a compact cache key needs kept up to date:
   * every number below {@code 64 * fullWords} is in the set, none at or above {@code hi}.
   */
  private static final class Linearized {
    private final long[] words;
    private int fullWords;
    private int hi;
    private int[] scratch = new int[16];

    Linearized(int size) {
      words = new long[(size + 63) >>> 6];
    }

    boolean get(int i) {
      return (words[i >>> 6] & (1L << i)) != 0;
    }

    void set(int i) {
      words[i >>> 6] |= 1L << i;
      while (fullWords < words.length && words[fullWords] == -1L) {
        fullWords++;
      }
      hi = Math.max(hi, i + 1);
    }

    void clear(int i) {
      int w = i >>> 6;
      words[w] &= ~(1L << i);
      fullWords = Math.min(fullWords, w);
      if (i + 1 == hi) {
        hi = 0;
        for (int j = w; j >= 0; j--) {
          if (words[j] != 0) {
            hi = (j << 6) + 64 - Long.numberOfLeadingZeros(words[j]);
            break;
          }
        }
      }
    }

    /**
     * The key of this set with register value {@code state}: the set as {@code [0, hi)} less its
     * holes. Operations are numbered in invoke order, so the holes are the few operations
     * concurrent with the latest linearized one plus the pending indeterminate ones, and the key
     * stays small however long the history.
     */
    Config config(int state) {
      int count = 0;
      int lastWord = (hi - 1) >>> 6;
      for (int w = fullWords; hi > 0 && w <= lastWord; w++) {
        long clear = ~words[w];
        if (w == lastWord && (hi & 63) != 0) {
          clear &= (1L << hi) - 1;
        }
        while (clear != 0) {
          if (count == scratch.length) {
            scratch = Arrays.copyOf(scratch, count * 2);
          }
          scratch[count++] = (w << 6) + Long.numberOfTrailingZeros(clear);
          clear &= clear - 1;
        }
      }
      return new Config(state, hi, Arrays.copyOf(scratch, count));
    }
  }

  /** A cache key: a register value and a set of linearized operations, {@code [0, hi) - holes}. */
  private static final class Config {
    private final int state;
    private final int hi;
    private final int[] holes;
    private final int hash;

    Config(int state, int hi, int[] holes) {
      this.state = state;
      this.hi = hi;
      this.holes = holes;
      this.hash = 31 * (31 * state + hi) + Arrays.hashCode(holes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Config c
          && c.hash == hash
          && c.state == state
          && c.hi == hi
          && Arrays.equals(c.holes, holes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
