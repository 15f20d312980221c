package org.clusterdb.chaos.checker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The primary workload's check: while the configuration primary is cut off from the majority, no
 * write invoked after the cut is acknowledged before the admin starts changing the primary; once
 * the change is made, writes are acknowledged again before the partition heals. Times are
 * nanoseconds since the run's origin, never negative. A write invoked before the change and
 * acknowledged after it does not count as writes resuming: it may have been accepted by the old
 * primary. Stateless.
 */
public final class PrimaryChecker {
  private PrimaryChecker() {}

  /**
   * One write.
   *
   * @param invokedNanos when it was sent
   * @param okNanos when it was acknowledged, or -1 if it was not
   */
  public record Write(long invokedNanos, long okNanos) {
    public Write {
      if (invokedNanos < 0 || (okNanos >= 0 && okNanos < invokedNanos)) {
        throw new IllegalArgumentException("times: " + invokedNanos + ", " + okNanos);
      }
    }

    public boolean ok() {
      return okNanos >= 0;
    }
  }

  /**
   * One episode of the primary nemesis.
   *
   * @param cutNanos when the primary was cut off (after the rules were in place)
   * @param changingNanos when the admin first asked the new primary to take over: from then on the
   *     cluster may accept writes again, as the request may take effect before its answer comes
   * @param changedNanos when the primary change had been made on the majority
   * @param healedNanos when the partition was healed
   * @param oldPrimary the primary cut off
   * @param newPrimary the primary made on the majority
   */
  public record Episode(
      long cutNanos,
      long changingNanos,
      long changedNanos,
      long healedNanos,
      String oldPrimary,
      String newPrimary) {
    public Episode {
      if (cutNanos < 0
          || !(cutNanos <= changingNanos
              && changingNanos <= changedNanos
              && changedNanos <= healedNanos)) {
        throw new IllegalArgumentException(
            "times: need cut <= changing <= changed <= healed: "
                + cutNanos
                + ", "
                + changingNanos
                + ", "
                + changedNanos
                + ", "
                + healedNanos);
      }
    }
  }

  public static CheckResult check(List<Write> writes, List<Episode> episodes) {
    List<String> anomalies = new ArrayList<>();
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("writes", writes.size());
    stats.put("acknowledged", writes.stream().filter(Write::ok).count());
    stats.put("episodes", episodes.size());
    if (episodes.isEmpty()) {
      return new CheckResult(
          "primary", Outcome.UNKNOWN, List.of("the primary was never cut off"), stats);
    }
    int i = 0;
    long resumedWithinNanos = -1;
    for (Episode e : episodes) {
      i++;
      long accepted =
          writes.stream()
              .filter(
                  w -> w.ok() && w.invokedNanos() > e.cutNanos() && w.okNanos() < e.changingNanos())
              .count();
      if (accepted > 0) {
        anomalies.add(
            "episode "
                + i
                + ": "
                + accepted
                + " write(s) accepted while "
                + e.oldPrimary()
                + " was cut off and before "
                + e.newPrimary()
                + " became primary");
      }
      long firstAfter =
          writes.stream()
              .filter(
                  w ->
                      w.ok()
                          && w.invokedNanos() >= e.changedNanos()
                          && w.okNanos() <= e.healedNanos())
              .mapToLong(Write::okNanos)
              .min()
              .orElse(-1);
      if (firstAfter < 0) {
        anomalies.add(
            "episode " + i + ": no write was accepted after " + e.newPrimary() + " became primary");
      } else {
        resumedWithinNanos = Math.max(resumedWithinNanos, firstAfter - e.changedNanos());
      }
    }
    stats.put("slowestResumeMillis", resumedWithinNanos < 0 ? -1 : resumedWithinNanos / 1_000_000);
    return CheckResult.of("primary", anomalies, stats);
  }
}
