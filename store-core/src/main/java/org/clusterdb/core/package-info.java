/**
 * The embedded clusterdb library: {@link org.clusterdb.core.ClusterDb} is its one entry point,
 * started from one validated {@link org.clusterdb.core.config.ClusterDbConfig}.
 *
 * <p>Stability: {@code ClusterDb} and the {@code config} package are public API. The other packages
 * of store-core are internal and may change without notice.
 */
package org.clusterdb.core;
