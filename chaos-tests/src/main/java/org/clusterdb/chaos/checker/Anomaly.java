package org.clusterdb.chaos.checker;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.clusterdb.chaos.history.Operation;

/**
 * Why a key's history is not linearizable, as far as the search got: the longest linearizable
 * prefix it found, measured by how late in the history the stuck operation completes, and the
 * operation that no ordering could place before its completion.
 *
 * @param key the register
 * @param operation the operation that could not be linearized before it completed
 * @param registerValue the register's value after {@code linearized}; empty for absent
 * @param linearized a linearization of earlier operations, in linearization order (it may include
 *     indeterminate operations, placed where they may have taken effect)
 * @param concurrent the other operations, not in {@code linearized}, invoked before {@code
 *     operation} completed: none of them could be placed next either
 */
public record Anomaly(
    String key,
    Operation operation,
    Optional<String> registerValue,
    List<Operation> linearized,
    List<Operation> concurrent) {
  /** How many of the last linearized operations {@link #describe()} lists. */
  public static final int DESCRIBED_PREFIX = 8;

  public Anomaly {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(registerValue, "registerValue");
    linearized = List.copyOf(linearized);
    concurrent = List.copyOf(concurrent);
  }

  /** A few lines for a human: the stuck operation, the tail of the prefix, the alternatives. */
  public String describe() {
    String nl = System.lineSeparator();
    StringBuilder s = new StringBuilder();
    s.append("key ").append(key).append(": cannot linearize ").append(operation.describe());
    s.append(nl).append("  after linearizing ").append(linearized.size()).append(" operation(s)");
    int from = Math.max(0, linearized.size() - DESCRIBED_PREFIX);
    if (from > 0) {
      s.append(", the last ").append(DESCRIBED_PREFIX);
    }
    s.append(':');
    for (Operation o : linearized.subList(from, linearized.size())) {
      s.append(nl).append("    ").append(o.describe());
    }
    s.append(nl).append("  the register holds ");
    s.append(registerValue.map(v -> '"' + v + '"').orElse("absent"));
    if (concurrent.isEmpty()) {
      s.append(", and no other operation is pending");
    } else {
      s.append(", and none of these pending operations can go next either:");
      for (Operation o : concurrent) {
        s.append(nl).append("    ").append(o.describe());
      }
    }
    return s.toString();
  }
}
