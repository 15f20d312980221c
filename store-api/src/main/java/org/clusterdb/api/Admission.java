package org.clusterdb.api;

import java.util.Objects;

/**
 * The answer to a request for more usage of one kind.
 *
 * @param admitted whether the usage was added to this member's row
 * @param kind the kind asked for
 * @param n how many were asked for
 * @param used the cluster's use before this request, in the unit of {@code limit}
 * @param limit the tighter of the cluster's capacity and its pooled licences for the kind, in
 *     calls, or call slots when calls are held to capacity (a video call takes more than one);
 *     {@link Long#MAX_VALUE} when neither limits it
 */
public record Admission(boolean admitted, String kind, long n, long used, long limit) {
  public Admission {
    Objects.requireNonNull(kind, "kind");
  }
}
