package org.clusterdb.chaos.checker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The set workload's check: every acknowledged add is in every final read; nothing is read that was
 * never attempted; every final read agrees. Adds that failed definitely must be absent;
 * indeterminate ones may be either. Stateless.
 */
public final class SetChecker {
  private static final int SHOWN = 10;

  private SetChecker() {}

  /**
   * @param attempted every element an add was invoked for
   * @param acknowledged the adds that completed OK
   * @param failed the adds that completed with a definite failure
   * @param finalReads each node's final read of the whole set, by node name; at least one
   */
  public static CheckResult check(
      Set<Long> attempted,
      Set<Long> acknowledged,
      Set<Long> failed,
      Map<String, Set<Long>> finalReads) {
    for (long a : acknowledged) {
      if (!attempted.contains(a)) {
        throw new IllegalArgumentException("acknowledged: " + a + " was never attempted");
      }
    }
    List<String> anomalies = new ArrayList<>();
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("attempted", attempted.size());
    stats.put("acknowledged", acknowledged.size());
    stats.put("failed", failed.size());
    stats.put("indeterminate", attempted.size() - acknowledged.size() - failed.size());
    if (finalReads.isEmpty()) {
      return new CheckResult("set", Outcome.UNKNOWN, List.of("no final read succeeded"), stats);
    }
    Set<Long> reference = null;
    String referenceNode = null;
    for (Map.Entry<String, Set<Long>> read : finalReads.entrySet()) {
      String node = read.getKey();
      Set<Long> seen = read.getValue();
      TreeSet<Long> lost = new TreeSet<>(acknowledged);
      lost.removeAll(seen);
      if (!lost.isEmpty()) {
        anomalies.add(node + " lost " + lost.size() + " acknowledged add(s): " + first(lost));
      }
      TreeSet<Long> unexpected = new TreeSet<>(seen);
      unexpected.removeAll(attempted);
      if (!unexpected.isEmpty()) {
        anomalies.add(
            node
                + " read "
                + unexpected.size()
                + " never-attempted element(s): "
                + first(unexpected));
      }
      TreeSet<Long> revived = new TreeSet<>(seen);
      revived.retainAll(failed);
      if (!revived.isEmpty()) {
        anomalies.add(
            node + " read " + revived.size() + " add(s) that failed definitely: " + first(revived));
      }
      if (reference == null) {
        reference = seen;
        referenceNode = node;
      } else if (!reference.equals(seen)) {
        TreeSet<Long> diff = new TreeSet<>(reference);
        diff.addAll(seen);
        TreeSet<Long> both = new TreeSet<>(reference);
        both.retainAll(seen);
        diff.removeAll(both);
        anomalies.add(
            node + " and " + referenceNode + " disagree on " + diff.size() + ": " + first(diff));
      }
    }
    stats.put("finalReads", finalReads.size());
    stats.put("finalSize", reference.size());
    TreeSet<Long> recovered = new TreeSet<>(reference);
    recovered.removeAll(acknowledged);
    recovered.removeAll(failed);
    recovered.retainAll(attempted);
    stats.put("indeterminateFound", recovered.size());
    return CheckResult.of("set", anomalies, stats);
  }

  private static String first(TreeSet<Long> values) {
    List<Long> shown = values.stream().limit(SHOWN).toList();
    return shown + (values.size() > SHOWN ? " ..." : "");
  }
}
