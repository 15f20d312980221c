package org.clusterdb.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.core.cluster.AlarmDefinition;
import org.clusterdb.core.cluster.AlarmRegistry;
import org.clusterdb.core.ratis.RaftMetrics;
import org.clusterdb.core.ratis.RaftNode;
import org.clusterdb.core.util.DaemonThreads;
import org.clusterdb.core.watch.WatchHub;

/**
 * One member's meters in a registry, each tagged {@code member=<id>}, so that members sharing a
 * registry stay apart. Every meter is registered up front or cached after its first use: recording
 * a request is a lookup in an array, not in the registry. {@link #close} removes them all, so that
 * a member restarted in the same registry gets fresh ones. Thread-safe.
 */
public final class MemberMetrics implements RaftMetrics, AutoCloseable {
  static final String OK = "OK";

  private static final ErrorCode[] CODES = ErrorCode.values();

  private final MeterRegistry registry;
  private final String memberId;
  private final Tags member;
  private final List<Meter> meters = new ArrayList<>();

  /** By operation, then code: 0 is OK, 1 + ordinal an error code; errors filled on first use. */
  private final Timer[][] requests = new Timer[Operation.values().length][1 + CODES.length];

  private final Timer commit;
  private final Timer apply;
  private final Counter leaderChanges;
  private final Timer snapshotTake;
  private final DistributionSummary snapshotSize;
  private final Counter snapshotInstalls;
  private MultiGauge followerLag;
  private Set<String> laggingRows = Set.of();
  private ScheduledExecutorService refresher;

  public MemberMetrics(MeterRegistry registry, String memberId) {
    this.registry = registry;
    this.memberId = memberId;
    this.member = Tags.of("member", memberId);
    for (Operation op : Operation.values()) {
      requests[op.ordinal()][0] = requestTimer(op, OK);
    }
    commit =
        latency(
            "clusterdb.raft.commit",
            "Leader: from accepting a proposal to the entry being committed",
            member,
            Duration.ofMillis(1),
            Duration.ofSeconds(10));
    apply =
        latency(
            "clusterdb.raft.apply",
            "Applying one committed entry to this replica's state",
            member,
            Duration.ofNanos(10_000),
            Duration.ofSeconds(1));
    leaderChanges =
        keep(
            Counter.builder("clusterdb.raft.leader.changes")
                .description("Newly elected leaders this member learned of")
                .tags(member)
                .register(registry));
    snapshotTake =
        keep(
            Timer.builder("clusterdb.snapshot.take")
                .description("Snapshots this member took, and how long each took")
                .tags(member)
                .register(registry));
    snapshotSize =
        keep(
            DistributionSummary.builder("clusterdb.snapshot.size")
                .description("Size of each snapshot this member took")
                .baseUnit("bytes")
                .tags(member)
                .register(registry));
    snapshotInstalls =
        keep(
            Counter.builder("clusterdb.snapshot.installs")
                .description("Snapshots this member installed from the leader")
                .tags(member)
                .register(registry));
  }

  /** Where this member's meters are. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Registers the gauges that read the member's parts: Raft state, follower lag (refreshed every
   * {@code refreshEvery} for the followers of the moment), alarms and watchers.
   */
  public synchronized void bind(
      RaftNode node,
      AlarmRegistry alarms,
      WatchHub clusterWatches,
      WatchHub peerWatches,
      Duration refreshEvery) {
    node.setMetrics(this);
    gauge("clusterdb.raft.term", "This member's current Raft term", () -> node.status().term());
    gauge(
        "clusterdb.raft.leader",
        "1 while this member leads its Raft group, else 0",
        () -> node.status().role() == MemberStatus.Role.LEADER ? 1 : 0);
    gauge(
        "clusterdb.raft.commit.index",
        "Highest log index this member knows committed",
        () -> node.status().commitIndex());
    gauge(
        "clusterdb.raft.applied.index",
        "Highest log index this member applied",
        () -> node.status().appliedIndex());
    for (AlarmDefinition a : AlarmDefinition.values()) {
      keep(
          Gauge.builder("clusterdb.alarms.active", () -> alarms.isActive(a) ? 1 : 0)
              .description("1 while the alarm with this id is raised on this member, else 0")
              .tags(member.and("id", Integer.toString(a.id())))
              .register(registry));
    }
    keep(
        Gauge.builder("clusterdb.watchers", clusterWatches::size)
            .description("Active watches on this member")
            .tags(member.and("scope", "cluster"))
            .register(registry));
    keep(
        Gauge.builder("clusterdb.watchers", peerWatches::size)
            .description("Active watches on this member")
            .tags(member.and("scope", "peer"))
            .register(registry));
    followerLag =
        MultiGauge.builder("clusterdb.raft.follower.lag")
            .description("Leader only: committed entries each follower has not stored yet")
            .tags(member)
            .register(registry);
    refresher =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("clusterdb-metrics-" + memberId));
    refresher.scheduleWithFixedDelay(
        () -> refreshFollowers(node), 0, refreshEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Rows for the followers of the moment; each row reads the lag afresh when scraped. */
  private void refreshFollowers(RaftNode node) {
    try {
      Set<String> now = node.followerLag().keySet();
      synchronized (this) {
        if (followerLag == null || now.equals(laggingRows)) {
          return;
        }
        laggingRows = Set.copyOf(now);
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (String peer : laggingRows) {
          rows.add(
              MultiGauge.Row.of(
                  Tags.of("peer", peer),
                  () -> {
                    Long lag = node.followerLag().get(peer);
                    return lag == null ? Double.NaN : lag;
                  }));
        }
        followerLag.register(rows, true);
      }
    } catch (RuntimeException e) {
      // The member is closing; the next round, if any, tries again.
    }
  }

  /**
   * Records one request of {@code op} started at {@code startedNanos} ({@link System#nanoTime})
   * when {@code result} completes; returns {@code result}.
   */
  public <T> CompletableFuture<T> time(
      Operation op, long startedNanos, CompletableFuture<T> result) {
    result.whenComplete((r, e) -> record(op, e, System.nanoTime() - startedNanos));
    return result;
  }

  /** Records one request of {@code op} that took {@code nanos} and failed with {@code error}. */
  public void record(Operation op, Throwable error, long nanos) {
    int code = error == null ? 0 : 1 + code(error).ordinal();
    Timer t = requests[op.ordinal()][code];
    if (t == null) {
      // A benign race: the registry hands both threads the same timer.
      t = requestTimer(op, CODES[code - 1].name());
      requests[op.ordinal()][code] = t;
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  private static ErrorCode code(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e instanceof ClusterDbException c ? c.code() : ErrorCode.INTERNAL;
  }

  private Timer requestTimer(Operation op, String code) {
    return latency(
        "clusterdb.requests",
        "Requests to this member's store, by operation and outcome",
        member.and("operation", op.tag(), "code", code),
        Duration.ofMillis(1),
        Duration.ofSeconds(10));
  }

  /** A timer with a histogram whose buckets span {@code min} to {@code max}. */
  private Timer latency(String name, String description, Tags tags, Duration min, Duration max) {
    return keep(
        Timer.builder(name)
            .description(description)
            .tags(tags)
            .publishPercentileHistogram()
            .minimumExpectedValue(min)
            .maximumExpectedValue(max)
            .register(registry));
  }

  private void gauge(String name, String description, Supplier<Number> value) {
    keep(Gauge.builder(name, value).description(description).tags(member).register(registry));
  }

  private synchronized <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  @Override
  public void committed(long nanos) {
    commit.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void applied(long nanos) {
    apply.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void leaderChanged() {
    leaderChanges.increment();
  }

  @Override
  public void snapshotTaken(long nanos, long bytes) {
    snapshotTake.record(nanos, TimeUnit.NANOSECONDS);
    snapshotSize.record(bytes);
  }

  @Override
  public void snapshotInstalled() {
    snapshotInstalls.increment();
  }

  /** Removes every meter of this member from the registry. */
  @Override
  public synchronized void close() {
    if (refresher != null) {
      refresher.shutdownNow();
    }
    if (followerLag != null) {
      followerLag.register(List.of(), true);
      followerLag = null;
    }
    meters.forEach(registry::remove);
    meters.clear();
  }

  @Override
  public String toString() {
    return "MemberMetrics[member=" + memberId + "]";
  }
}
