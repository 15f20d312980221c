package org.clusterdb.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the workloads against one started system, with the same load for every system. */
final class WorkloadRunner {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadRunner.class);

  static final int KEYS = 10_000;
  static final int VALUE_BYTES = 1024;

  /** The resync workload's data: 100 MiB in 64 KiB values, under every system's value limit. */
  static final int RESYNC_KEYS = 1600;

  static final int RESYNC_VALUE_BYTES = 64 * 1024;

  private static final Duration DRAIN = Duration.ofSeconds(30);
  private static final Duration TIME_LIMIT = Duration.ofSeconds(120);

  private final BenchSystem system;
  private final RunOptions options;
  private final int run;
  private final byte[] value;

  WorkloadRunner(BenchSystem system, RunOptions options, int run) {
    this.system = system;
    this.options = options;
    this.run = run;
    this.value = new byte[VALUE_BYTES];
    ThreadLocalRandom.current().nextBytes(value);
  }

  static String key(int i) {
    return String.format("k%05d", i);
  }

  private static String randomKey() {
    return key(ThreadLocalRandom.current().nextInt(KEYS));
  }

  /** Writes every key once, so that reads find values. */
  void preload(Driver d) throws Exception {
    List<String> keys = new ArrayList<>(KEYS);
    for (int i = 0; i < KEYS; i++) {
      keys.add(key(i));
    }
    writeAll(d, keys, 64, VALUE_BYTES);
  }

  /** Unmeasured mixed load for {@link RunOptions#systemWarmup}; failures are only counted. */
  void warmUp(Driver d) throws InterruptedException {
    if (options.systemWarmup().isZero()) {
      return;
    }
    LOG.info("system warm-up system={} seconds={}", system.name(), options.systemWarmup());
    LoadGenerator.Window w =
        LoadGenerator.run(
            () ->
                ThreadLocalRandom.current().nextBoolean()
                    ? d.write(randomKey(), value)
                    : d.read(randomKey()),
            64,
            Duration.ZERO,
            options.systemWarmup(),
            DRAIN);
    LOG.info("system warm-up done system={} ops={} errors={}", system.name(), w.ops(), w.errors());
  }

  /** Runs {@code w}; empty if the system has no such operation. */
  java.util.Optional<Measurement> run(Workload w, Driver d) throws Exception {
    LOG.info("workload starting system={} workload={} run={}", system.name(), w.id(), run);
    Measurement m =
        switch (w) {
          case WRITE_1, WRITE_64 -> window(w, () -> d.write(randomKey(), value));
          case READ_1, READ_64 -> window(w, () -> d.read(randomKey()));
          case LOCAL_READ_64 -> {
            try {
              d.localRead(key(0)).get(10, TimeUnit.SECONDS);
            } catch (UnsupportedOperationException e) {
              yield null;
            }
            yield window(w, () -> d.localRead(randomKey()));
          }
          case MIXED_64 ->
              window(
                  w,
                  () ->
                      ThreadLocalRandom.current().nextInt(10) == 0
                          ? d.write(randomKey(), value)
                          : d.read(randomKey()));
          case WATCH -> watch(w, d);
          case FAILOVER -> failover(w, d);
          case RESYNC -> resync(w, d);
        };
    if (m != null) {
      LOG.info(
          "workload done system={} workload={} run={} result={}", system.name(), w.id(), run, m);
    }
    return java.util.Optional.ofNullable(m);
  }

  private Measurement window(Workload w, java.util.function.Supplier<CompletableFuture<?>> op)
      throws InterruptedException {
    LoadGenerator.Window win =
        LoadGenerator.run(op, w.inFlight(), options.warmup(), options.duration(), DRAIN);
    return Measurement.ofWindow(system.name(), w, run, win);
  }

  /**
   * One writer, one watcher on another client: each write's key is stamped with its send time, and
   * the watcher's event for it records the delay.
   */
  private Measurement watch(Workload w, Driver writer) throws Exception {
    ConcurrentHashMap<String, Long> sent = new ConcurrentHashMap<>();
    Recorder delays = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
    AtomicLong events = new AtomicLong();
    AtomicLong next = new AtomicLong();
    try (Driver watcherClient = system.driver();
        AutoCloseable watch =
            watcherClient.watch(
                key -> {
                  Long at = sent.remove(key);
                  if (at != null) {
                    delays.recordValue(
                        Math.min(System.nanoTime() - at, TimeUnit.SECONDS.toNanos(60)));
                    events.incrementAndGet();
                  }
                })) {
      // Warm-up writes are not stamped; stamping starts with the measured window.
      long measureFrom = System.nanoTime() + options.warmup().toNanos();
      LoadGenerator.Window win =
          LoadGenerator.run(
              () -> {
                String key = key((int) (next.getAndIncrement() % KEYS));
                long now = System.nanoTime();
                if (now >= measureFrom) {
                  sent.put(key, now);
                }
                return writer.write(key, value);
              },
              w.inFlight(),
              options.warmup(),
              options.duration(),
              DRAIN);
      // Events still on their way when the window closed.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!sent.isEmpty() && System.nanoTime() < until) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
      Histogram h = delays.getIntervalHistogram();
      long lost = sent.size();
      return new Measurement(
          system.name(),
          w.id(),
          run,
          events.get() / win.seconds(),
          h.getValueAtPercentile(50) / 1e6,
          h.getValueAtPercentile(99) / 1e6,
          h.getValueAtPercentile(99.9) / 1e6,
          Double.NaN,
          events.get(),
          win.errors() + lost);
    }
  }

  /**
   * Writes run at 16 in flight; the leader is killed; the result is the time from the kill to the
   * first acknowledgement of a write sent after it. The node is restarted afterwards.
   */
  private Measurement failover(Workload w, Driver d) throws Exception {
    int leader = system.leader();
    AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong firstAck = new AtomicLong(-1);
    Duration settle = Duration.ofSeconds(2);
    Thread load =
        new Thread(
            () -> {
              try {
                LoadGenerator.run(
                    () -> {
                      long sentAt = System.nanoTime();
                      return d.write(randomKey(), value)
                          .whenComplete(
                              (r, e) -> {
                                if (e == null && sentAt > killedAt.get()) {
                                  firstAck.compareAndSet(-1, System.nanoTime());
                                }
                              });
                    },
                    w.inFlight(),
                    Duration.ZERO,
                    settle.plus(TIME_LIMIT),
                    DRAIN);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "bench-failover-load");
    load.setDaemon(true);
    load.start();
    TimeUnit.MILLISECONDS.sleep(settle.toMillis());
    long signalled = System.nanoTime();
    system.kill(leader);
    // Only writes sent once the leader is surely gone count: one sent while SIGKILL was on its
    // way could still have been acknowledged by it.
    killedAt.set(System.nanoTime());
    long deadline = killedAt.get() + TIME_LIMIT.toNanos();
    while (firstAck.get() < 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(1);
    }
    // The loader's window is long; stopping it early is by interrupt of its sleep.
    load.interrupt();
    load.join(DRAIN.toMillis());
    double seconds = firstAck.get() < 0 ? Double.NaN : (firstAck.get() - signalled) / 1e9;
    system.restart(leader);
    system.leader();
    LOG.info("failover system={} killed={} seconds={}", system.name(), leader, seconds);
    return Measurement.ofTime(system.name(), w, run, seconds, 0);
  }

  /**
   * 100 MiB is written; a follower is killed, its data deleted, and it is started again by the
   * system's own procedure; the result is the time from that restart until the node answers a
   * linearizable read of the last key written with its value.
   */
  private Measurement resync(Workload w, Driver d) throws Exception {
    List<String> keys = new ArrayList<>(RESYNC_KEYS);
    for (int i = 0; i < RESYNC_KEYS; i++) {
      keys.add(String.format("r%06d", i));
    }
    writeAll(d, keys, w.inFlight(), RESYNC_VALUE_BYTES);
    int leader = system.leader();
    int node = (leader + 1) % 3;
    system.kill(node);
    String last = "r-last";
    byte[] marker = ByteBuffer.allocate(16).putLong(System.nanoTime()).putLong(run).array();
    d.write(last, marker).get(30, TimeUnit.SECONDS);
    long started = System.nanoTime();
    system.wipeAndRestart(node);
    double seconds = Double.NaN;
    try (Driver there = system.driver(node)) {
      long deadline = started + TIME_LIMIT.toNanos();
      while (System.nanoTime() < deadline) {
        try {
          byte[] got = there.read(last).get(5, TimeUnit.SECONDS);
          if (got != null && java.util.Arrays.equals(got, marker)) {
            seconds = (System.nanoTime() - started) / 1e9;
            break;
          }
        } catch (ExecutionException | TimeoutException notYet) {
          // still starting or catching up
        }
        TimeUnit.MILLISECONDS.sleep(20);
      }
    }
    system.leader();
    LOG.info("resync system={} node={} seconds={}", system.name(), node, seconds);
    return Measurement.ofTime(system.name(), w, run, seconds, 0);
  }

  /** Writes every key once with {@code inFlight} outstanding, retrying failures (bounded). */
  static void writeAll(Driver d, List<String> keys, int inFlight, int valueBytes) throws Exception {
    byte[] v = new byte[valueBytes];
    ThreadLocalRandom.current().nextBytes(v);
    Semaphore slots = new Semaphore(inFlight);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    for (String k : keys) {
      if (failed.get() != null) {
        break;
      }
      slots.acquire();
      writeWithRetries(d, k, v, 5)
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  failed.compareAndSet(null, e);
                }
                slots.release();
              });
    }
    if (!slots.tryAcquire(inFlight, 120, TimeUnit.SECONDS)) {
      throw new TimeoutException("writes still outstanding after 120 s");
    }
    if (failed.get() != null) {
      throw new IllegalStateException("loading keys failed", failed.get());
    }
  }

  private static CompletableFuture<?> writeWithRetries(Driver d, String k, byte[] v, int left) {
    return d.write(k, v)
        .handle((r, e) -> e)
        .thenCompose(
            e -> {
              if (e == null) {
                return CompletableFuture.completedFuture(null);
              }
              if (left <= 1) {
                return CompletableFuture.failedFuture(e);
              }
              return writeWithRetries(d, k, v, left - 1);
            });
  }
}
