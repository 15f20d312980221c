/**
 * The Apache Ratis adapter: state machine, checkpoint snapshots, properties, error mapping. The
 * only package that uses Ratis types; {@link org.clusterdb.core.ratis.RaftNode} is its face to the
 * rest of store-core. Internal.
 */
package org.clusterdb.core.ratis;
