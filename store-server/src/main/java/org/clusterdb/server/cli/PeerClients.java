package org.clusterdb.server.cli;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.client.Member;
import org.clusterdb.client.RestartAnswer;

/**
 * One client per peer, each talking to that peer alone: the endpoints given answer for the members
 * they are, and a peer none of them is gets the client address the cluster's member list gives.
 */
final class PeerClients implements RollingRestart.Cluster, AutoCloseable {
  private final Map<String, ClusterDbClient> clients = new LinkedHashMap<>();

  /**
   * Finds a client endpoint for every peer in {@code needed}: asks each of {@code endpoints} which
   * member it is, then takes the rest from {@code members}.
   *
   * @throws Main.UsageException naming the peers no endpoint is known for
   */
  PeerClients(
      ClientOptions options, List<String> endpoints, List<String> needed, List<Member> members) {
    try {
      for (String endpoint : endpoints) {
        ClusterDbClient c = options.connectTo(endpoint);
        Optional<String> id;
        try {
          id = Optional.of(c.status().memberId());
        } catch (ClusterDbException e) {
          id = Optional.empty();
        }
        if (id.isEmpty() || clients.containsKey(id.get())) {
          c.close();
        } else {
          clients.put(id.get(), c);
        }
      }
      for (Member m : members) {
        if (!clients.containsKey(m.id())) {
          clients.put(m.id(), options.connectTo(m.clientAddress()));
        }
      }
      List<String> unknown = needed.stream().filter(id -> !clients.containsKey(id)).toList();
      if (!unknown.isEmpty()) {
        throw new Main.UsageException(
            "no client endpoint is known for "
                + String.join(", ", unknown)
                + ": give every peer's client address with --endpoints");
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private ClusterDbClient client(String memberId) {
    ClusterDbClient c = clients.get(memberId);
    if (c == null) {
      throw new ClusterDbException(ErrorCode.INVALID_ARGUMENT, "no endpoint for " + memberId);
    }
    return c;
  }

  @Override
  public MemberStatus status(String memberId) {
    return client(memberId).status();
  }

  @Override
  public ClusterStatus clusterStatus(String memberId) {
    return client(memberId).clusterStatus();
  }

  @Override
  public List<Alarm> alarms(String memberId) {
    return client(memberId).alarms();
  }

  @Override
  public RestartAnswer restart(String memberId, Instant ifStartedAt) {
    return client(memberId).restart(Optional.of(ifStartedAt));
  }

  @Override
  public void close() {
    clients.values().forEach(ClusterDbClient::close);
  }
}
