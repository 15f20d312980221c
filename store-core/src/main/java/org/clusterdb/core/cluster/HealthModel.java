package org.clusterdb.core.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.core.ratis.PeerProbe;
import org.clusterdb.core.ratis.Replication;

/**
 * Turns one round of observations into peer states, this peer's database state and whether the
 * communication alarms should be up. Deterministic: time is an argument. Not thread-safe; one
 * monitor thread drives it.
 */
final class HealthModel {
  /** A configured peer. */
  record Peer(int index, String id, String address) {}

  /**
   * One round of observations.
   *
   * @param nowMillis a monotonic clock reading
   * @param self this member's own Raft status
   * @param replication this member's own view of replication
   * @param probes each other peer's answer, empty when it did not answer
   * @param resolved the IP address each peer's host resolved to, where it did
   * @param syncCheckedIndex the last synchronisation check this peer passed; -1 if none
   * @param clusterPrimaryId the configuration primary as the cluster's Raft configuration has it
   * @param ownPrimaryId the configuration primary as this peer's own setting has it
   * @param peers the peers of the clustering settings, in order
   * @param members the members of the Raft group as this peer knows them, voters and listeners
   * @param voters how many members vote
   */
  record Observation(
      List<Peer> peers,
      List<String> members,
      int voters,
      long nowMillis,
      MemberStatus self,
      Replication replication,
      Map<String, Optional<PeerProbe>> probes,
      Map<String, String> resolved,
      long syncCheckedIndex,
      String clusterPrimaryId,
      String ownPrimaryId) {}

  /** What the round concluded. */
  record Assessment(
      ClusterStatus status,
      boolean communicationFailure,
      boolean databaseFailure,
      boolean primaryMismatch) {}

  private final String memberId;
  private final long failureTimeoutMillis;
  private final long startedMillis;

  /** When each peer first appeared in the list: a peer added later gets its own grace period. */
  private final Map<String, Long> listedSinceMillis = new HashMap<>();

  private final Map<String, Long> lastAnswerMillis = new HashMap<>();
  private final Map<String, PeerProbe> lastAnswer = new HashMap<>();
  private long previousLeaderCommit = -1;
  private boolean assessed;

  HealthModel(String memberId, long failureTimeoutMillis, long startedMillis) {
    this.memberId = memberId;
    this.failureTimeoutMillis = failureTimeoutMillis;
    this.startedMillis = startedMillis;
  }

  Assessment assess(Observation o) {
    long now = o.nowMillis();
    o.probes()
        .forEach(
            (id, answer) ->
                answer.ifPresent(
                    a -> {
                      lastAnswerMillis.put(id, now);
                      lastAnswer.put(id, a);
                    }));
    long leaderCommit = leaderCommit(o);
    List<PeerStatus> out = new ArrayList<>();
    boolean anyFailed = false;
    boolean anyMemberFailed = false;
    listedSinceMillis.keySet().retainAll(o.peers().stream().map(Peer::id).toList());
    for (Peer p : o.peers()) {
      listedSinceMillis.putIfAbsent(p.id(), assessed ? now : startedMillis);
      if (p.id().equals(memberId)) {
        out.add(
            new PeerStatus(
                p.index(),
                p.id(),
                p.address(),
                PeerStatus.State.THIS_SYSTEM,
                Optional.ofNullable(o.resolved().get(p.id())),
                o.self().appliedIndex(),
                lag(leaderCommit, o.self().appliedIndex())));
        continue;
      }
      PeerStatus.State state = state(p.id(), now, o.members().contains(p.id()));
      anyFailed |= state == PeerStatus.State.FAILED;
      // A listed peer not yet added fails communication, not replication: the database has
      // nothing to replicate to it.
      anyMemberFailed |= state == PeerStatus.State.FAILED && o.members().contains(p.id());
      PeerProbe last = lastAnswer.get(p.id());
      long applied = last == null ? -1 : last.appliedIndex();
      out.add(
          new PeerStatus(
              p.index(),
              p.id(),
              p.address(),
              state,
              state == PeerStatus.State.ACTIVE
                  ? Optional.ofNullable(o.resolved().get(p.id()))
                  : Optional.empty(),
              applied,
              applied < 0 || state != PeerStatus.State.ACTIVE ? -1 : lag(leaderCommit, applied)));
    }
    assessed = true;
    ClusterStatus.Database database = database(o, now);
    previousLeaderCommit = leaderCommit;
    boolean pastGrace = now - startedMillis >= failureTimeoutMillis;
    boolean replicationStale = replicationStale(o);
    ClusterStatus status =
        new ClusterStatus(
            memberId,
            indexOf(o.peers(), o.clusterPrimaryId()),
            o.clusterPrimaryId(),
            indexOf(o.peers(), o.ownPrimaryId()),
            database,
            o.self().commitIndex(),
            o.self().appliedIndex(),
            o.syncCheckedIndex(),
            out);
    return new Assessment(
        status,
        anyFailed,
        anyMemberFailed || (pastGrace && replicationStale),
        !o.clusterPrimaryId().equals(o.ownPrimaryId()));
  }

  private static int indexOf(List<Peer> peers, String id) {
    for (Peer p : peers) {
      if (p.id().equals(id)) {
        return p.index();
      }
    }
    return 0;
  }

  /**
   * Active only when it answers and is a member: a peer not yet added shows Failed, as it does on
   * the appliance until it has joined.
   */
  private PeerStatus.State state(String id, long now, boolean member) {
    Long last = lastAnswerMillis.get(id);
    if (last != null && now - last <= failureTimeoutMillis && member) {
      return PeerStatus.State.ACTIVE;
    }
    if (now - listedSinceMillis.getOrDefault(id, startedMillis) < failureTimeoutMillis) {
      return PeerStatus.State.UNKNOWN;
    }
    return PeerStatus.State.FAILED;
  }

  /** The leader's commit index as best known: our own when leading, else what it last said. */
  private long leaderCommit(Observation o) {
    Optional<String> leader = o.replication().leaderId();
    if (leader.isEmpty() || leader.get().equals(memberId)) {
      return o.self().commitIndex();
    }
    return o.probes()
        .getOrDefault(leader.get(), Optional.empty())
        .map(PeerProbe::commitIndex)
        .filter(c -> c >= o.self().commitIndex())
        .orElse(o.self().commitIndex());
  }

  private static long lag(long leaderCommit, long applied) {
    return Math.max(0, leaderCommit - applied);
  }

  private ClusterStatus.Database database(Observation o, long now) {
    Replication r = o.replication();
    if (r.role() == MemberStatus.Role.STOPPED) {
      return ClusterStatus.Database.STOPPED;
    }
    if (!o.members().contains(memberId)) {
      return ClusterStatus.Database.JOINING;
    }
    if (!inQuorum(r, o.voters())) {
      return ClusterStatus.Database.NO_QUORUM;
    }
    // Caught up means having applied what the leader had committed one round ago: under a
    // steady write load a replica is always a few entries behind the newest commit.
    if (o.self().appliedIndex() < previousLeaderCommit) {
      return ClusterStatus.Database.SYNCHRONISING;
    }
    return ClusterStatus.Database.ACTIVE;
  }

  private boolean inQuorum(Replication r, int voters) {
    switch (r.role()) {
      case LEADER -> {
        long fresh =
            r.lastContactMillis().values().stream()
                .filter(ms -> ms <= failureTimeoutMillis)
                .count();
        return fresh + 1 > voters / 2;
      }
      case FOLLOWER, LISTENER -> {
        return r.leaderId()
            .map(l -> r.lastContactMillis().getOrDefault(l, Long.MAX_VALUE))
            .filter(ms -> ms <= failureTimeoutMillis)
            .isPresent();
      }
      default -> {
        return false;
      }
    }
  }

  /** Whether Raft itself has lost touch with some peer. */
  private boolean replicationStale(Observation o) {
    Replication r = o.replication();
    if (o.members().size() <= 1) {
      return false;
    }
    switch (r.role()) {
      case LEADER -> {
        for (String id : o.members()) {
          if (!id.equals(memberId)
              && r.lastContactMillis().getOrDefault(id, Long.MAX_VALUE) > failureTimeoutMillis) {
            return true;
          }
        }
        return false;
      }
      case FOLLOWER, LISTENER -> {
        return !inQuorum(r, o.voters());
      }
      default -> {
        return true;
      }
    }
  }
}
