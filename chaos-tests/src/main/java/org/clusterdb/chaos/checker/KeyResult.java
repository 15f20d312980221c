package org.clusterdb.chaos.checker;

import java.util.Objects;
import java.util.Optional;

/**
 * The check of one key's sub-history.
 *
 * @param key the register
 * @param outcome valid, invalid or unknown
 * @param operations how many operations the search had to place (after dropping failed operations,
 *     indeterminate reads, and indeterminate writes that nothing observes)
 * @param statesExplored distinct search states visited
 * @param anomaly present iff {@code outcome} is {@link Outcome#INVALID}
 * @param reason present iff {@code outcome} is {@link Outcome#UNKNOWN}: which budget ran out
 */
public record KeyResult(
    String key,
    Outcome outcome,
    int operations,
    long statesExplored,
    Optional<Anomaly> anomaly,
    Optional<String> reason) {
  public KeyResult {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(anomaly, "anomaly");
    Objects.requireNonNull(reason, "reason");
    if (anomaly.isPresent() != (outcome == Outcome.INVALID)) {
      throw new IllegalArgumentException("anomaly: present iff INVALID, outcome was " + outcome);
    }
    if (reason.isPresent() != (outcome == Outcome.UNKNOWN)) {
      throw new IllegalArgumentException("reason: present iff UNKNOWN, outcome was " + outcome);
    }
  }
}
