package org.clusterdb.chaos.checker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one checker concluded about one run.
 *
 * @param checker the checker's name, e.g. {@code linearizable} or {@code set}
 * @param outcome VALID, INVALID (each anomaly listed), or UNKNOWN (the reason listed)
 * @param anomalies one line per anomaly or, for UNKNOWN, per reason; empty when VALID
 * @param stats counts for the summary, in insertion order
 */
public record CheckResult(
    String checker, Outcome outcome, List<String> anomalies, Map<String, Object> stats) {
  public CheckResult {
    Objects.requireNonNull(checker, "checker");
    Objects.requireNonNull(outcome, "outcome");
    anomalies = List.copyOf(anomalies);
    stats = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stats));
    if (outcome == Outcome.VALID && !anomalies.isEmpty()) {
      throw new IllegalArgumentException("anomalies: a VALID result has none: " + anomalies);
    }
    if (outcome != Outcome.VALID && anomalies.isEmpty()) {
      throw new IllegalArgumentException("anomalies: an " + outcome + " result names why");
    }
  }

  /** VALID when there are no anomalies, else INVALID. */
  public static CheckResult of(String checker, List<String> anomalies, Map<String, Object> stats) {
    return new CheckResult(
        checker, anomalies.isEmpty() ? Outcome.VALID : Outcome.INVALID, anomalies, stats);
  }

  /** The result of the linearizability checker, in this form. */
  public static CheckResult of(Verdict verdict, Map<String, Object> stats) {
    List<String> lines =
        verdict.keys().stream()
            .filter(k -> k.outcome() != Outcome.VALID)
            .map(
                k ->
                    k.anomaly()
                        .map(Anomaly::describe)
                        .orElseGet(() -> "key " + k.key() + ": " + k.reason().orElse("unknown")))
            .toList();
    Map<String, Object> all = new LinkedHashMap<>(stats);
    all.put("keys", verdict.keys().size());
    all.put("invalidKeys", verdict.keysWith(Outcome.INVALID).size());
    all.put("unknownKeys", verdict.keysWith(Outcome.UNKNOWN).size());
    return new CheckResult("linearizable", verdict.outcome(), lines, all);
  }
}
