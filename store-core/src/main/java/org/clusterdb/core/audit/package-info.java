/**
 * The audit log of configuration changes: the line each peer logs as it applies an audited change
 * (in the seed's words, "System Configuration Changed"), and the reading of the audit table's rows.
 * The rows themselves are written by the apply logic ({@code org.clusterdb.core.fsm}).
 */
package org.clusterdb.core.audit;
