package org.clusterdb.chaos.checker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.clusterdb.chaos.history.EventLog;

/**
 * The lease workload's check, from its history alone (the events {@code LeaseWorkload} records, in
 * memory or read back from {@code history.jsonl} with {@link EventLog#readJsonLines}).
 *
 * <h2>The history</h2>
 *
 * Invokes and completions ({@code ok}, {@code fail}: surely no effect, {@code info} or none:
 * indeterminate) paired by process; {@code time} in nanoseconds on one clock. Values are maps:
 *
 * <ul>
 *   <li>{@code grant} {@code {ttl-ms}}; ok {@code {lease, ttl-ms}}.
 *   <li>{@code put} {@code {lease, key}}: writes {@code key}, attached to {@code lease}. Each key
 *       is written once, by one put, and never deleted by a client: it is present from the put
 *       until its lease ends, absent before and after.
 *   <li>{@code keep-alive} {@code {lease}}, {@code revoke} {@code {lease}}, {@code abandon} {@code
 *       {lease}} (the holder stops keeping the lease alive; informational: the rules below use the
 *       keep-alives themselves, so they hold whatever the reason keep-alives stopped).
 *   <li>{@code read} ok {@code {keys, term}}: a linearizable read of the whole table, {@code keys}
 *       the keys present, {@code term} the Raft term in the answer's header.
 * </ul>
 *
 * <h2>What the store promises, in real time</h2>
 *
 * The leader measures a lease's TTL from when it applies a grant or keep-alive, which is after the
 * client sent it and before the client has the answer; so an acknowledged refresh invoked at {@code
 * i} keeps the lease until at least {@code i + TTL}. (Not {@code completion + TTL}: an answer can
 * reach the client long after the leader applied it, through a paused or slow member.) A read that
 * returns ok took effect at one instant between its invoke and its completion. A new leader first
 * gives every lease TTL + election timeout from its promotion, so a failover extends leases.
 *
 * <h2>Safety: no key is deleted while its lease is kept alive</h2>
 *
 * A read (ok, invoked at {@code r.inv}, completed at {@code r.end}) that finds key {@code K} of
 * lease {@code L} absent is an anomaly when all of these hold:
 *
 * <ol>
 *   <li>{@code K} surely existed before the read: its put completed ok, or an earlier read saw it,
 *       before {@code r.inv};
 *   <li>some grant or keep-alive of {@code L} that completed ok was invoked at {@code i} with
 *       {@code r.end < i + TTL} (the deletion came before {@code r.end}, and cannot have come
 *       before {@code i + TTL});
 *   <li>no revoke of {@code L} that may have taken effect (ok, info, or pending) was invoked at or
 *       before {@code r.end}.
 * </ol>
 *
 * Keep-alives that failed or whose outcome is unknown do not keep a lease alive here: they may
 * never have reached the leader. This also catches a keep-alive acknowledged after its lease's keys
 * were seen gone. Reading a key that was never attached, or whose put failed, is an anomaly too.
 *
 * <h2>Liveness: no key outlives its lease by more than TTL + election timeout</h2>
 *
 * A key whose lease's revoke was acknowledged at {@code v} must be absent from every read invoked
 * after {@code v} (revoke is linearizable). For expiry, let {@code k} be the latest completion of
 * an ok grant or keep-alive of {@code L}: the leader applied every refresh by then. A read that
 * found {@code K} present, invoked after
 *
 * <pre>{@code bound(T) = max(k + TTL, P(T) + TTL + electionTimeout) + slack}</pre>
 *
 * is an anomaly, where {@code T} is the term in that read's header and {@code P(T)} the earliest
 * completion of any read reporting term {@code T} or later: an upper bound on when the leader of
 * term {@code T} was promoted (a member answers a linearizable read only after applying an entry of
 * the term of the leader that confirmed it). Why: while the leader of term {@code T} leads, a lease
 * ends at the later of its last refresh + TTL and that leader's promotion + TTL + election timeout;
 * had a later leader taken over before the read, the read's term would be that leader's. {@code
 * slack} covers the leader's two 100 ms ticks (promotion, expiry scan), committing the revocation
 * and applying it on the member that answers, on a loaded machine. It is not a sampling allowance:
 * only reads invoked after the bound can blame the store. A lease is judged when a read found its
 * key gone or a read ran after its bound; one that neither happened to (the quorum was lost, the
 * run ended) is counted unjudged, never blamed. Leases with an indeterminate keep-alive are
 * unjudged too: that keep-alive may still be applied later, at an unknown time. Assumed: a leader
 * is promoted once per term.
 *
 * <p>And, whatever the lease: once a read invoked after the key existed found it gone, no read
 * invoked after that one completed may find it again (the key is never written again).
 *
 * <p>Stateless; {@link #check} throws {@link IllegalArgumentException} for a malformed history (a
 * completion without an invoke, a put for a lease never granted, a key put twice).
 */
public final class LeaseChecker {
  /** How many anomalies of one kind are listed; the rest are counted. */
  private static final int SHOWN = 20;

  private LeaseChecker() {}

  /**
   * The server settings and allowance the liveness bound uses.
   *
   * @param electionTimeout the extension a new leader gives every lease on top of its TTL (the
   *     servers' {@code raft.electionTimeoutMax})
   * @param slack the allowance for the leader's ticks, the revocation's commit and its apply
   */
  public record Bounds(Duration electionTimeout, Duration slack) {
    public Bounds {
      Objects.requireNonNull(electionTimeout, "electionTimeout");
      Objects.requireNonNull(slack, "slack");
      if (electionTimeout.isNegative() || slack.isNegative()) {
        throw new IllegalArgumentException("bounds: must not be negative");
      }
    }
  }

  /** One invoke and its completion; {@code end} is {@link Long#MAX_VALUE} when it has none. */
  private record Call(
      String f,
      Object process,
      Map<?, ?> args,
      String outcome,
      Map<?, ?> result,
      long inv,
      long end,
      long index) {
    boolean ok() {
      return outcome.equals("ok");
    }

    boolean failed() {
      return outcome.equals("fail");
    }

    boolean indeterminate() {
      return outcome.equals("info");
    }
  }

  private record Read(
      long index, Object process, long inv, long end, Set<String> keys, long term) {}

  private static final class Lease {
    final long id;
    final long ttl;
    final Call grant;
    String key;
    boolean putFailed;
    long putOk = Long.MAX_VALUE;
    final List<Call> keepAlives = new ArrayList<>();
    final List<Call> revokes = new ArrayList<>();

    Lease(long id, long ttl, Call grant) {
      this.id = id;
      this.ttl = ttl;
      this.grant = grant;
    }

    /** The latest invoke of an ok grant or keep-alive. */
    long latestOkRefreshInvoke() {
      return refreshes().stream().filter(Call::ok).mapToLong(Call::inv).max().orElseThrow();
    }

    List<Call> refreshes() {
      List<Call> all = new ArrayList<>(keepAlives);
      all.add(grant);
      return all;
    }

    boolean mayBeRevokedBy(long time) {
      return revokes.stream().anyMatch(r -> !r.failed() && r.inv() <= time);
    }

    long revokeAcknowledged() {
      return revokes.stream().filter(Call::ok).mapToLong(Call::end).min().orElse(Long.MAX_VALUE);
    }
  }

  /** Checks {@code history}; see the class comment. */
  public static CheckResult check(List<EventLog.Event> history, Bounds bounds) {
    List<Call> calls = pair(history);
    Map<Long, Lease> leases = new LinkedHashMap<>();
    Map<String, Lease> byKey = new HashMap<>();
    List<Read> reads = new ArrayList<>();
    for (Call c : calls) {
      switch (c.f()) {
        case "grant" -> {
          if (c.ok()) {
            long id = number(c.result(), "lease");
            long ttl = Duration.ofMillis(number(c.result(), "ttl-ms")).toNanos();
            leases.put(id, new Lease(id, ttl, c));
          }
        }
        case "put" -> {
          Lease l = lease(leases, c);
          String key = string(c.args(), "key");
          if (l.key != null || byKey.containsKey(key)) {
            throw new IllegalArgumentException("a second put of lease " + l.id + " or key " + key);
          }
          l.key = key;
          byKey.put(key, l);
          l.putFailed = c.failed();
          l.putOk = c.ok() ? c.end() : Long.MAX_VALUE;
        }
        case "keep-alive" -> lease(leases, c).keepAlives.add(c);
        case "revoke" -> lease(leases, c).revokes.add(c);
        case "read" -> {
          if (c.ok()) {
            Object term = c.result().get("term");
            reads.add(
                new Read(
                    c.index(),
                    c.process(),
                    c.inv(),
                    c.end(),
                    new HashSet<>(strings(c.result(), "keys")),
                    term == null ? -1 : ((Number) term).longValue()));
          }
        }
        default -> {
          // abandon and anything else: informational.
        }
      }
    }
    Map<String, Long> firstSeen = new HashMap<>();
    for (Read r : reads) {
      for (String k : r.keys()) {
        firstSeen.merge(k, r.end(), Math::min);
      }
    }
    TreeMap<Long, Long> promotedBy = promotedBy(reads);

    Map<String, Object> stats = new LinkedHashMap<>();
    List<String> deletedEarly = new ArrayList<>();
    List<String> outlived = new ArrayList<>();
    List<String> cameBack = new ArrayList<>();
    List<String> phantoms = new ArrayList<>();
    long protectedReads = 0;
    for (Read r : reads) {
      for (String k : r.keys()) {
        Lease l = byKey.get(k);
        if (l == null || l.putFailed) {
          phantoms.add(
              describe(r)
                  + " found key "
                  + k
                  + (l == null ? ", which no put wrote" : ", whose put failed"));
        }
      }
    }
    int attached = 0;
    int revokedOk = 0;
    int judged = 0;
    int unjudgedIndeterminate = 0;
    int unjudgedNoRead = 0;
    long slowestExpiry = -1;
    for (Lease l : leases.values()) {
      if (l.key == null || l.putFailed) {
        continue;
      }
      attached++;
      long existed = Math.min(l.putOk, firstSeen.getOrDefault(l.key, Long.MAX_VALUE));
      long i = l.latestOkRefreshInvoke();
      boolean early = false;
      for (Read r : reads) {
        // Only reads after the key surely existed, and before i + TTL, while no revoke may have
        // run: the lease must still hold the key.
        if (r.inv() < existed || r.end() >= i + l.ttl || l.mayBeRevokedBy(r.end())) {
          continue;
        }
        protectedReads++;
        if (!r.keys().contains(l.key) && !early) {
          early = true;
          deletedEarly.add(
              lease(l)
                  + ": "
                  + describe(r)
                  + " found it absent, but the "
                  + (i == l.grant.inv() ? "grant" : "keep-alive")
                  + " invoked at "
                  + seconds(i)
                  + " was acknowledged: the lease lives until at least "
                  + seconds(i + l.ttl));
        }
      }

      // Keys are written once: once a read found the key gone, it never comes back.
      long goneBy =
          reads.stream()
              .filter(r -> r.inv() >= existed && !r.keys().contains(l.key))
              .mapToLong(Read::end)
              .min()
              .orElse(Long.MAX_VALUE);
      reads.stream()
          .filter(r -> r.inv() > goneBy && r.keys().contains(l.key))
          .findFirst()
          .ifPresent(
              r ->
                  cameBack.add(
                      lease(l)
                          + ": "
                          + describe(r)
                          + " found it present after a read ending at "
                          + seconds(goneBy)
                          + " had found it gone"));

      long revoked = l.revokeAcknowledged();
      if (revoked != Long.MAX_VALUE) {
        revokedOk++;
        reads.stream()
            .filter(r -> r.inv() > revoked && r.keys().contains(l.key))
            .findFirst()
            .ifPresent(
                r ->
                    outlived.add(
                        lease(l)
                            + ": "
                            + describe(r)
                            + " found it present after the revoke acknowledged at "
                            + seconds(revoked)));
        continue;
      }
      if (l.keepAlives.stream().anyMatch(Call::indeterminate)) {
        unjudgedIndeterminate++;
        continue;
      }
      long k = l.refreshes().stream().filter(Call::ok).mapToLong(Call::end).max().orElseThrow();
      long et = bounds.electionTimeout().toNanos();
      long slack = bounds.slack().toNanos();
      // Judged: a read found the key gone (for good), or a read ran after the bound.
      boolean judgedHere = goneBy != Long.MAX_VALUE;
      for (Read r : reads) {
        if (r.term() < 0) {
          continue;
        }
        long bound = Math.max(k + l.ttl, promotedBy.get(r.term()) + l.ttl + et) + slack;
        if (r.inv() <= bound) {
          continue;
        }
        judgedHere = true;
        if (r.keys().contains(l.key)) {
          outlived.add(
              lease(l)
                  + ": "
                  + describe(r)
                  + " found it present, after its bound "
                  + seconds(bound)
                  + " (last refresh acknowledged at "
                  + seconds(k)
                  + ", term "
                  + r.term()
                  + " promoted by "
                  + seconds(promotedBy.get(r.term()))
                  + ")");
          break;
        }
      }
      if (!judgedHere) {
        unjudgedNoRead++;
        continue;
      }
      judged++;
      long gone =
          reads.stream()
              .filter(r -> r.inv() >= k && !r.keys().contains(l.key))
              .mapToLong(Read::end)
              .min()
              .orElse(-1);
      if (gone >= 0) {
        slowestExpiry = Math.max(slowestExpiry, (gone - k) / 1_000_000);
      }
    }
    stats.put("leases", leases.size());
    stats.put("keysAttached", attached);
    stats.put("reads", reads.size());
    stats.put("readsWhileKeptAlive", protectedReads);
    stats.put("revoked", revokedOk);
    stats.put("expiryJudged", judged);
    stats.put("expiryUnjudgedIndeterminateKeepAlive", unjudgedIndeterminate);
    stats.put("expiryUnjudgedNoRead", unjudgedNoRead);
    stats.put("slowestExpiryMillis", slowestExpiry);
    stats.put("terms", promotedBy.size());
    List<String> anomalies = new ArrayList<>();
    shown(anomalies, "deleted while kept alive", deletedEarly);
    shown(anomalies, "outlived its lease", outlived);
    shown(anomalies, "came back", cameBack);
    shown(anomalies, "never attached", phantoms);
    if (anomalies.isEmpty() && attached == 0) {
      return new CheckResult(
          "lease", Outcome.UNKNOWN, List.of("no key was attached to a lease"), stats);
    }
    return CheckResult.of("lease", anomalies, stats);
  }

  private static void shown(List<String> into, String kind, List<String> found) {
    found.stream().limit(SHOWN).forEach(into::add);
    if (found.size() > SHOWN) {
      into.add("... " + (found.size() - SHOWN) + " more keys " + kind);
    }
  }

  /** Term to the earliest completion of a read reporting that term or a later one. */
  private static TreeMap<Long, Long> promotedBy(Collection<Read> reads) {
    TreeMap<Long, Long> earliest = new TreeMap<>();
    for (Read r : reads) {
      if (r.term() >= 0) {
        earliest.merge(r.term(), r.end(), Math::min);
      }
    }
    long min = Long.MAX_VALUE;
    for (Map.Entry<Long, Long> e : earliest.descendingMap().entrySet()) {
      min = Math.min(min, e.getValue());
      e.setValue(min);
    }
    return earliest;
  }

  /** Invokes paired with their completions by process, in invoke order. */
  private static List<Call> pair(List<EventLog.Event> history) {
    Map<Object, EventLog.Event> pending = new HashMap<>();
    List<EventLog.Event> invokes = new ArrayList<>();
    Map<EventLog.Event, EventLog.Event> completion = new HashMap<>();
    for (EventLog.Event e : history) {
      Object process = normal(e.process());
      if (e.type().equals("invoke")) {
        if (pending.put(process, e) != null) {
          throw new IllegalArgumentException(
              "process " + process + " invokes at " + e.index() + " with an operation outstanding");
        }
        invokes.add(e);
      } else {
        EventLog.Event invoke = pending.remove(process);
        if (invoke == null || !invoke.f().equals(e.f())) {
          throw new IllegalArgumentException(
              "completion at " + e.index() + " of process " + process + " matches no invoke");
        }
        completion.put(invoke, e);
      }
    }
    List<Call> calls = new ArrayList<>();
    for (EventLog.Event inv : invokes) {
      EventLog.Event c = completion.get(inv);
      calls.add(
          new Call(
              inv.f(),
              normal(inv.process()),
              map(inv.value()),
              c == null ? "info" : c.type(),
              c == null ? Map.of() : map(c.value()),
              inv.timeNanos(),
              c == null ? Long.MAX_VALUE : c.timeNanos(),
              inv.index()));
    }
    return calls;
  }

  /** Integer and Long process ids (in memory, read back) are the same process. */
  private static Object normal(Object process) {
    return process instanceof Number n ? (Object) n.longValue() : process;
  }

  private static Lease lease(Map<Long, Lease> leases, Call c) {
    long id = number(c.args(), "lease");
    Lease l = leases.get(id);
    if (l == null) {
      throw new IllegalArgumentException(
          c.f() + " at " + c.index() + " of lease " + id + ", which no ok grant returned");
    }
    return l;
  }

  private static Map<?, ?> map(Object value) {
    return value instanceof Map<?, ?> m ? m : Map.of();
  }

  private static long number(Map<?, ?> m, String field) {
    if (m.get(field) instanceof Number n) {
      return n.longValue();
    }
    throw new IllegalArgumentException(field + ": missing or not a number in " + m);
  }

  private static String string(Map<?, ?> m, String field) {
    if (m.get(field) instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException(field + ": missing or not a string in " + m);
  }

  private static List<String> strings(Map<?, ?> m, String field) {
    if (m.get(field) instanceof List<?> l) {
      return l.stream().map(String::valueOf).toList();
    }
    throw new IllegalArgumentException(field + ": missing or not a list in " + m);
  }

  private static String lease(Lease l) {
    return "key " + l.key + " of lease " + l.id + " (ttl " + l.ttl / 1_000_000 + " ms)";
  }

  private static String describe(Read r) {
    return "read "
        + r.index()
        + " by p"
        + r.process()
        + " ["
        + seconds(r.inv())
        + ".."
        + seconds(r.end())
        + "]";
  }

  /** Nanoseconds since the origin as seconds with millisecond precision. */
  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.3fs", nanos / 1e9);
  }
}
