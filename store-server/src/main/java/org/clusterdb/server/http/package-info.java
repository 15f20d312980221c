/**
 * The server's HTTP listener ({@code server.httpPort}): {@link
 * org.clusterdb.server.http.HttpEndpoints} serves the endpoints registered on it, Prometheus text
 * at {@code /metrics}, liveness at {@code /health} and {@link org.clusterdb.server.http.Readiness}
 * at {@code /ready}, and the {@link org.clusterdb.server.http.StatusPage} at {@code /}.
 */
package org.clusterdb.server.http;
