package org.clusterdb.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.core.ratis.PeerProbe;
import org.clusterdb.core.ratis.Replication;
import org.junit.jupiter.api.Test;

class HealthModelTest {
  private static final long TIMEOUT = 5_000;
  private static final List<HealthModel.Peer> PEERS =
      List.of(
          new HealthModel.Peer(1, "p1", "10.0.0.1:7001"),
          new HealthModel.Peer(2, "p2", "10.0.0.2:7001"),
          new HealthModel.Peer(3, "p3", "10.0.0.3:7001"));

  private String ownPrimary = "p1";
  private List<HealthModel.Peer> peers = PEERS;
  private List<String> members = List.of("p1", "p2", "p3");

  private final HealthModel leader = new HealthModel("p1", TIMEOUT, 0);

  @Test
  void aPeerNeverHeardFromIsUnknownThenFailedOnceTheTimeoutPasses() {
    HealthModel.Assessment early = leader.assess(leading(1_000, 10, Map.of(), answers()));
    assertThat(states(early)).containsExactly("THIS_SYSTEM", "UNKNOWN", "UNKNOWN");
    assertThat(early.communicationFailure()).isFalse();

    HealthModel.Assessment late = leader.assess(leading(TIMEOUT + 1, 10, Map.of(), answers()));
    assertThat(states(late)).containsExactly("THIS_SYSTEM", "FAILED", "FAILED");
    assertThat(late.communicationFailure()).isTrue();
    assertThat(late.databaseFailure()).isTrue();
    assertThat(late.status().database()).isEqualTo(ClusterStatus.Database.NO_QUORUM);
  }

  @Test
  void peersThatAnswerAreActiveWithTheirLagAndAResolvedAddress() {
    HealthModel.Assessment a =
        leader.assess(
            leading(
                1_000,
                100,
                Map.of("p2", 10L, "p3", 10L),
                answers("p2", probe(100, 100), "p3", probe(90, 60))));
    assertThat(states(a)).containsExactly("THIS_SYSTEM", "ACTIVE", "ACTIVE");
    PeerStatus p3 = a.status().peers().get(2);
    assertThat(p3.appliedIndex()).isEqualTo(60);
    assertThat(p3.lag()).isEqualTo(40);
    assertThat(p3.display()).isEqualTo("Active as p3 (Resolved '10.0.0.3' as '10.0.0.3')");
    assertThat(a.communicationFailure()).isFalse();
    assertThat(a.databaseFailure()).isFalse();
    assertThat(a.status().database()).isEqualTo(ClusterStatus.Database.ACTIVE);
  }

  @Test
  void onePeerSilentPastTheTimeoutFailsAndRaisesBothAlarmsWhileTheQuorumHolds() {
    leader.assess(
        leading(
            1_000, 5, Map.of("p2", 1L, "p3", 1L), answers("p2", probe(5, 5), "p3", probe(5, 5))));
    HealthModel.Assessment within =
        leader.assess(
            leading(
                1_000 + TIMEOUT, 5, Map.of("p2", 1L, "p3", TIMEOUT), answers("p2", probe(5, 5))));
    assertThat(states(within)).containsExactly("THIS_SYSTEM", "ACTIVE", "ACTIVE");
    assertThat(within.communicationFailure()).isFalse();

    HealthModel.Assessment past =
        leader.assess(
            leading(
                2_001 + TIMEOUT,
                5,
                Map.of("p2", 1L, "p3", TIMEOUT + 1_001),
                answers("p2", probe(5, 5))));
    assertThat(states(past)).containsExactly("THIS_SYSTEM", "ACTIVE", "FAILED");
    assertThat(past.communicationFailure()).isTrue();
    assertThat(past.databaseFailure()).isTrue();
    assertThat(past.status().database()).isEqualTo(ClusterStatus.Database.ACTIVE);
    assertThat(past.status().peers().get(2).resolvedAddress()).isEmpty();
    // What a failed peer last reported stays; how far behind it is now is unknown.
    assertThat(past.status().peers().get(2).appliedIndex()).isEqualTo(5);
    assertThat(past.status().peers().get(2).lag()).isEqualTo(-1);
  }

  @Test
  void aFollowerThatLostItsLeaderHasNoQuorumAndAFollowerBehindIsSynchronising() {
    HealthModel follower = new HealthModel("p2", TIMEOUT, 0);
    HealthModel.Assessment lost =
        follower.assess(
            observation(
                TIMEOUT + 10,
                self(MemberStatus.Role.FOLLOWER, 50, 50),
                new Replication(
                    MemberStatus.Role.FOLLOWER, Optional.of("p1"), Map.of("p1", TIMEOUT + 1)),
                answers()));
    assertThat(lost.status().database()).isEqualTo(ClusterStatus.Database.NO_QUORUM);
    assertThat(lost.databaseFailure()).isTrue();

    HealthModel.Assessment healed =
        follower.assess(
            observation(
                TIMEOUT + 20,
                self(MemberStatus.Role.FOLLOWER, 60, 55),
                new Replication(MemberStatus.Role.FOLLOWER, Optional.of("p1"), Map.of("p1", 5L)),
                answers("p1", probe(500, 500), "p3", probe(500, 500))));
    // The leader's commit seen in one round is the mark the next round must have applied.
    HealthModel.Assessment behind =
        follower.assess(
            observation(
                TIMEOUT + 30,
                self(MemberStatus.Role.FOLLOWER, 400, 400),
                new Replication(MemberStatus.Role.FOLLOWER, Optional.of("p1"), Map.of("p1", 5L)),
                answers("p1", probe(510, 510), "p3", probe(510, 510))));
    assertThat(behind.status().database()).isEqualTo(ClusterStatus.Database.SYNCHRONISING);
    assertThat(behind.status().peers().get(1).lag()).isEqualTo(110);

    HealthModel.Assessment caughtUp =
        follower.assess(
            observation(
                TIMEOUT + 40,
                self(MemberStatus.Role.FOLLOWER, 512, 511),
                new Replication(MemberStatus.Role.FOLLOWER, Optional.of("p1"), Map.of("p1", 5L)),
                answers("p1", probe(515, 515), "p3", probe(515, 515))));
    assertThat(caughtUp.status().database()).isEqualTo(ClusterStatus.Database.ACTIVE);
    assertThat(caughtUp.databaseFailure()).isFalse();
    assertThat(healed.status().peers().get(0).state()).isEqualTo(PeerStatus.State.ACTIVE);
  }

  @Test
  void aLeaderWithoutAMajorityOfFreshFollowersHasNoQuorum() {
    HealthModel.Assessment a =
        leader.assess(
            leading(TIMEOUT * 3, 5, Map.of("p2", TIMEOUT * 2, "p3", TIMEOUT * 2), answers()));
    assertThat(a.status().database()).isEqualTo(ClusterStatus.Database.NO_QUORUM);
  }

  @Test
  void aClusterOfOneIsActiveWithoutAlarms() {
    peers = List.of(new HealthModel.Peer(1, "p1", "10.0.0.1:7001"));
    members = List.of("p1");
    HealthModel alone = new HealthModel("p1", TIMEOUT, 0);
    HealthModel.Assessment a = alone.assess(leading(TIMEOUT * 2, 3, Map.of(), answers()));
    assertThat(a.status().database()).isEqualTo(ClusterStatus.Database.ACTIVE);
    assertThat(a.communicationFailure()).isFalse();
    assertThat(a.databaseFailure()).isFalse();
  }

  @Test
  void anOwnPrimaryThatDiffersFromTheClustersIsAMismatch() {
    HealthModel.Assessment agreed = leader.assess(leading(1_000, 5, Map.of(), answers()));
    assertThat(agreed.primaryMismatch()).isFalse();
    assertThat(agreed.status().primary()).isEqualTo(1);
    assertThat(agreed.status().ownPrimary()).isEqualTo(1);

    ownPrimary = "p2";
    HealthModel.Assessment changing = leader.assess(leading(2_000, 5, Map.of(), answers()));
    assertThat(changing.primaryMismatch()).isTrue();
    assertThat(changing.status().primaryId()).isEqualTo("p1");
    assertThat(changing.status().ownPrimary()).isEqualTo(2);
  }

  @Test
  void aListedPeerThatAnswersButIsNotYetAMemberShowsFailedNotActive() {
    members = List.of("p1", "p2");
    HealthModel.Assessment early =
        leader.assess(
            leading(1_000, 10, Map.of("p2", 10L), answers("p2", probe(10, 10), "p3", probe(0, 0))));
    assertThat(states(early)).containsExactly("THIS_SYSTEM", "ACTIVE", "UNKNOWN");
    HealthModel.Assessment late =
        leader.assess(
            leading(
                TIMEOUT + 1,
                10,
                Map.of("p2", 10L),
                answers("p2", probe(10, 10), "p3", probe(0, 0))));
    assertThat(states(late)).containsExactly("THIS_SYSTEM", "ACTIVE", "FAILED");
    assertThat(late.communicationFailure()).isTrue();
    // Two voters, both in touch: the database itself is fine and replicates to every member.
    assertThat(late.status().database()).isEqualTo(ClusterStatus.Database.ACTIVE);
    assertThat(late.databaseFailure()).isFalse();
  }

  @Test
  void aPeerOutsideTheGroupIsJoining() {
    members = List.of("p1", "p2");
    HealthModel outside = new HealthModel("p3", TIMEOUT, 0);
    HealthModel.Assessment a =
        outside.assess(
            observation(
                1_000,
                new MemberStatus(
                    "p3", MemberStatus.Role.FOLLOWER, Optional.empty(), 0, 0, 0, -1, 0, 0),
                new Replication(MemberStatus.Role.FOLLOWER, Optional.empty(), Map.of()),
                answers("p1", probe(10, 10))));
    assertThat(a.status().database()).isEqualTo(ClusterStatus.Database.JOINING);
  }

  @Test
  void aPeerAddedLaterIsUnknownForItsOwnGracePeriod() {
    peers = PEERS.subList(0, 2);
    members = List.of("p1", "p2");
    leader.assess(leading(1_000, 10, Map.of("p2", 10L), answers("p2", probe(10, 10))));
    peers = PEERS;
    long added = TIMEOUT * 3;
    HealthModel.Assessment fresh =
        leader.assess(leading(added, 10, Map.of("p2", 10L), answers("p2", probe(10, 10))));
    assertThat(states(fresh)).containsExactly("THIS_SYSTEM", "ACTIVE", "UNKNOWN");
    HealthModel.Assessment late =
        leader.assess(
            leading(added + TIMEOUT, 10, Map.of("p2", 10L), answers("p2", probe(10, 10))));
    assertThat(states(late)).containsExactly("THIS_SYSTEM", "ACTIVE", "FAILED");
  }

  private static List<String> states(HealthModel.Assessment a) {
    return a.status().peers().stream().map(p -> p.state().name()).toList();
  }

  private HealthModel.Observation leading(
      long now, long commit, Map<String, Long> contact, Map<String, Optional<PeerProbe>> answers) {
    return observation(
        now,
        self(MemberStatus.Role.LEADER, commit, commit),
        new Replication(MemberStatus.Role.LEADER, Optional.of("p1"), contact),
        answers);
  }

  private HealthModel.Observation observation(
      long now, MemberStatus self, Replication r, Map<String, Optional<PeerProbe>> answers) {
    Map<String, String> resolved = new HashMap<>();
    for (HealthModel.Peer p : peers) {
      resolved.put(p.id(), p.address().substring(0, p.address().indexOf(':')));
    }
    Map<String, Optional<PeerProbe>> all = new HashMap<>();
    for (HealthModel.Peer p : peers) {
      if (!p.id().equals(self.memberId())) {
        all.put(p.id(), answers.getOrDefault(p.id(), Optional.empty()));
      }
    }
    return new HealthModel.Observation(
        peers, members, members.size(), now, self, r, all, resolved, -1, "p1", ownPrimary);
  }

  private static MemberStatus self(MemberStatus.Role role, long commit, long applied) {
    String id = role == MemberStatus.Role.LEADER ? "p1" : "p2";
    return new MemberStatus(id, role, Optional.of("p1"), 1, commit, applied, -1, applied, 0);
  }

  private static PeerProbe probe(long commit, long applied) {
    return new PeerProbe(
        MemberStatus.Role.FOLLOWER, Optional.of("p1"), commit, applied, List.of("p1"), 100);
  }

  private static Map<String, Optional<PeerProbe>> answers(Object... idAndProbe) {
    Map<String, Optional<PeerProbe>> m = new HashMap<>();
    for (int i = 0; i < idAndProbe.length; i += 2) {
      m.put((String) idAndProbe[i], Optional.of((PeerProbe) idAndProbe[i + 1]));
    }
    return m;
  }
}
