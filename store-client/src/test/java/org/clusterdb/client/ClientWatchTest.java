package org.clusterdb.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.clusterdb.client.FakeMember.created;
import static org.clusterdb.client.FakeMember.events;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.CompactedException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.proto.api.v1.WatchResponse;
import org.clusterdb.proto.wire.WireErrors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Watches over scripted members: resume after a broken stream, server cancels, close. */
@Timeout(30)
class ClientWatchTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  private FakeMember member(String id) {
    FakeMember m = new FakeMember(id);
    resources.add(m);
    return m;
  }

  private ClusterDbClient client(FakeMember... members) {
    List<String> endpoints = new ArrayList<>();
    for (FakeMember m : members) {
      endpoints.add(m.address);
    }
    ClusterDbClient c =
        ClusterDbClient.builder()
            .endpoints(endpoints)
            .requestTimeout(Duration.ofSeconds(5))
            .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
            .channelFactory(FakeMember.CHANNELS)
            .build();
    resources.add(0, c);
    return c;
  }

  /** Records what the watch delivers. */
  private static final class Recorder implements WatchListener {
    final List<Long> revisions = new CopyOnWriteArrayList<>();
    final List<WatchEvent> events = new CopyOnWriteArrayList<>();
    final AtomicReference<ClusterDbException> error = new AtomicReference<>();

    @Override
    public void onEvents(long revision, List<WatchEvent> batch) {
      revisions.add(revision);
      events.addAll(batch);
    }

    @Override
    public void onError(ClusterDbException e) {
      error.set(e);
    }
  }

  @Test
  void brokenStreamResumesOnAnotherMemberFromTheNextRevisionWithoutRepeats() {
    FakeMember a = member("a");
    FakeMember b = member("b");
    a.watch =
        (create, out) -> {
          out.onNext(created(a, 2));
          out.onNext(events(a, "zones", 3, "k3"));
          out.onNext(events(a, "zones", 5, "k5"));
          out.onError(Status.UNAVAILABLE.withDescription("member died").asRuntimeException());
        };
    b.watch =
        (create, out) -> {
          out.onNext(created(b, 5));
          // A member that replays the last delivered revision must not cause a repeat.
          out.onNext(events(b, "zones", 5, "k5"));
          out.onNext(events(b, "zones", 7, "k7"));
        };
    ClusterDbClient client = client(a, b);
    Recorder r = new Recorder();

    Watch w = client.watch(WatchRequest.table("zones").fromRevision(1), r);

    await().atMost(WAIT).until(() -> r.revisions.contains(7L));
    assertThat(r.revisions).containsExactly(3L, 5L, 7L);
    assertThat(r.events)
        .extracting(e -> e.kv().key().toStringUtf8())
        .containsExactly("k3", "k5", "k7");
    assertThat(a.creates.get(0).getStartRevision()).isEqualTo(1);
    assertThat(b.creates).hasSize(1);
    assertThat(b.creates.get(0).getStartRevision()).isEqualTo(6);
    assertThat(w.nextRevision()).isEqualTo(8);
    assertThat(r.error.get()).isNull();
  }

  @Test
  void watchFromTheNextWriteResumesAfterTheCreationRevision() {
    FakeMember a = member("a");
    FakeMember b = member("b");
    a.watch =
        (create, out) -> {
          out.onNext(created(a, 41));
          out.onError(Status.UNAVAILABLE.asRuntimeException());
        };
    ClusterDbClient client = client(a, b);

    Watch w = client.watch(WatchRequest.table("zones"), new Recorder());

    await().atMost(WAIT).until(() -> !b.creates.isEmpty());
    assertThat(a.creates.get(0).getStartRevision()).isZero();
    assertThat(b.creates.get(0).getStartRevision()).isEqualTo(42);
    assertThat(w.nextRevision()).isEqualTo(42);
  }

  @Test
  void unreachableMembersAreRetriedUntilOneAnswers() {
    FakeMember a = member("a");
    FakeMember b = member("b");
    a.close();
    b.watch =
        (create, out) -> {
          out.onNext(created(b, 1));
          out.onNext(events(b, "zones", 2, "k2"));
        };
    ClusterDbClient client = client(a, b);
    Recorder r = new Recorder();

    client.watch(WatchRequest.table("zones").fromRevision(2), r);

    await().atMost(WAIT).until(() -> r.revisions.contains(2L));
    assertThat(b.creates.get(0).getStartRevision()).isEqualTo(2);
  }

  @Test
  void compactedCancelReachesTheListenerWithTheOldestRevisionAndEndsTheWatch() {
    FakeMember a = member("a");
    FakeMember b = member("b");
    CompactedException compacted = new CompactedException(3, 10);
    a.watch =
        (create, out) ->
            out.onNext(
                WatchResponse.newBuilder()
                    .setHeader(FakeMember.header(a, 20))
                    .setWatchId(1)
                    .setCreated(true)
                    .setCanceled(true)
                    .setCompactRevision(10)
                    .setCancelReason(WireErrors.detail(compacted))
                    .setCancelMessage(compacted.getMessage())
                    .build());
    ClusterDbClient client = client(a, b);
    Recorder r = new Recorder();

    client.watch(WatchRequest.table("zones").fromRevision(3), r);

    await().atMost(WAIT).until(() -> r.error.get() != null);
    assertThat(r.error.get())
        .isInstanceOfSatisfying(
            CompactedException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.COMPACTED);
              assertThat(e.oldestRevision()).isEqualTo(10);
              assertThat(e.getMessage()).isEqualTo(compacted.getMessage());
            });
    assertThat(b.creates).isEmpty();
    assertThat(r.revisions).isEmpty();
  }

  @Test
  void slowWatcherCancelEndsTheWatch() {
    FakeMember a = member("a");
    FakeMember b = member("b");
    a.watch =
        (create, out) ->
            out.onNext(
                WatchResponse.newBuilder()
                    .setHeader(FakeMember.header(a, 20))
                    .setCanceled(true)
                    .setCancelReason(
                        WireErrors.detail(
                            new ClusterDbException(ErrorCode.SLOW_WATCHER, "fell behind")))
                    .setCancelMessage("fell behind")
                    .build());
    ClusterDbClient client = client(a, b);
    Recorder r = new Recorder();

    client.watch(WatchRequest.table("zones").fromRevision(3), r);

    await().atMost(WAIT).until(() -> r.error.get() != null);
    assertThat(r.error.get().code()).isEqualTo(ErrorCode.SLOW_WATCHER);
    assertThat(b.creates).isEmpty();
  }

  @Test
  void closeCancelsTheStreamAndStopsDelivery() {
    FakeMember a = member("a");
    a.watch = (create, out) -> out.onNext(created(a, 1));
    ClusterDbClient client = client(a);
    Recorder r = new Recorder();

    Watch w = client.watch(WatchRequest.table("zones").fromRevision(1), r);
    await().atMost(WAIT).until(() -> !a.creates.isEmpty());
    w.close();

    await().atMost(WAIT).until(() -> a.watchStreams.get(0).isCancelled());
    assertThat(r.revisions).isEmpty();
    assertThat(r.error.get()).isNull();
    w.close();
  }

  @Test
  void closingTheClientEndsItsWatchesWithUnavailable() {
    FakeMember a = member("a");
    a.watch = (create, out) -> out.onNext(created(a, 1));
    ClusterDbClient client = client(a);
    Recorder r = new Recorder();

    client.watch(WatchRequest.table("zones").fromRevision(1), r);
    await().atMost(WAIT).until(() -> !a.creates.isEmpty());
    client.close();

    assertThat(r.error.get()).isNotNull();
    assertThat(r.error.get().code()).isEqualTo(ErrorCode.UNAVAILABLE);
    await().atMost(WAIT).until(() -> a.watchStreams.get(0).isCancelled());
  }

  @Test
  void listenerCallsDoNotOverlapAndFollowRevisionOrder() {
    FakeMember a = member("a");
    a.watch =
        (create, out) -> {
          out.onNext(created(a, 0));
          for (long rev = 1; rev <= 50; rev++) {
            out.onNext(events(a, "zones", rev, "k" + rev));
          }
        };
    ClusterDbClient client = client(a);
    List<Long> seen = new CopyOnWriteArrayList<>();
    AtomicInteger inside = new AtomicInteger();
    AtomicBoolean overlapped = new AtomicBoolean();

    client.watch(
        WatchRequest.table("zones").fromRevision(1),
        (revision, events) -> {
          if (inside.incrementAndGet() > 1) {
            overlapped.set(true);
          }
          seen.add(revision);
          inside.decrementAndGet();
        });

    await().atMost(WAIT).until(() -> seen.size() == 50);
    assertThat(overlapped).isFalse();
    assertThat(seen).isSorted().doesNotHaveDuplicates();
  }
}
