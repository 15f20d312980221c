package org.clusterdb.api;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runtime state the members share, as the appliance's peers share their usage: each member owns one
 * row of the cluster table {@code clusterdb.usage} (rows owned by their members, see {@link
 * TableOptions#peerOwnedRows()}), attached to its own lease so a dead member's usage goes by itself
 * after the lease's TTL. Rows are written while the configuration primary is down too.
 *
 * <p>Admission adds usage only if the cluster stays within its capacity and its pooled licences: it
 * is a transaction on every member's row, so concurrent admissions on different members never
 * exceed them together.
 */
public interface SharedUsage {
  /** Sets this member's counters to {@code counters} (kinds absent become 0). */
  CompletableFuture<PeerUsage> publish(Map<String, Long> counters);

  /**
   * Adds {@code n} of {@code kind} to this member's row if the cluster's capacity and pooled
   * licences allow it; otherwise changes nothing and says so.
   */
  CompletableFuture<Admission> admit(String kind, long n);

  /** Takes {@code n} of {@code kind} off this member's row (not below 0). */
  CompletableFuture<PeerUsage> release(String kind, long n);

  /** Every live member's row, the totals, capacity and what remains. */
  CompletableFuture<UsageReport> report();
}
