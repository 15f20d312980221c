/**
 * Leases: {@link org.clusterdb.core.lease.Lessor}, the leader's clock that decides when a lease
 * expires. The leases themselves, and the keys attached to them, are replicated state (see {@code
 * org.clusterdb.core.fsm.Applier}).
 */
package org.clusterdb.core.lease;
