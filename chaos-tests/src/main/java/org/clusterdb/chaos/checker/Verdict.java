package org.clusterdb.chaos.checker;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of checking a history: one {@link KeyResult} per key, combined.
 *
 * @param outcome INVALID if any key is, otherwise UNKNOWN if any key is, otherwise VALID (also for
 *     the empty history)
 * @param keys the result of every key in the history, in key order
 */
public record Verdict(Outcome outcome, List<KeyResult> keys) {
  public Verdict {
    Objects.requireNonNull(outcome, "outcome");
    keys = List.copyOf(keys);
    Outcome combined = keys.stream().map(KeyResult::outcome).reduce(Outcome.VALID, Outcome::and);
    if (outcome != combined) {
      throw new IllegalArgumentException(
          "outcome: the keys combine to " + combined + ", was " + outcome);
    }
  }

  /** The verdict of these key results. */
  public static Verdict of(List<KeyResult> keys) {
    return new Verdict(
        keys.stream().map(KeyResult::outcome).reduce(Outcome.VALID, Outcome::and), keys);
  }

  /** True iff the outcome is {@link Outcome#VALID}. */
  public boolean linearizable() {
    return outcome == Outcome.VALID;
  }

  /** The anomalies of the invalid keys, in key order. */
  public List<Anomaly> anomalies() {
    return keys.stream().flatMap(k -> k.anomaly().stream()).toList();
  }

  /** The results of the keys with this outcome, in key order. */
  public List<KeyResult> keysWith(Outcome o) {
    return keys.stream().filter(k -> k.outcome() == o).toList();
  }

  /** The result for {@code key}, if the history addresses it. */
  public Optional<KeyResult> key(String key) {
    return keys.stream().filter(k -> k.key().equals(key)).findFirst();
  }

  /** A summary for a human: the outcome, then each anomaly and each reason for UNKNOWN. */
  public String describe() {
    String nl = System.lineSeparator();
    StringBuilder s = new StringBuilder();
    s.append(outcome).append(": ").append(keys.size()).append(" key(s), ");
    s.append(keysWith(Outcome.INVALID).size()).append(" invalid, ");
    s.append(keysWith(Outcome.UNKNOWN).size()).append(" unknown");
    for (KeyResult k : keys) {
      k.anomaly().ifPresent(a -> s.append(nl).append(a.describe()));
      k.reason().ifPresent(r -> s.append(nl).append("key ").append(k.key()).append(": ").append(r));
    }
    return s.toString();
  }
}
