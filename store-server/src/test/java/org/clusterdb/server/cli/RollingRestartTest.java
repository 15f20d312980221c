package org.clusterdb.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.client.RestartAnswer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The restart sequence's order, waits and stops, against a fake cluster and a fake clock. */
@Timeout(30)
class RollingRestartTest {
  private static final Duration POLL = Duration.ofMillis(500);

  @Test
  void restartsThePrimaryFirstThenEachPeerOneAtATimeOnceTheLastIsBack() throws Exception {
    FakeCluster cluster = new FakeCluster(List.of("p1", "p2", "p3"), "p2");
    List<String> lines = new ArrayList<>();

    List<String> done = sequence(cluster, Duration.ofMinutes(1), lines).run(cluster.view("p1"));

    assertThat(done).containsExactly("p2", "p1", "p3");
    assertThat(cluster.restarts).containsExactly("p2", "p1", "p3");
    assertThat(cluster.violations).isEmpty();
    assertThat(cluster.starts).containsEntry("p1", 2).containsEntry("p2", 2).containsEntry("p3", 2);
    assertThat(lines)
        .contains("[1/3] restarting p2 (configuration primary)", "[3/3] restarting p3")
        .anyMatch(l -> l.contains("p2 is Active and replication is healthy"))
        .last()
        .isEqualTo("Restart sequence complete: p2, p1, p3 restarted");
  }

  @Test
  void aPendingRestartRequiredAlarmDoesNotHoldTheSequenceUp() throws Exception {
    FakeCluster cluster = new FakeCluster(List.of("p1", "p2", "p3"), "p1");
    cluster.restartRequired.addAll(List.of("p1", "p2", "p3"));

    sequence(cluster, Duration.ofMinutes(1), new ArrayList<>()).run(cluster.view("p1"));

    assertThat(cluster.restarts).containsExactly("p1", "p2", "p3");
    assertThat(cluster.restartRequired).isEmpty();
  }

  @Test
  void refusesToStartWhileReplicationIsUnhealthy() {
    FakeCluster cluster = new FakeCluster(List.of("p1", "p2", "p3"), "p1");
    cluster.alarm("p3", 20006);

    assertThatThrownBy(
            () ->
                sequence(cluster, Duration.ofMinutes(1), new ArrayList<>()).run(cluster.view("p1")))
        .isInstanceOf(RollingRestart.Failed.class)
        .hasMessageContaining("nothing was restarted")
        .hasMessageContaining("p3 has alarm 20006");
    assertThat(cluster.restarts).isEmpty();
  }

  @Test
  void stopsAtAPeerThatDoesNotComeBackAndLeavesTheRestUntouched() {
    FakeCluster cluster = new FakeCluster(List.of("p1", "p2", "p3"), "p1");
    cluster.neverBack.add("p2");

    assertThatThrownBy(
            () ->
                sequence(cluster, Duration.ofSeconds(30), new ArrayList<>())
                    .run(cluster.view("p1")))
        .isInstanceOf(RollingRestart.Failed.class)
        .hasMessageContaining("p2 did not come back Active with healthy replication within 30.0 s")
        .hasMessageContaining("p2 does not answer yet (UNAVAILABLE)")
        .hasMessageContaining("Not restarted: p3")
        .hasMessageContaining("Restarted: p1");
    assertThat(cluster.restarts).containsExactly("p1", "p2");
    assertThat(cluster.ticker.nanos).isBetween(32_500_000_000L, 33_000_000_000L);
  }

  @Test
  void waitsUntilTheOtherPeersSeeTheRestartedPeerActiveAgain() throws Exception {
    FakeCluster cluster = new FakeCluster(List.of("p1", "p2", "p3"), "p1");
    // p1 is up again sooner than the others notice it: they still show it Failed a while.
    cluster.seenFailedAfterBack = 6;

    sequence(cluster, Duration.ofMinutes(1), new ArrayList<>()).run(cluster.view("p1"));

    assertThat(cluster.violations).isEmpty();
    assertThat(cluster.restarts).containsExactly("p1", "p2", "p3");
  }

  @Test
  void aRetriedRequestThatFindsANewerStartDoesNotRestartAgain() throws Exception {
    FakeCluster cluster = new FakeCluster(List.of("p1"), "p1");
    RollingRestart one = sequence(cluster, Duration.ofMinutes(1), new ArrayList<>());

    one.restartAndWait("p1", List.of("p1"));
    RestartAnswer stale = cluster.restart("p1", Instant.EPOCH);

    assertThat(stale.restarting()).isFalse();
    assertThat(cluster.starts).containsEntry("p1", 2);
  }

  private static RollingRestart sequence(FakeCluster cluster, Duration timeout, List<String> out) {
    return new RollingRestart(cluster, cluster.ticker, timeout, POLL, out::add);
  }

  private static final class FakeTicker implements RollingRestart.Ticker {
    long nanos;
    final List<Runnable> onSleep = new ArrayList<>();

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public void sleep(Duration d) {
      nanos += d.toNanos();
      onSleep.forEach(Runnable::run);
    }
  }

  /**
   * Peers that restart in phases, a poll each: still up as before for 2 polls, down for 3, then
   * back with a new start time; the others go on showing a restarted peer Failed for {@link
   * #seenFailedAfterBack} polls after it is back.
   */
  private static final class FakeCluster implements RollingRestart.Cluster {
    final FakeTicker ticker = new FakeTicker();
    final List<String> ids;
    final String primary;
    final List<String> restarts = new ArrayList<>();
    final List<String> violations = new ArrayList<>();
    final Map<String, Integer> starts = new HashMap<>();
    final Set<String> neverBack = new HashSet<>();
    final Set<String> restartRequired = new HashSet<>();
    final Map<String, Set<Integer>> alarms = new HashMap<>();
    final Map<String, Integer> phase = new HashMap<>();
    int seenFailedAfterBack;

    FakeCluster(List<String> ids, String primary) {
      this.ids = ids;
      this.primary = primary;
      ids.forEach(id -> starts.put(id, 1));
      ticker.onSleep.add(
          () -> {
            for (String id : ids) {
              Integer p = phase.get(id);
              if (p == null) {
                continue;
              }
              if (p == 4 && neverBack.contains(id)) {
                continue;
              }
              phase.put(id, p + 1);
              if (p + 1 == 5) {
                starts.merge(id, 1, Integer::sum);
                restartRequired.remove(id);
              }
              if (p + 1 >= 5 + seenFailedAfterBack) {
                phase.remove(id);
              }
            }
          });
    }

    void alarm(String id, int alarm) {
      alarms.computeIfAbsent(id, k -> new HashSet<>()).add(alarm);
    }

    /** Down: between its restart's 2nd and 5th poll. */
    private boolean down(String id) {
      Integer p = phase.get(id);
      return p != null && p >= 2 && p < 5;
    }

    /** How the others see it: Failed from going down until a while after it is back. */
    private boolean seenFailed(String id) {
      Integer p = phase.get(id);
      return p != null && p >= 2;
    }

    private void answers(String id) {
      if (down(id)) {
        throw new ClusterDbException(ErrorCode.UNAVAILABLE, id + " is down");
      }
    }

    ClusterStatus view(String self) {
      List<PeerStatus> peers = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        PeerStatus.State state =
            id.equals(self)
                ? PeerStatus.State.THIS_SYSTEM
                : seenFailed(id) ? PeerStatus.State.FAILED : PeerStatus.State.ACTIVE;
        peers.add(new PeerStatus(i + 1, id, "h:" + i, state, Optional.empty(), 1, 0));
      }
      return new ClusterStatus(
          self,
          ids.indexOf(primary) + 1,
          primary,
          ids.indexOf(primary) + 1,
          ClusterStatus.Database.ACTIVE,
          1,
          1,
          -1,
          peers);
    }

    private Instant startedAt(String id) {
      return Instant.ofEpochSecond(starts.get(id));
    }

    @Override
    public MemberStatus status(String id) {
      answers(id);
      return new MemberStatus(id, MemberStatus.Role.FOLLOWER, Optional.empty(), 1, 1, 1, -1, 1, 0)
          .withStartedAt(startedAt(id));
    }

    @Override
    public ClusterStatus clusterStatus(String id) {
      answers(id);
      return view(id);
    }

    @Override
    public List<Alarm> alarms(String id) {
      answers(id);
      List<Alarm> out = new ArrayList<>();
      Set<Integer> active = new HashSet<>(alarms.getOrDefault(id, Set.of()));
      if (restartRequired.contains(id)) {
        active.add(20007);
      }
      for (int a : active) {
        out.add(
            new Alarm(
                a,
                UUID.randomUUID(),
                Alarm.Severity.WARNING,
                "alarm " + a,
                Instant.EPOCH,
                Optional.empty()));
      }
      return out;
    }

    @Override
    public RestartAnswer restart(String id, Instant ifStartedAt) {
      answers(id);
      if (!ifStartedAt.equals(startedAt(id))) {
        return new RestartAnswer(id, startedAt(id), false);
      }
      if (!phase.isEmpty()) {
        violations.add(id + " asked to restart while " + phase.keySet() + " restart");
      }
      restarts.add(id);
      phase.put(id, 0);
      return new RestartAnswer(id, startedAt(id), true);
    }
  }
}
