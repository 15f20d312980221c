package org.clusterdb.client;

import java.util.Objects;
import java.util.Optional;
import org.clusterdb.api.ClusteringSettings;

/**
 * The clustering settings as one member has them: its own, as its admin last saved them, and the
 * cluster's, as the primary saved them, as of that member's replica. Immutable.
 *
 * @param memberId the member that answered, whose own settings these are
 * @param own that member's own settings
 * @param cluster the cluster's settings; empty until the primary has led once, and on a member not
 *     yet added to the cluster
 */
public record MemberClusteringSettings(
    String memberId, ClusteringSettings own, Optional<ClusteringSettings> cluster) {
  public MemberClusteringSettings {
    Objects.requireNonNull(memberId, "memberId");
    Objects.requireNonNull(own, "own");
    Objects.requireNonNull(cluster, "cluster");
  }
}
