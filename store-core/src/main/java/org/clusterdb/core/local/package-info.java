/** Peer-specific tables: this member's own, never replicated, durable store. Internal. */
package org.clusterdb.core.local;
