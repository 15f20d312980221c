package org.clusterdb.core.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.CompactedException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.core.fsm.Applier;
import org.clusterdb.core.fsm.ApplyOutcome;
import org.clusterdb.core.fsm.HistoryPolicy;
import org.clusterdb.core.storage.ReadView;
import org.clusterdb.core.storage.StateStore;
import org.clusterdb.core.storage.WriteView;
import org.clusterdb.proto.log.v1.CreateTable;
import org.clusterdb.proto.log.v1.DeleteRange;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.Put;
import org.clusterdb.proto.log.v1.Txn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The watch hub fed by a real store and applier, as the store's writer feeds it. */
@Timeout(30)
class WatchHubTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private StateStore store;
  private Applier applier;
  private ExecutorService executor;
  private WatchHub hub;

  /** The writer's lock: apply and commit under it, publish after; see {@link #apply}. */
  private final Object writeLock = new Object();

  @BeforeEach
  void setUp() throws IOException {
    store = StateStore.open(dir.resolve("state"), false);
    applier = new Applier(new HistoryPolicy(1_000, 1 << 20));
    executor = Executors.newFixedThreadPool(4);
    hub = new WatchHub("test", executor, 1 << 20);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    hub.close();
    executor.shutdownNow();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    store.close();
  }

  @Test
  void watchFromRevisionZeroGetsOnlyFutureEvents() {
    apply(createTable("t"));
    apply(put("t", "a", "1"));
    apply(put("t", "b", "2"));
    Recorder r = new Recorder();

    Watch w = register(WatchRequest.table("t"), r);
    assertThat(w.nextRevision()).isEqualTo(4);
    apply(put("t", "c", "3"));

    await().atMost(WAIT).until(() -> r.batches.size() == 1);
    assertThat(r.revisions()).containsExactly(4L);
    assertThat(r.keys()).containsExactly("c");
    assertThat(r.errors).isEmpty();
    await().atMost(WAIT).until(() -> w.nextRevision() == 5);
  }

  @Test
  void watchFromRetainedRevisionReplaysFromItThenLiveEventsWithoutGapOrDuplicate() {
    apply(createTable("t")); // 1
    for (int i = 2; i <= 6; i++) {
      apply(put("t", "k" + i, "v"));
    }
    Recorder r = new Recorder();

    register(WatchRequest.table("t").fromRevision(4), r);
    apply(put("t", "k7", "v"));
    apply(put("t", "k8", "v"));

    await().atMost(WAIT).until(() -> r.batches.size() == 5);
    assertThat(r.revisions()).containsExactly(4L, 5L, 6L, 7L, 8L);
    assertThat(r.keys()).containsExactly("k4", "k5", "k6", "k7", "k8");
    assertThat(r.batches)
        .allSatisfy(
            b ->
                assertThat(b.events())
                    .allSatisfy(e -> assertThat(e.revision()).isEqualTo(b.revision())));
    assertThat(r.errors).isEmpty();
  }

  @Test
  void replayedEventsEqualTheLiveEventsOfTheSameRevisions() {
    apply(createTable("t"));
    Recorder live = new Recorder();
    register(WatchRequest.table("t").fromRevision(1), live);
    List<ApplyOutcome> outcomes = new ArrayList<>();
    outcomes.add(apply(put("t", "a", "1")));
    outcomes.add(
        apply(
            txn(
                Op.newBuilder().setPut(rawPut("t", "b", "2")).build(),
                Op.newBuilder().setPut(rawPut("t", "a", "3")).build())));
    outcomes.add(apply(deleteRange("t", "a", "\0")));

    Recorder replay = new Recorder();
    register(WatchRequest.table("t").fromRevision(1), replay);

    await().atMost(WAIT).until(() -> live.batches.size() == 3 && replay.batches.size() == 3);
    assertThat(replay.batches).isEqualTo(live.batches);
    assertThat(live.revisions())
        .containsExactlyElementsOf(outcomes.stream().map(ApplyOutcome::revision).toList());
    assertThat(live.batches.get(1).events())
        .extracting(e -> e.kv().key().toStringUtf8())
        .containsExactly("b", "a");
    assertThat(live.batches.get(2).events())
        .extracting(WatchEvent::type)
        .containsExactly(WatchEvent.Type.DELETE, WatchEvent.Type.DELETE);
  }

  @Test
  void registrationRacingTheWriterMissesAndRepeatsNothing() throws Exception {
    apply(createTable("t"));
    int minWrites = 200;
    int watches = 20;
    AtomicInteger written = new AtomicInteger();
    AtomicInteger registered = new AtomicInteger();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      // The writer keeps going until every registration happened while it was writing.
      Future<?> done =
          writer.submit(
              () -> {
                for (int i = 0; i < minWrites || registered.get() < watches; i++) {
                  apply(put("t", "k" + (i % 7), "v" + i));
                  written.incrementAndGet();
                }
              });
      List<Recorder> recorders = new ArrayList<>();
      List<Long> starts = new ArrayList<>();
      int seen = 0;
      while (recorders.size() < watches) {
        if (written.get() < seen + 5) {
          Thread.onSpinWait();
          continue;
        }
        seen = written.get();
        Recorder r = new Recorder();
        // A few revisions back: part replay, part live.
        long start = Math.max(2, seen + 1 - recorders.size() % 4);
        synchronized (writeLock) {
          try (ReadView v = store.read()) {
            hub.register(WatchRequest.table("t").fromRevision(start), r, v);
          }
        }
        recorders.add(r);
        starts.add(start);
        registered.incrementAndGet();
      }
      done.get(20, TimeUnit.SECONDS);
      long last = store.revision();
      assertThat(last).isEqualTo(written.get() + 1L);

      for (int i = 0; i < recorders.size(); i++) {
        Recorder r = recorders.get(i);
        await().atMost(WAIT).until(() -> r.lastRevision() == last);
        List<Long> expected = new ArrayList<>();
        for (long rev = starts.get(i); rev <= last; rev++) {
          expected.add(rev);
        }
        assertThat(r.revisions()).as("watch from %d", starts.get(i)).isEqualTo(expected);
        assertThat(r.errors).isEmpty();
      }
    } finally {
      writer.shutdownNow();
    }
  }

  @Test
  void watchFromCompactedRevisionFailsWithCompactedException() {
    applier = new Applier(new HistoryPolicy(3, 1 << 20));
    apply(createTable("t")); // 1
    for (int i = 2; i <= 8; i++) {
      apply(put("t", "k" + i, "v"));
    }
    long oldest;
    try (ReadView v = store.read()) {
      oldest = v.historyOldest();
    }
    assertThat(oldest).isEqualTo(6);
    Recorder r = new Recorder();

    register(WatchRequest.table("t").fromRevision(oldest - 1), r);

    await().atMost(WAIT).until(() -> r.errors.size() == 1);
    ClusterDbException e = r.errors.get(0);
    assertThat(e).isInstanceOf(CompactedException.class);
    assertThat(e.code()).isEqualTo(ErrorCode.COMPACTED);
    assertThat(((CompactedException) e).oldestRevision()).isEqualTo(oldest);
    assertThat(r.batches).isEmpty();
    assertThat(hub.size()).isZero();

    // From exactly the oldest retained revision, the watch works.
    Recorder ok = new Recorder();
    register(WatchRequest.table("t").fromRevision(oldest), ok);
    await().atMost(WAIT).until(() -> ok.batches.size() == 3);
    assertThat(ok.revisions()).containsExactly(6L, 7L, 8L);
    assertThat(ok.errors).isEmpty();
  }

  @Test
  void watchDeliversOnlyItsTableAndPrefix() {
    apply(createTable("t"));
    apply(createTable("u"));
    Recorder r = new Recorder();
    register(WatchRequest.table("t").withPrefix(Bytes.of("a/")), r);

    apply(put("t", "a/1", "x")); // 3: delivered
    apply(put("t", "b/1", "x")); // 4: no matching event, no call
    apply(put("u", "a/1", "x")); // 5: other table
    apply(put("t", "a", "x")); // 6: shorter than the prefix
    apply(
        txn(
            Op.newBuilder().setPut(rawPut("t", "b/2", "x")).build(),
            Op.newBuilder().setPut(rawPut("t", "a/2", "x")).build(),
            Op.newBuilder().setPut(rawPut("u", "a/3", "x")).build())); // 7: only a/2
    apply(deleteRange("t", "a/", "a0")); // 8: deletes a/1, a/2

    await().atMost(WAIT).until(() -> r.batches.size() == 3);
    assertThat(r.revisions()).containsExactly(3L, 7L, 8L);
    assertThat(r.batches.get(1).events())
        .extracting(WatchEvent::table, e -> e.kv().key().toStringUtf8())
        .containsExactly(tuple("t", "a/2"));
    assertThat(r.batches.get(2).events())
        .extracting(WatchEvent::type, e -> e.kv().key().toStringUtf8(), e -> e.kv().version())
        .containsExactly(
            tuple(WatchEvent.Type.DELETE, "a/1", 0L), tuple(WatchEvent.Type.DELETE, "a/2", 0L));
    assertThat(r.events()).allMatch(e -> e.kv().key().startsWith(Bytes.of("a/")));
  }

  @Test
  void closedWatchGetsNoFurtherEvents() throws Exception {
    apply(createTable("t"));
    Recorder r = new Recorder();
    Watch w = register(WatchRequest.table("t"), r);
    apply(put("t", "a", "1"));
    await().atMost(WAIT).until(() -> r.batches.size() == 1);

    w.close();
    w.close(); // idempotent
    assertThat(hub.size()).isZero();
    apply(put("t", "b", "2"));
    apply(put("t", "c", "3"));
    flushExecutor();

    assertThat(r.revisions()).containsExactly(2L);
    assertThat(r.errors).isEmpty();
  }

  @Test
  void listenerFallingTooFarBehindGetsSlowWatcher() throws Exception {
    hub = new WatchHub("slow", executor, 300);
    apply(createTable("t"));
    CountDownLatch release = new CountDownLatch(1);
    Recorder r =
        new Recorder() {
          @Override
          public void onEvents(long revision, List<WatchEvent> events) {
            super.onEvents(revision, events);
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    Watch w = register(WatchRequest.table("t"), r);
    String big = "x".repeat(100);
    for (int i = 0; i < 20; i++) {
      apply(put("t", "k" + i, big));
    }
    // The overflow ended the watch during publish.
    assertThat(hub.size()).isZero();

    release.countDown();
    await().atMost(WAIT).until(() -> r.errors.size() == 1);
    assertThat(r.errors.get(0).code()).isEqualTo(ErrorCode.SLOW_WATCHER);
    // Whatever was delivered is a gap-free prefix, and nextRevision says where to resume.
    List<Long> delivered = r.revisions();
    assertThat(delivered.size()).isLessThan(20);
    for (int i = 0; i < delivered.size(); i++) {
      assertThat(delivered.get(i)).isEqualTo(2L + i);
    }
    assertThat(w.nextRevision()).isEqualTo(2L + delivered.size());
    // Nothing comes after the error.
    apply(put("t", "later", "x"));
    flushExecutor();
    assertThat(r.revisions()).isEqualTo(delivered);
    assertThat(r.errors).hasSize(1);
    assertThat(r.afterError.get()).isFalse();
  }

  @Test
  void closingTheHubEndsEveryWatchWithUnavailable() throws Exception {
    apply(createTable("t"));
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    register(WatchRequest.table("t"), a);
    register(WatchRequest.table("t").withPrefix(Bytes.of("p")), b);
    assertThat(hub.size()).isEqualTo(2);

    hub.close();

    await().atMost(WAIT).until(() -> a.errors.size() == 1 && b.errors.size() == 1);
    assertThat(a.errors.get(0).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(b.errors.get(0).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(hub.size()).isZero();

    // Registering on a closed hub fails the same way.
    Recorder late = new Recorder();
    register(WatchRequest.table("t"), late);
    await().atMost(WAIT).until(() -> late.errors.size() == 1);
    assertThat(late.errors.get(0).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(hub.size()).isZero();
    apply(put("t", "a", "1"));
    flushExecutor();
    assertThat(a.batches).isEmpty();
    assertThat(a.errors).hasSize(1);
  }

  // ---- helpers ----

  /** Applies, commits and publishes, as the store's single writer does. */
  private ApplyOutcome apply(LogEntry entry) {
    ApplyOutcome out;
    synchronized (writeLock) {
      try (WriteView w = store.write()) {
        out = applier.apply(entry, w);
        store.commit(w, null);
      }
    }
    // Published outside the lock, so that registrations can see a committed, unpublished revision.
    hub.publish(out.revision(), out.events());
    return out;
  }

  private Watch register(WatchRequest request, WatchListener listener) {
    synchronized (writeLock) {
      try (ReadView v = store.read()) {
        return hub.register(request, listener, v);
      }
    }
  }

  /** Waits until every delivery task submitted so far has run (the pool runs tasks FIFO). */
  private void flushExecutor() throws Exception {
    List<Future<?>> markers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      markers.add(executor.submit(() -> {}));
    }
    for (Future<?> f : markers) {
      f.get(10, TimeUnit.SECONDS);
    }
  }

  private static LogEntry entry(LogEntry.Builder b) {
    return b.setFormatVersion(FormatVersion.FORMAT_VERSION_1).build();
  }

  private static LogEntry createTable(String name) {
    return entry(LogEntry.newBuilder().setCreateTable(CreateTable.newBuilder().setName(name)));
  }

  private static Put rawPut(String table, String key, String value) {
    return Put.newBuilder()
        .setTable(table)
        .setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8(value))
        .build();
  }

  private static LogEntry put(String table, String key, String value) {
    return txn(Op.newBuilder().setPut(rawPut(table, key, value)).build());
  }

  private static LogEntry deleteRange(String table, String key, String end) {
    return txn(
        Op.newBuilder()
            .setDeleteRange(
                DeleteRange.newBuilder()
                    .setTable(table)
                    .setKey(ByteString.copyFromUtf8(key))
                    .setRangeEnd(ByteString.copyFromUtf8(end)))
            .build());
  }

  private static LogEntry txn(Op... ops) {
    return entry(LogEntry.newBuilder().setTxn(Txn.newBuilder().addAllSuccess(List.of(ops))));
  }

  record Batch(long revision, List<WatchEvent> events) {}

  /** Records calls; flags overlapping calls and calls after an error. */
  static class Recorder implements WatchListener {
    final List<Batch> batches = new CopyOnWriteArrayList<>();
    final List<ClusterDbException> errors = new CopyOnWriteArrayList<>();
    final AtomicBoolean afterError = new AtomicBoolean();
    private final AtomicBoolean inCall = new AtomicBoolean();

    @Override
    public void onEvents(long revision, List<WatchEvent> events) {
      assertThat(inCall.compareAndSet(false, true)).as("overlapping listener calls").isTrue();
      try {
        if (!errors.isEmpty()) {
          afterError.set(true);
        }
        batches.add(new Batch(revision, List.copyOf(events)));
      } finally {
        inCall.set(false);
      }
    }

    @Override
    public void onError(ClusterDbException error) {
      if (!errors.isEmpty()) {
        afterError.set(true);
      }
      errors.add(error);
    }

    List<Long> revisions() {
      return batches.stream().map(Batch::revision).toList();
    }

    long lastRevision() {
      List<Long> r = revisions();
      return r.isEmpty() ? -1 : r.get(r.size() - 1);
    }

    List<WatchEvent> events() {
      return batches.stream().flatMap(b -> b.events().stream()).toList();
    }

    List<String> keys() {
      return events().stream().map(e -> e.kv().key().toStringUtf8()).toList();
    }
  }
}
