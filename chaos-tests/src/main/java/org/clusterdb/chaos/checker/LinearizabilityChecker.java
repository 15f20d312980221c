package org.clusterdb.chaos.checker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.clusterdb.chaos.history.History;
import org.clusterdb.chaos.history.Op;
import org.clusterdb.chaos.history.Operation;

/**
 * Checks that a history of register operations is linearizable, key by key.
 *
 * <p>The model is one register per key: initially absent; a read returns the current value; a write
 * sets it; a cas sets it iff it equals the expected value (null: absent). How completions count:
 *
 * <ul>
 *   <li>{@code ok}: took effect between its invoke and its completion; a read returned its value; a
 *       cas matched and applied.
 *   <li>{@code fail}: did not take effect; dropped.
 *   <li>{@code info}, or no completion: may have taken effect at any time after its invoke, or
 *       never; its completion is treated as being at infinity. A read of unknown result constrains
 *       nothing and is dropped.
 * </ul>
 *
 * <p>Linearizability is local (Herlihy and Wing, 1990: P-compositionality), so the history is split
 * by key and each key is searched alone (see {@link RegisterSearch}). Before the search, an
 * indeterminate write or cas whose new value no ok read returned and no cas expects is dropped: in
 * any linearization that places it, the next operation overwrites it unseen, so removing it leaves
 * a linearization.
 *
 * <p>The answer is never guessed: when the budget of {@link CheckerConfig} runs out, the keys not
 * yet decided are {@link Outcome#UNKNOWN}. Instances are immutable and thread-safe; each {@link
 * #check} runs on the calling thread.
 */
public final class LinearizabilityChecker {
  private final CheckerConfig config;

  /** A checker with {@link CheckerConfig#DEFAULTS}. */
  public LinearizabilityChecker() {
    this(CheckerConfig.DEFAULTS);
  }

  /** A checker with the given budget. */
  public LinearizabilityChecker(CheckerConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /** Checks {@code history}; see the class comment. */
  public Verdict check(History history) {
    long deadline = System.nanoTime() + config.timeout().toNanos();
    List<KeyResult> results = new ArrayList<>();
    for (Map.Entry<String, List<Operation>> e : byKey(history).entrySet()) {
      List<Operation> ops = searched(e.getValue());
      if (System.nanoTime() - deadline > 0) {
        results.add(
            new KeyResult(
                e.getKey(),
                Outcome.UNKNOWN,
                ops.size(),
                0,
                Optional.empty(),
                Optional.of("the deadline passed before this key was checked")));
      } else {
        results.add(new RegisterSearch(e.getKey(), ops).run(config.maxStatesPerKey(), deadline));
      }
    }
    return Verdict.of(results);
  }

  private static Map<String, List<Operation>> byKey(History history) {
    Map<String, List<Operation>> byKey = new TreeMap<>();
    for (Operation o : history.operations()) {
      byKey.computeIfAbsent(o.invoke().key(), k -> new ArrayList<>()).add(o);
    }
    return byKey;
  }

  /** The operations of one key that the search must place; see the class comment. */
  private static List<Operation> searched(List<Operation> all) {
    Set<String> observed = new HashSet<>();
    for (Operation o : all) {
      if (o.invoke().f() == Op.Fn.READ && o.ok()) {
        observed.add(o.completion().get().value());
      } else if (o.invoke().f() == Op.Fn.CAS && !o.failed()) {
        observed.add(o.invoke().expected());
      }
    }
    List<Operation> kept = new ArrayList<>();
    for (Operation o : all) {
      boolean keep =
          switch (o.invoke().f()) {
            case READ -> o.ok();
            case WRITE, CAS ->
                o.ok() || (o.indeterminate() && observed.contains(o.invoke().value()));
          };
      if (keep) {
        kept.add(o);
      }
    }
    return kept;
  }
}
