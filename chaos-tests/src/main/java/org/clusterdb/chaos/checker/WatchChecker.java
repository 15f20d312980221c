package org.clusterdb.chaos.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The watch workload's check. Every watcher watched the same key range from the same start revision
 * and was read until the same final revision; then:
 *
 * <ul>
 *   <li>each watcher's revisions never go back, and no (revision, key) comes twice (a revision may
 *       carry several keys, one event each);
 *   <li>every watcher saw exactly the same sequence of events (so no gap one of them skipped);
 *   <li>every acknowledged write is in it, at the revision the write was acknowledged with;
 *   <li>every event carries a value some write attempted (nothing invented).
 * </ul>
 *
 * Stateless.
 */
public final class WatchChecker {
  private WatchChecker() {}

  /** One change a watcher saw. */
  public record Seen(long revision, String key, String value) {
    public Seen {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * @param watchers the events each watcher saw, in delivery order, by watcher name; at least one
   * @param acknowledged each acknowledged write's value and the revision it was acknowledged with
   * @param attempted every value a write was invoked with (values are unique)
   */
  public static CheckResult check(
      Map<String, List<Seen>> watchers, Map<String, Long> acknowledged, Set<String> attempted) {
    List<String> anomalies = new ArrayList<>();
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("watchers", watchers.size());
    stats.put("attempted", attempted.size());
    stats.put("acknowledged", acknowledged.size());
    if (watchers.isEmpty()) {
      return new CheckResult("watch", Outcome.UNKNOWN, List.of("no watcher"), stats);
    }
    List<Seen> reference = null;
    String referenceName = null;
    for (Map.Entry<String, List<Seen>> w : watchers.entrySet()) {
      String name = w.getKey();
      List<Seen> seen = w.getValue();
      Set<String> delivered = new HashSet<>();
      for (int i = 0; i < seen.size(); i++) {
        Seen s = seen.get(i);
        if (i > 0 && s.revision() < seen.get(i - 1).revision()) {
          anomalies.add(
              name
                  + " went back from revision "
                  + seen.get(i - 1).revision()
                  + " to "
                  + s.revision());
          break;
        }
        if (!delivered.add(s.revision() + "/" + s.key())) {
          anomalies.add(name + " saw key " + s.key() + " at revision " + s.revision() + " twice");
          break;
        }
      }
      if (reference == null) {
        reference = seen;
        referenceName = name;
      } else if (!reference.equals(seen)) {
        anomalies.add(
            name + " and " + referenceName + " differ: " + firstDifference(reference, seen));
      }
    }
    Map<String, Long> revisionOf = new HashMap<>();
    for (Seen s : reference) {
      if (!attempted.contains(s.value())) {
        anomalies.add(referenceName + " saw a value no write attempted: " + s);
      }
      revisionOf.putIfAbsent(s.value(), s.revision());
    }
    int missing = 0;
    for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
      Long at = revisionOf.get(ack.getKey());
      if (at == null) {
        if (missing++ < 10) {
          anomalies.add(
              "acknowledged write "
                  + ack.getKey()
                  + " at revision "
                  + ack.getValue()
                  + " never seen");
        }
      } else if (at.longValue() != ack.getValue()) {
        anomalies.add(
            "acknowledged write "
                + ack.getKey()
                + " at revision "
                + ack.getValue()
                + " seen at revision "
                + at);
      }
    }
    if (missing > 10) {
      anomalies.add("... " + (missing - 10) + " more acknowledged writes never seen");
    }
    stats.put("events", reference.size());
    return CheckResult.of("watch", anomalies, stats);
  }

  private static String firstDifference(List<Seen> a, List<Seen> b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      if (!a.get(i).equals(b.get(i))) {
        return "event " + i + ": " + a.get(i) + " vs " + b.get(i);
      }
    }
    return "lengths " + a.size() + " vs " + b.size() + " (equal for the first " + n + ")";
  }
}
