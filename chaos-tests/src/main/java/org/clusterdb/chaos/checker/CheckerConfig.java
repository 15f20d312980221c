package org.clusterdb.chaos.checker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The search budget of a {@link LinearizabilityChecker}. When either limit is reached, the keys not
 * yet decided are {@link Outcome#UNKNOWN}, never guessed.
 *
 * @param maxStatesPerKey at most this many distinct search states (set of linearized operations,
 *     register value) are cached for one key; the cache is freed between keys
 * @param timeout the whole check, over all keys, gives up after this long
 */
public record CheckerConfig(long maxStatesPerKey, Duration timeout) {
  /**
   * A cached state costs about 100 bytes, so two million of them fit a few hundred MB of heap; a
   * history of a thousand operations per key at concurrency 5 needs a few thousand.
   */
  public static final long DEFAULT_MAX_STATES_PER_KEY = 2_000_000;

  /** Long enough for any history a chaos run produces; short enough to fail a stuck CI job. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  /** The defaults above. */
  public static final CheckerConfig DEFAULTS =
      new CheckerConfig(DEFAULT_MAX_STATES_PER_KEY, DEFAULT_TIMEOUT);

  /**
   * @throws IllegalArgumentException naming every field that is out of range
   */
  public CheckerConfig {
    List<String> problems = new ArrayList<>();
    if (maxStatesPerKey < 1) {
      problems.add("maxStatesPerKey: must be >= 1, was " + maxStatesPerKey);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      problems.add("timeout: must be positive, was " + timeout);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** A builder starting from {@link #DEFAULTS}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link CheckerConfig}; not thread-safe. */
  public static final class Builder {
    private long maxStatesPerKey = DEFAULT_MAX_STATES_PER_KEY;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder() {}

    /** See {@link CheckerConfig#maxStatesPerKey()}. */
    public Builder maxStatesPerKey(long n) {
      this.maxStatesPerKey = n;
      return this;
    }

    /** See {@link CheckerConfig#timeout()}. */
    public Builder timeout(Duration d) {
      this.timeout = d;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming every field that is out of range
     */
    public CheckerConfig build() {
      return new CheckerConfig(maxStatesPerKey, timeout);
    }
  }
}
