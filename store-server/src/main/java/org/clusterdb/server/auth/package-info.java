/**
 * The client port's security: TLS with the member's own certificate, and the authentication and
 * authorization of every call once the cluster requires accounts.
 */
package org.clusterdb.server.auth;
