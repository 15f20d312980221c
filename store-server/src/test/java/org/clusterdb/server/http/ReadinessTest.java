package org.clusterdb.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.clusterdb.api.ClusterStatus.Database;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.MemberStatus.Role;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  private static MemberStatus member(Role role, String leader, long commit, long applied) {
    return new MemberStatus(
        "p1", role, Optional.ofNullable(leader), 3, commit, applied, -1, applied, 0);
  }

  @Test
  void aFollowerInAnActiveDatabaseWithALeaderAndNoBacklogIsReady() {
    Readiness r = Readiness.of(member(Role.FOLLOWER, "p2", 500, 498), Database.ACTIVE);

    assertThat(r).isEqualTo(new Readiness(true, "ready"));
  }

  @Test
  void aBacklogUpToTheLimitIsStillReadyAndOneMoreIsNot() {
    long limit = Readiness.MAX_APPLY_BACKLOG;
    assertThat(Readiness.of(member(Role.LEADER, "p1", 1000, 1000 - limit), Database.ACTIVE).ready())
        .isTrue();

    Readiness behind = Readiness.of(member(Role.LEADER, "p1", 1000, 999 - limit), Database.ACTIVE);

    assertThat(behind.ready()).isFalse();
    assertThat(behind.reason())
        .isEqualTo("catching up: applied " + (999 - limit) + " of 1000 committed");
  }

  @Test
  void eachDatabaseStateButActiveIsNotReadyWithItsReason() {
    MemberStatus fine = member(Role.FOLLOWER, "p2", 10, 10);

    assertThat(Readiness.of(fine, Database.NO_QUORUM)).isEqualTo(new Readiness(false, "no quorum"));
    assertThat(Readiness.of(fine, Database.SYNCHRONISING))
        .isEqualTo(new Readiness(false, "synchronising with the leader"));
    assertThat(Readiness.of(fine, Database.JOINING))
        .isEqualTo(new Readiness(false, "not a member of the cluster yet"));
    assertThat(Readiness.of(fine, Database.STOPPED))
        .isEqualTo(new Readiness(false, "database stopped"));
  }

  @Test
  void noKnownLeaderOrAStoppedMemberIsNotReady() {
    assertThat(Readiness.of(member(Role.CANDIDATE, null, 10, 10), Database.ACTIVE))
        .isEqualTo(new Readiness(false, "no leader known"));
    assertThat(Readiness.of(member(Role.STOPPED, null, -1, -1), Database.ACTIVE))
        .isEqualTo(new Readiness(false, "member stopped"));
    assertThat(Readiness.shuttingDown()).isEqualTo(new Readiness(false, "shutting down"));
  }
}
