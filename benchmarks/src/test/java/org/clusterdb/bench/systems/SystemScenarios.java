package org.clusterdb.bench.systems;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.clusterdb.bench.BenchSystem;
import org.clusterdb.bench.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every system under test must do for the harness, checked against a started system. */
final class SystemScenarios {
  private static final Logger LOG = LoggerFactory.getLogger(SystemScenarios.class);

  private static final Duration CALL = Duration.ofSeconds(10);
  private static final Duration RECOVERY = Duration.ofSeconds(60);

  private SystemScenarios() {}

  static Map<String, byte[]> writeAndReadBack(Driver d) throws Exception {
    Map<String, byte[]> written = new LinkedHashMap<>();
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String key = String.format("k%05d", i);
      byte[] value = new byte[1024];
      ThreadLocalRandom.current().nextBytes(value);
      written.put(key, value);
      writes.add(d.write(key, value));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    for (Map.Entry<String, byte[]> e : written.entrySet()) {
      assertThat(read(d, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(read(d, "absent")).isNull();
    return written;
  }

  static void watchSeesWrite(Driver d) throws Exception {
    LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
    AutoCloseable watch = d.watch(seen::add);
    try {
      // Written right after watch() returns: the watch must already see it.
      d.write("watched", bytes("w")).get(CALL.toMillis(), TimeUnit.MILLISECONDS);
      String key;
      do {
        key = seen.poll(10, TimeUnit.SECONDS);
        assertThat(key).as("event for the watched key within 10 s").isNotNull();
      } while (!key.equals("watched"));
    } finally {
      watch.close();
    }
  }

  static void failOver(BenchSystem system, Driver d) throws Exception {
    int leader = system.leader();
    system.kill(leader);
    long killed = System.nanoTime();
    Waits.until(
        "a write through driver() after the leader is killed",
        RECOVERY,
        Duration.ofMillis(50),
        () -> {
          // A write that reached a follower before it noticed the loss may wait out a timeout.
          d.write("after-failover", bytes("f")).get(2, TimeUnit.SECONDS);
          return true;
        });
    LOG.info(
        "write after leader kill killed={} ms={}",
        leader,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
    assertThat(system.leader()).isNotEqualTo(leader);

    system.restart(leader);
    try (Driver back = system.driver(leader)) {
      Waits.until(
          "the restarted member reads the write made while it was down",
          RECOVERY,
          Duration.ofMillis(50),
          () -> Arrays.equals(read(back, "after-failover"), bytes("f")));
    }
  }

  /** Returns the node that was wiped. */
  static int wipeAndResync(BenchSystem system, Driver d, Map<String, byte[]> written)
      throws Exception {
    int follower = (system.leader() + 1) % 3;
    system.kill(follower);
    byte[] marker = bytes("before-wipe-" + System.nanoTime());
    d.write("before-wipe", marker).get(CALL.toMillis(), TimeUnit.MILLISECONDS);

    long started = System.nanoTime();
    system.wipeAndRestart(follower);
    long restarted = System.nanoTime();
    try (Driver there = system.driver(follower)) {
      Waits.until(
          "the wiped member reads a key written before the wipe",
          RECOVERY,
          Duration.ofMillis(20),
          () -> Arrays.equals(read(there, "before-wipe"), marker));
      LOG.info(
          "resync node={} wipeAndRestartMs={} untilReadMs={}",
          follower,
          TimeUnit.NANOSECONDS.toMillis(restarted - started),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      String first = written.keySet().iterator().next();
      assertThat(read(there, first)).isEqualTo(written.get(first));
    }
    // The cluster still has a leader with the new member in it.
    system.leader();
    return follower;
  }

  static byte[] read(Driver d, String key) throws Exception {
    return d.read(key).get(CALL.toMillis(), TimeUnit.MILLISECONDS);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
