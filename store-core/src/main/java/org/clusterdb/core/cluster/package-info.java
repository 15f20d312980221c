/**
 * The appliance's view of the cluster: the alarm registry and the peer monitor that tracks every
 * other peer's reachability and this peer's database state.
 */
package org.clusterdb.core.cluster;
