package org.clusterdb.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the pause before retry {@code n} is drawn from {@code [d/2, d]}
 * where {@code d = min(max, initial * 2^n)}.
 */
record Backoff(Duration initial, Duration max) {

  /** The pause, in milliseconds, after {@code failures} consecutive failures (0 for the first). */
  long delayMillis(int failures) {
    long cap = max.toMillis();
    long d = Math.min(cap, initial.toMillis() << Math.min(Math.max(failures, 0), 20));
    // Jitter spreads the retries of many clients that lost the same member at the same moment.
    return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
  }
}
