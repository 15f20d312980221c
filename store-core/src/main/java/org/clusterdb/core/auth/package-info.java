/**
 * Client accounts: password hashing, the replicated account records and the cluster's
 * authentication switch. A server checks callers with them; the library API itself is not
 * authenticated (its caller owns the process).
 */
package org.clusterdb.core.auth;
