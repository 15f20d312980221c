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
 * @param listenAddress the IP address that member's Raft server listens on, its own peer host as it
 *     resolves it (address mapping, then DNS); empty when not known
 */
public record MemberClusteringSettings(
    String memberId,
    ClusteringSettings own,
    Optional<ClusteringSettings> cluster,
    Optional<String> listenAddress) {
  public MemberClusteringSettings {
    Objects.requireNonNull(memberId, "memberId");
    Objects.requireNonNull(own, "own");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(listenAddress, "listenAddress");
  }

  /** Settings without a known listen address. */
  public MemberClusteringSettings(
      String memberId, ClusteringSettings own, Optional<ClusteringSettings> cluster) {
    this(memberId, own, cluster, Optional.empty());
  }
}
