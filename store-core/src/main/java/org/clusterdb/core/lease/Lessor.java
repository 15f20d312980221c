package org.clusterdb.core.lease;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The clock of leases on one member. Every replica tracks each lease's deadline from the grants and
 * keep-alives it applies; only a promoted leader acts on them, by proposing the revocation of the
 * leases whose deadline passed.
 *
 * <p>A lease is never expired early by a change of leader: on promotion, every lease the new
 * leader's state holds gets at least its TTL plus {@code extension} (an election timeout) from the
 * moment of promotion. A keep-alive acknowledged to a client was committed before the new leader
 * could be elected, so the lease lives at least TTL after that acknowledgement. Thread-safe.
 */
public final class Lessor {
  private final LongSupplier nanos;
  private final Map<Long, Tracked> leases = new HashMap<>();
  private boolean leading;
  private long leadingTerm = -1;

  private static final class Tracked {
    long deadline;
    long renewals;
    boolean revoking;

    Tracked(long deadline, long renewals) {
      this.deadline = deadline;
      this.renewals = renewals;
    }
  }

  /** A lease as the state holds it. */
  public record Granted(long ttlMillis, long renewals) {}

  /**
   * A lease past its deadline, with the renewals applied when its deadline was set: its revocation
   * must not apply if a keep-alive applied since.
   */
  public record Expiry(long id, long renewals) {}

  /** A lessor on {@code nanos}, a monotonic clock ({@code System::nanoTime}). */
  public Lessor(LongSupplier nanos) {
    this.nanos = nanos;
  }

  /**
   * A grant or keep-alive of lease {@code id} was applied, its {@code renewals}-th: its TTL starts
   * again now.
   */
  public synchronized void refreshed(long id, long ttlMillis, long renewals) {
    long ttl = TimeUnit.MILLISECONDS.toNanos(ttlMillis);
    long deadline = nanos.getAsLong() + ttl;
    Tracked t = leases.get(id);
    if (t == null) {
      leases.put(id, new Tracked(deadline, renewals));
      return;
    }
    if (deadline - t.deadline > 0) {
      t.deadline = deadline;
    }
    t.renewals = Math.max(t.renewals, renewals);
  }

  /** Lease {@code id} was revoked or expired, or does not exist. */
  public synchronized void revoked(long id) {
    leases.remove(id);
  }

  /**
   * This member leads in {@code term}: {@code byId} is every lease its state holds. Each lives at
   * least its TTL plus {@code extensionMillis} from now; leases not in the state are forgotten.
   */
  public synchronized void promote(long term, Map<Long, Granted> byId, long extensionMillis) {
    long now = nanos.getAsLong();
    long extension = TimeUnit.MILLISECONDS.toNanos(extensionMillis);
    leases.keySet().retainAll(byId.keySet());
    byId.forEach(
        (id, granted) -> {
          long ttl = TimeUnit.MILLISECONDS.toNanos(granted.ttlMillis());
          long floor = now + ttl + extension;
          Tracked t = leases.get(id);
          if (t == null) {
            leases.put(id, new Tracked(floor, granted.renewals()));
          } else {
            t.revoking = false;
            t.renewals = Math.max(t.renewals, granted.renewals());
            if (floor - t.deadline > 0) {
              t.deadline = floor;
            }
          }
        });
    leading = true;
    leadingTerm = term;
  }

  /** This member no longer leads: it proposes nothing until promoted again. */
  public synchronized void demote() {
    leading = false;
    leadingTerm = -1;
    leases.values().forEach(t -> t.revoking = false);
  }

  /** Whether this member was promoted for {@code term} and has not been demoted since. */
  public synchronized boolean leads(long term) {
    return leading && leadingTerm == term;
  }

  /**
   * The leases past their deadline, for a promoted leader to revoke; each is returned once, until
   * {@link #revokeFailed} or a keep-alive that applies first. Empty unless leading.
   */
  public synchronized List<Expiry> expired() {
    if (!leading) {
      return List.of();
    }
    long now = nanos.getAsLong();
    List<Expiry> due = new ArrayList<>();
    leases.forEach(
        (id, t) -> {
          if (!t.revoking && now - t.deadline >= 0) {
            t.revoking = true;
            due.add(new Expiry(id, t.renewals));
          }
        });
    return due;
  }

  /** The revocation of {@code id} was not applied (leadership lost, say): a later scan retries. */
  public synchronized void revokeFailed(long id) {
    Tracked t = leases.get(id);
    if (t != null) {
      t.revoking = false;
    }
  }

  /**
   * How long lease {@code id} has left by this member's clock, 0 when due; empty when this member
   * does not know it.
   */
  public synchronized OptionalLong remainingMillis(long id) {
    Tracked t = leases.get(id);
    if (t == null) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(
        Math.max(0, TimeUnit.NANOSECONDS.toMillis(t.deadline - nanos.getAsLong())));
  }

  /** How many leases this member tracks. */
  public synchronized int size() {
    return leases.size();
  }
}
