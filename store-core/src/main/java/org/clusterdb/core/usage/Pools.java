package org.clusterdb.core.usage;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.clusterdb.proto.log.v1.UsageRecord;

/**
 * What the live peers' usage rows add up to, and whether new usage fits. The live rows are the
 * cluster: each brings its share of capacity and its pooled licences, and a dead peer's row, gone
 * with its lease, takes both away with its usage. Pure.
 */
public final class Pools {
  private Pools() {}

  /**
   * Whether {@code n} more of {@code kind} fit.
   *
   * @param used what is in use now, in the unit of {@code limit}
   * @param limit the most there may be, in calls (call slots when calls are limited by capacity),
   *     or {@link Long#MAX_VALUE} when nothing limits the kind
   */
  public record Verdict(boolean admitted, String kind, long used, long limit) {}

  /** Each counter summed over {@code rows}. */
  public static Map<String, Long> totals(Collection<UsageRecord> rows) {
    Map<String, Long> t = new TreeMap<>();
    for (UsageRecord r : rows) {
      r.getCountersMap().forEach((k, v) -> t.merge(k, v, Long::sum));
    }
    return t;
  }

  /** Each pooled licence summed over {@code rows}. */
  public static Map<String, Long> licenses(Collection<UsageRecord> rows) {
    Map<String, Long> t = new TreeMap<>();
    for (UsageRecord r : rows) {
      r.getLicensesMap().forEach((k, v) -> t.merge(k, v, Long::sum));
    }
    return t;
  }

  /**
   * Checks {@code n} more of {@code kind} against the capacity of {@code model} for the peers of
   * {@code rows} and against their pooled licences. For calls both bounds hold: call slots (audio
   * one, video more) against capacity, and calls against call licences where the cluster has any.
   */
  public static Verdict check(
      String kind, long n, Collection<UsageRecord> rows, Optional<Capacity.Model> model) {
    if (n < 1) {
      throw new IllegalArgumentException("n: must be at least 1, got " + n);
    }
    Map<String, Long> totals = totals(rows);
    Map<String, Long> licenses = licenses(rows);
    int peers = Math.max(1, rows.size());
    Verdict licensed = byLicence(kind, n, totals, licenses);
    if (!licensed.admitted() || model.isEmpty()) {
      return licensed;
    }
    Optional<Verdict> bound = byCapacity(kind, n, totals, model.get(), peers);
    if (bound.isEmpty()) {
      return licensed;
    }
    Verdict capacity = bound.get();
    // Report the tighter bound: the one with less room.
    if (!capacity.admitted()
        || licensed.limit() == Long.MAX_VALUE
        || capacity.limit() - capacity.used() < licensed.limit() - licensed.used()) {
      return capacity;
    }
    return licensed;
  }

  /**
   * How many more of {@code kind} could be admitted now, alone; {@link Long#MAX_VALUE} when nothing
   * limits it.
   */
  public static long remaining(
      String kind, Collection<UsageRecord> rows, Optional<Capacity.Model> model) {
    Map<String, Long> totals = totals(rows);
    Verdict licensed = byLicence(kind, 1, totals, licenses(rows));
    long room =
        licensed.limit() == Long.MAX_VALUE
            ? Long.MAX_VALUE
            : Math.max(0, licensed.limit() - licensed.used());
    if (model.isEmpty()) {
      return room;
    }
    Optional<Verdict> bound = byCapacity(kind, 1, totals, model.get(), Math.max(1, rows.size()));
    long perOne = Capacity.isCall(kind) ? Capacity.slots(model.get(), kind) : 1;
    long byCapacity =
        bound.map(b -> Math.max(0, b.limit() - b.used()) / perOne).orElse(Long.MAX_VALUE);
    return Math.min(room, byCapacity);
  }

  /**
   * {@code n} more of {@code kind} against the capacity of {@code peers} peers of {@code model}, in
   * call slots for calls; empty when the figures do not name the kind.
   */
  private static Optional<Verdict> byCapacity(
      String kind, long n, Map<String, Long> totals, Capacity.Model model, int peers) {
    Capacity.Figures figures = Capacity.of(model, peers);
    if (Capacity.isCall(kind)) {
      return Optional.of(
          verdict(
              kind,
              slotsUsed(totals, model),
              n * Capacity.slots(model, kind),
              figures.callSlots()));
    }
    Long limit = figures.byKind().get(kind);
    return limit == null
        ? Optional.empty()
        : Optional.of(verdict(kind, totals.getOrDefault(kind, 0L), n, limit));
  }

  private static long slotsUsed(Map<String, Long> totals, Capacity.Model model) {
    long used = 0;
    for (String call :
        List.of(Capacity.VIDEO_CALLS, Capacity.MRA_VIDEO_CALLS, Capacity.AUDIO_CALLS)) {
      used += totals.getOrDefault(call, 0L) * Capacity.slots(model, call);
    }
    return used;
  }

  private static Verdict byLicence(
      String kind, long n, Map<String, Long> totals, Map<String, Long> licences) {
    List<String> keys = Licenses.limiting(kind);
    long pool = 0;
    boolean any = false;
    for (String k : keys) {
      if (licences.containsKey(k)) {
        any = true;
        pool += licences.get(k);
      }
    }
    if (!any && !Licenses.required(kind)) {
      return new Verdict(true, kind, usedOf(kind, totals), Long.MAX_VALUE);
    }
    return verdict(kind, usedOf(kind, totals), n, pool);
  }

  /** Calls count together against call licences. */
  private static long usedOf(String kind, Map<String, Long> totals) {
    if (!Capacity.isCall(kind)) {
      return totals.getOrDefault(kind, 0L);
    }
    return totals.getOrDefault(Capacity.VIDEO_CALLS, 0L)
        + totals.getOrDefault(Capacity.MRA_VIDEO_CALLS, 0L)
        + totals.getOrDefault(Capacity.AUDIO_CALLS, 0L);
  }

  private static Verdict verdict(String kind, long used, long need, long limit) {
    return new Verdict(used + need <= limit, kind, used, limit);
  }
}
