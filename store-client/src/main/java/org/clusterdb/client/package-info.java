/**
 * The Java gRPC client of a clusterdb cluster: {@link org.clusterdb.client.ClusterDbClient}, built
 * from one validated {@link org.clusterdb.client.ClientConfig}, implements the same {@link
 * org.clusterdb.api.KeyValueStore} as the embedded library, with endpoint failover, deadlines, and
 * writes that are retried safely under a request id.
 *
 * <p>Stability: {@code ClusterDbClient}, {@code ClientConfig}, {@code Member} and {@code
 * MemberClusteringSettings} are public API; everything else here is internal.
 */
package org.clusterdb.client;
