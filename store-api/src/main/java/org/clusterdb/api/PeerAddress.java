package org.clusterdb.api;

import java.util.Objects;

/**
 * A peer of the cluster: its member id and the host and port its Raft server listens on.
 *
 * @param id the member id, {@code [A-Za-z0-9][A-Za-z0-9_-]{0,31}}
 * @param host a host name, IPv4 or IPv6 address
 * @param port 1..65535
 */
public record PeerAddress(String id, String host, int port) {
  public PeerAddress {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(host, "host");
  }

  /** {@code host:port}, with IPv6 addresses in brackets. */
  public String address() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return id + "@" + address();
  }
}
