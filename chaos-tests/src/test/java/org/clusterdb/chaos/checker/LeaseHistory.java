package org.clusterdb.chaos.checker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clusterdb.chaos.history.EventLog.Event;

/**
 * Builds a lease workload history by hand, in the layout {@link LeaseChecker} reads, with times in
 * milliseconds. Each operation gets a process of its own; {@link #build} orders the events by time
 * and numbers them. Not thread-safe.
 */
final class LeaseHistory {
  static final long MS = 1_000_000;

  private record Timed(long time, long seq, String type, int process, String f, Object value) {}

  private final List<Timed> events = new ArrayList<>();
  private int nextProcess;
  private long seq;

  /** An ok grant of {@code lease} with {@code ttlMillis}. */
  LeaseHistory grant(long lease, long ttlMillis, long inv, long end) {
    return op(
        "grant",
        Map.of("ttl-ms", ttlMillis),
        "ok",
        Map.of("lease", lease, "ttl-ms", ttlMillis),
        inv,
        end);
  }

  /** A put of {@code key} attached to {@code lease}, completed {@code type}. */
  LeaseHistory put(long lease, String key, String type, long inv, long end) {
    Map<String, Object> v = Map.of("lease", lease, "key", key);
    return op("put", v, type, v, inv, end);
  }

  LeaseHistory keepAlive(long lease, String type, long inv, long end) {
    return op("keep-alive", Map.of("lease", lease), type, Map.of("lease", lease), inv, end);
  }

  LeaseHistory revoke(long lease, String type, long inv, long end) {
    return op("revoke", Map.of("lease", lease), type, Map.of("lease", lease), inv, end);
  }

  LeaseHistory abandon(long lease, long at) {
    return op("abandon", Map.of("lease", lease), "ok", Map.of("lease", lease), at, at);
  }

  /** An operation invoked at {@code inv} that never completed. */
  LeaseHistory pending(String f, long lease, long inv) {
    events.add(new Timed(inv * MS, seq++, "invoke", nextProcess++, f, Map.of("lease", lease)));
    return this;
  }

  /** An ok read of the whole table in {@code term}, which found exactly {@code keys}. */
  LeaseHistory read(long term, long inv, long end, String... keys) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("keys", List.of(keys));
    v.put("term", term);
    return op("read", null, "ok", v, inv, end);
  }

  LeaseHistory readFailed(long inv, long end) {
    return op("read", null, "fail", Map.of("error", "UNAVAILABLE"), inv, end);
  }

  /** Ok reads every {@code everyMillis} from {@code from} to {@code to}, each taking 5 ms. */
  LeaseHistory reads(long term, long from, long to, long everyMillis, String... keys) {
    for (long t = from; t <= to; t += everyMillis) {
      read(term, t, t + 5, keys);
    }
    return this;
  }

  private LeaseHistory op(String f, Object args, String type, Object result, long inv, long end) {
    int p = nextProcess++;
    events.add(new Timed(inv * MS, seq++, "invoke", p, f, args));
    events.add(new Timed(end * MS, seq++, type, p, f, result));
    return this;
  }

  List<Event> build() {
    List<Timed> sorted =
        events.stream()
            .sorted(Comparator.comparingLong(Timed::time).thenComparingLong(Timed::seq))
            .toList();
    List<Event> out = new ArrayList<>();
    for (Timed t : sorted) {
      out.add(new Event(t.type(), t.process(), t.f(), t.value(), out.size(), t.time()));
    }
    return out;
  }
}
