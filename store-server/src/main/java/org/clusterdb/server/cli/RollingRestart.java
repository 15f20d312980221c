package org.clusterdb.server.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.client.RestartAnswer;

/**
 * The seed's restart sequence: restart the configuration primary, wait until it is back and the
 * cluster's replication is healthy, then each other peer one at a time in peer-list order, waiting
 * the same way after each. Stops at the first peer that does not come back in time, leaving the
 * rest untouched. Talks to the cluster only through {@link Cluster}, so that it runs against a
 * fake.
 */
final class RollingRestart {
  /**
   * Alarms that mean replication is not healthy: the replication errors, the communication
   * failures, primary mismatch and database failure. "Restart required" (20007) is not among them:
   * the restart clears it.
   */
  static final Set<Integer> REPLICATION_ALARMS =
      Set.of(20001, 20002, 20003, 20004, 20005, 20006, 20008, 20010);

  /** The cluster, one peer at a time; each call throws {@link ClusterDbException} if it fails. */
  interface Cluster {
    MemberStatus status(String memberId);

    ClusterStatus clusterStatus(String memberId);

    List<Alarm> alarms(String memberId);

    RestartAnswer restart(String memberId, Instant ifStartedAt);
  }

  /** Time, for waiting; a fake in tests. */
  interface Ticker {
    long nanoTime();

    void sleep(Duration d) throws InterruptedException;

    Ticker SYSTEM =
        new Ticker() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public void sleep(Duration d) throws InterruptedException {
            Thread.sleep(d.toMillis());
          }
        };
  }

  /** A peer did not come back in time, or the cluster was not healthy to begin with. */
  static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message);
    }
  }

  private final Cluster cluster;
  private final Ticker ticker;
  private final Duration timeout;
  private final Duration poll;
  private final Consumer<String> progress;

  RollingRestart(
      Cluster cluster, Ticker ticker, Duration timeout, Duration poll, Consumer<String> progress) {
    this.cluster = cluster;
    this.ticker = ticker;
    this.timeout = timeout;
    this.poll = poll;
    this.progress = progress;
  }

  /** The order of the sequence: the configuration primary, then the others in peer-list order. */
  static List<String> order(ClusterStatus status) {
    List<String> order = new ArrayList<>();
    order.add(status.primaryId());
    for (PeerStatus p : status.peers()) {
      if (!p.memberId().equals(status.primaryId())) {
        order.add(p.memberId());
      }
    }
    return order;
  }

  /**
   * Runs the sequence over the peers of {@code status} (as one peer sees the cluster). Refuses to
   * start unless replication is healthy.
   *
   * @return the peers restarted, in order
   * @throws Failed if the cluster is not healthy at the start (nothing restarted) or a peer does
   *     not come back within the timeout (the peers after it are not restarted)
   */
  List<String> run(ClusterStatus status) throws InterruptedException {
    List<String> order = order(status);
    Optional<String> problem = problem(order);
    if (problem.isPresent()) {
      throw new Failed(
          "replication is not healthy, so nothing was restarted: "
              + problem.get()
              + ". Fix it first (see clusterdb xstatus), or restart peers one by one with"
              + " clusterdb restart");
    }
    progress.accept(
        "Restart sequence: "
            + String.join(", ", order)
            + " (configuration primary first, then one peer at a time)");
    List<String> done = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      String id = order.get(i);
      String step = "[" + (i + 1) + "/" + order.size() + "] ";
      progress.accept(step + "restarting " + id + (i == 0 ? " (configuration primary)" : ""));
      try {
        restartAndWait(id, order);
      } catch (Failed e) {
        List<String> left = order.subList(i + 1, order.size());
        throw new Failed(
            e.getMessage()
                + (left.isEmpty() ? "" : ". Not restarted: " + String.join(", ", left))
                + (done.isEmpty() ? "" : ". Restarted: " + String.join(", ", done)));
      }
      done.add(id);
    }
    progress.accept("Restart sequence complete: " + String.join(", ", done) + " restarted");
    return done;
  }

  /**
   * Restarts one peer and waits until it is back and, as every peer in {@code watched} sees it,
   * replication is healthy.
   */
  void restartAndWait(String id, List<String> watched) throws InterruptedException {
    long start = ticker.nanoTime();
    Instant before =
        cluster
            .status(id)
            .startedAt()
            .orElseThrow(
                () ->
                    new Failed(
                        id
                            + " does not report when its database started: its server is too old"
                            + " to restart in place"));
    RestartAnswer answer = cluster.restart(id, before);
    String last = id + " has not restarted yet";
    boolean back = !answer.restarting();
    while (true) {
      if (!back) {
        try {
          back = cluster.status(id).startedAt().map(t -> t.isAfter(before)).orElse(false);
          if (back) {
            progress.accept("      " + id + " is up again; waiting for replication");
          }
        } catch (ClusterDbException e) {
          last = id + " does not answer yet (" + e.code() + ")";
        }
      }
      if (back) {
        Optional<String> problem = problem(watched);
        if (problem.isEmpty()) {
          progress.accept(
              "      "
                  + id
                  + " is Active and replication is healthy ("
                  + seconds(ticker.nanoTime() - start)
                  + ")");
          return;
        }
        last = problem.get();
      }
      if (ticker.nanoTime() - start >= timeout.toNanos()) {
        throw new Failed(
            id
                + " did not come back Active with healthy replication within "
                + seconds(timeout.toNanos())
                + ": "
                + last);
      }
      ticker.sleep(poll);
    }
  }

  /** What is wrong with replication as {@code ids} see it; empty when it is healthy. */
  Optional<String> problem(List<String> ids) {
    for (String id : ids) {
      ClusterStatus s;
      List<Alarm> alarms;
      try {
        s = cluster.clusterStatus(id);
        alarms = cluster.alarms(id);
      } catch (ClusterDbException e) {
        return Optional.of(id + " does not answer (" + e.code() + ": " + e.getMessage() + ")");
      }
      if (s.database() != ClusterStatus.Database.ACTIVE) {
        return Optional.of(id + "'s database is " + s.database().display());
      }
      for (PeerStatus p : s.peers()) {
        if (p.state() != PeerStatus.State.ACTIVE && p.state() != PeerStatus.State.THIS_SYSTEM) {
          return Optional.of(id + " sees " + p.memberId() + " as " + p.display());
        }
      }
      for (Alarm a : alarms) {
        if (a.active() && REPLICATION_ALARMS.contains(a.id())) {
          return Optional.of(id + " has alarm " + a.id() + ": " + a.detail());
        }
      }
    }
    return Optional.empty();
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
