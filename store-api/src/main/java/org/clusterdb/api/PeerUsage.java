package org.clusterdb.api;

import java.util.Map;
import java.util.Objects;

/**
 * One member's row of shared runtime state: what it uses now and what it adds to the cluster.
 *
 * @param memberId the member that owns and writes the row
 * @param platform its platform ({@code cluster.platform})
 * @param licenses its pooled licences (call licences, rich media sessions, room and desktop
 *     registrations), by option key name
 * @param counters its usage by kind ({@code registrations}, {@code video-calls}, ...)
 * @param lease the member's lease the row is attached to: the row goes when the member does
 * @param modRevision the revision that last wrote the row
 */
public record PeerUsage(
    String memberId,
    String platform,
    Map<String, Long> licenses,
    Map<String, Long> counters,
    long lease,
    long modRevision) {
  public PeerUsage {
    Objects.requireNonNull(memberId, "memberId");
    Objects.requireNonNull(platform, "platform");
    licenses = Map.copyOf(licenses);
    counters = Map.copyOf(counters);
  }
}
