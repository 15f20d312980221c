package org.clusterdb.core.cluster;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.clusterdb.api.PeerStatus;

/** Whether the peers run one software version. Pure. */
final class SoftwareVersions {
  private SoftwareVersions() {}

  /**
   * The peers' versions, e.g. {@code p1=1.1.0, p2=1.0.0, p3=1.0.0}, if the peers that published one
   * do not all run the same; empty when they agree. A peer that has not published a version (not
   * yet a member, or a build older than the field) counts for neither.
   */
  static Optional<String> mismatch(List<PeerStatus> peers) {
    List<PeerStatus> known = peers.stream().filter(p -> p.softwareVersion().isPresent()).toList();
    long distinct = known.stream().map(p -> p.softwareVersion().get()).distinct().count();
    if (distinct <= 1) {
      return Optional.empty();
    }
    return Optional.of(
        known.stream()
            .map(p -> p.memberId() + "=" + p.softwareVersion().get())
            .collect(Collectors.joining(", ")));
  }
}
