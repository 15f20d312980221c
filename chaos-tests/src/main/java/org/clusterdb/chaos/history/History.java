package org.clusterdb.chaos.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A Jepsen-style history: the invokes and completions of concurrent client processes, in the order
 * they happened. Immutable and thread-safe; the constructor validates it.
 *
 * <p>A valid history satisfies:
 *
 * <ul>
 *   <li>the op at position {@code i} has {@link Op#index()} {@code i};
 *   <li>a process has at most one invoke outstanding, and completes it with an op of the same
 *       function and key (and, for a write or cas, the same operands);
 *   <li>after an {@link Op.Type#INFO} completion the process never issues again: as in Jepsen, the
 *       client that replaces a crashed one takes a new process id;
 *   <li>an invoke may stay uncompleted at the end; it is indeterminate, like an {@code INFO}.
 * </ul>
 *
 * @param ops the events, in order
 */
public record History(List<Op> ops) {
  /** At most this many problems are listed in a validation error. */
  private static final int MAX_PROBLEMS_REPORTED = 20;

  /** The empty history. */
  public static final History EMPTY = new History(List.of());

  /**
   * @throws IllegalArgumentException listing every violation of the rules above (the first {@value
   *     #MAX_PROBLEMS_REPORTED}, then a count)
   */
  public History {
    ops = List.copyOf(ops);
    List<String> problems = validate(ops);
    if (!problems.isEmpty()) {
      StringBuilder s = new StringBuilder("invalid history:");
      problems.stream()
          .limit(MAX_PROBLEMS_REPORTED)
          .forEach(p -> s.append(System.lineSeparator()).append("  ").append(p));
      if (problems.size() > MAX_PROBLEMS_REPORTED) {
        s.append(System.lineSeparator())
            .append("  ... and ")
            .append(problems.size() - MAX_PROBLEMS_REPORTED)
            .append(" more");
      }
      throw new IllegalArgumentException(s.toString());
    }
  }

  /** A builder that numbers the ops it is given; see {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The number of events. */
  public int size() {
    return ops.size();
  }

  /** The keys addressed by the history, sorted. */
  public SortedSet<String> keys() {
    SortedSet<String> keys = new TreeSet<>();
    ops.forEach(op -> keys.add(op.key()));
    return keys;
  }

  /**
   * Every invoke paired with its completion (empty if it has none), in invoke order. Computed on
   * each call.
   */
  public List<Operation> operations() {
    Map<Integer, Op> outstanding = new HashMap<>();
    Map<Op, Op> completionOf = new HashMap<>();
    for (Op op : ops) {
      if (op.type() == Op.Type.INVOKE) {
        outstanding.put(op.process(), op);
      } else {
        completionOf.put(outstanding.remove(op.process()), op);
      }
    }
    List<Operation> operations = new ArrayList<>();
    for (Op op : ops) {
      if (op.type() == Op.Type.INVOKE) {
        operations.add(new Operation(op, Optional.ofNullable(completionOf.get(op))));
      }
    }
    return List.copyOf(operations);
  }

  private static List<String> validate(List<Op> ops) {
    List<String> problems = new ArrayList<>();
    Map<Integer, Op> outstanding = new HashMap<>();
    Map<Integer, Op> crashedAt = new HashMap<>();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < ops.size(); i++) {
      Op op = Objects.requireNonNull(ops.get(i), "ops contains null");
      if (op.index() != i) {
        problems.add("op at position " + i + " has index " + op.index());
      }
      int p = op.process();
      seen.add(p);
      if (op.type() == Op.Type.INVOKE) {
        Op open = outstanding.get(p);
        if (open != null) {
          problems.add(
              "process "
                  + p
                  + " invokes at "
                  + i
                  + " while its invoke at "
                  + open.index()
                  + " is outstanding");
        }
        Op crash = crashedAt.get(p);
        if (crash != null) {
          problems.add(
              "process "
                  + p
                  + " invokes at "
                  + i
                  + " after its INFO at "
                  + crash.index()
                  + "; a crashed process must take a new id");
        }
        outstanding.put(p, op);
        continue;
      }
      Op invoke = outstanding.remove(p);
      if (invoke == null) {
        problems.add("completion at " + i + " of process " + p + " matches no outstanding invoke");
        continue;
      }
      if (invoke.f() != op.f()
          || !invoke.key().equals(op.key())
          || (op.f() != Op.Fn.READ
              && (!Objects.equals(invoke.expected(), op.expected())
                  || !Objects.equals(invoke.value(), op.value())))) {
        problems.add(
            "completion at "
                + i
                + " ("
                + op.describe()
                + ") does not match its invoke at "
                + invoke.index()
                + " ("
                + invoke.describe()
                + ")");
      }
      if (op.type() == Op.Type.INFO) {
        crashedAt.put(p, op);
      }
    }
    return problems;
  }

  /**
   * Builds a history event by event, numbering them and stamping each with its index as its time.
   * Completions copy their invoke's function, key and operands; completing a process that has no
   * outstanding invoke throws {@link IllegalStateException}. Not thread-safe; {@link #build}
   * validates.
   */
  public static final class Builder {
    private final List<Op> ops = new ArrayList<>();
    private final Map<Integer, Op> outstanding = new HashMap<>();

    private Builder() {}

    /** Appends an invoke of a read of {@code key} by {@code process}. */
    public Builder invokeRead(int process, String key) {
      return invoke(Op.invokeRead(process, key, next(), next()));
    }

    /** Appends an invoke of a write of {@code value} to {@code key} by {@code process}. */
    public Builder invokeWrite(int process, String key, String value) {
      return invoke(Op.invokeWrite(process, key, value, next(), next()));
    }

    /**
     * Appends an invoke of a compare-and-set of {@code key} from {@code expected} to {@code value}.
     */
    public Builder invokeCas(int process, String key, String expected, String value) {
      return invoke(Op.invokeCas(process, key, expected, value, next(), next()));
    }

    /** Appends the OK completion of {@code process}'s outstanding write or cas. */
    public Builder ok(int process) {
      return complete(process, Op.Type.OK);
    }

    /**
     * Appends the OK completion of {@code process}'s outstanding read, which read {@code value}.
     */
    public Builder okRead(int process, String value) {
      return completed(pending(process).completeRead(value, next(), next()));
    }

    /** Appends the FAIL completion of {@code process}'s outstanding operation. */
    public Builder fail(int process) {
      return complete(process, Op.Type.FAIL);
    }

    /** Appends the INFO completion of {@code process}'s outstanding operation. */
    public Builder info(int process) {
      return complete(process, Op.Type.INFO);
    }

    /**
     * The history built so far.
     *
     * @throws IllegalArgumentException if it is invalid
     */
    public History build() {
      return new History(ops);
    }

    private Builder invoke(Op invoke) {
      outstanding.put(invoke.process(), invoke);
      return append(invoke);
    }

    private Builder complete(int process, Op.Type type) {
      return completed(pending(process).complete(type, next(), next()));
    }

    private Builder completed(Op completion) {
      outstanding.remove(completion.process());
      return append(completion);
    }

    private Op pending(int process) {
      Op invoke = outstanding.get(process);
      if (invoke == null) {
        throw new IllegalStateException("process " + process + " has no outstanding invoke");
      }
      return invoke;
    }

    private Builder append(Op op) {
      ops.add(op);
      return this;
    }

    private long next() {
      return ops.size();
    }
  }
}
