/**
 * This member's Micrometer meters ({@code clusterdb.*}, each tagged with the member id): requests,
 * Raft commit and apply, leaders, follower lag, snapshots, alarms and watchers. docs/operations.md
 * lists them. Internal.
 */
package org.clusterdb.core.metrics;
