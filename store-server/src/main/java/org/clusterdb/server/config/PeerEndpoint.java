package org.clusterdb.server.config;

import java.util.Objects;
import org.clusterdb.api.PeerAddress;

/**
 * A peer of the cluster as a server process sees it: its member id, its host, the port of its Raft
 * server and the port of its gRPC client API. Not validated here: {@link ServerConfig#problems()}
 * checks ids, hosts and ports with the rest of the configuration.
 *
 * @param id the member id, {@code [A-Za-z0-9][A-Za-z0-9_-]{0,31}}
 * @param host a host name, IPv4 or IPv6 address; both ports listen on it
 * @param peerPort the Raft port, 1..65535
 * @param clientPort the gRPC client API port, 1..65535
 */
public record PeerEndpoint(String id, String host, int peerPort, int clientPort) {
  public PeerEndpoint {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(host, "host");
  }

  /** The Raft address the embedded member uses for this peer. */
  public PeerAddress peerAddress() {
    return new PeerAddress(id, host, peerPort);
  }

  /** {@code host:clientPort}, with IPv6 addresses in brackets; what a client dials. */
  public String clientAddress() {
    return hostPort(host, clientPort);
  }

  /** {@code id@host:peerPort/clientPort}, as in the start-up log line. */
  @Override
  public String toString() {
    return id + "@" + hostPort(host, peerPort) + "/" + clientPort;
  }

  static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
