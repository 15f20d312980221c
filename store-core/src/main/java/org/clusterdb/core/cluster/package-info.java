/**
 * The appliance's view of the cluster: the alarm registry and the peer monitor that tracks every
 * other peer's reachability and this peer's database state; membership, the synchronisation check,
 * the factory reset, and the system key's file and distribution.
 */
package org.clusterdb.core.cluster;
