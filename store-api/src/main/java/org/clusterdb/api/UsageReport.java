package org.clusterdb.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster's shared runtime state, as one linearizable read saw it.
 *
 * @param revision the revision read
 * @param peers every live member's row, by member id
 * @param totals each usage counter summed over the rows
 * @param licenses each pooled licence summed over the rows
 * @param platform the platform of the answering member
 * @param configuredPeers the peers in the cluster's settings
 * @param capacity the capacity table's figures for {@code configuredPeers} peers of {@code
 *     platform}, by kind; empty when the table does not list the platform
 * @param liveCapacity the same figures for the live peers (one per row): what admission holds to
 * @param remaining for each limited kind, how many more could be admitted now: the tighter of live
 *     capacity and pooled licences, in calls for call kinds (each kind alone)
 */
public record UsageReport(
    long revision,
    List<PeerUsage> peers,
    Map<String, Long> totals,
    Map<String, Long> licenses,
    String platform,
    int configuredPeers,
    Map<String, Long> capacity,
    Map<String, Long> liveCapacity,
    Map<String, Long> remaining) {
  public UsageReport {
    Objects.requireNonNull(platform, "platform");
    peers = List.copyOf(peers);
    totals = Map.copyOf(totals);
    licenses = Map.copyOf(licenses);
    capacity = Map.copyOf(capacity);
    liveCapacity = Map.copyOf(liveCapacity);
    remaining = Map.copyOf(remaining);
  }
}
