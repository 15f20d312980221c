package org.clusterdb.api;

import java.util.Objects;

/**
 * Carried by every result: who served it and which state it reflects.
 *
 * @param clusterId the cluster name
 * @param memberId the member that served the request
 * @param revision the store revision the result reflects; for peer tables, the peer store's own
 *     revision
 * @param term the Raft term of the last entry the member had applied (0 for peer tables)
 */
public record Header(String clusterId, String memberId, long revision, long term) {
  public Header {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(memberId, "memberId");
  }
}
