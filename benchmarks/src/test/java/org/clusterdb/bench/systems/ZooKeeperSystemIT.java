package org.clusterdb.bench.systems;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.clusterdb.bench.Driver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real three-JVM ensemble through its whole life in the harness: serve, watch, lose the leader,
 * take back a wiped follower, clean up.
 */
@Timeout(300)
class ZooKeeperSystemIT {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperSystemIT.class);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration EVERY = Duration.ofMillis(100);

  @TempDir Path tmp;

  @Test
  void ensembleServesSurvivesTheLeaderAndRecoversAWipedFollower() throws Exception {
    Path dir = tmp.resolve("zookeeper");
    ZooKeeperSystem zk = new ZooKeeperSystem(dir, System.getProperty("java.class.path"));
    try {
      long started = System.nanoTime();
      zk.start();
      LOG.info("started ms={}", millisSince(started));
      assertThat(zk.name()).isEqualTo("zookeeper");

      Random random = new Random(42);
      List<byte[]> values = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        byte[] value = new byte[1024];
        random.nextBytes(value);
        values.add(value);
      }

      try (Driver driver = zk.driver()) {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
          writes.add(driver.write(key(i), values.get(i)));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < values.size(); i++) {
          assertThat(read(driver, key(i))).as("value of %s", key(i)).isEqualTo(values.get(i));
        }
        assertThat(read(driver, "absent")).isNull();

        // A change and a creation both reach the watcher; after close neither does. ZooKeeper
        // delivers a session's watch events before the response of the write that caused them.
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        AutoCloseable watch = driver.watch(events::add);
        try {
          driver.write(key(7), values.get(8)).get(10, TimeUnit.SECONDS);
          assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(key(7));
          driver.write("created", values.get(0)).get(10, TimeUnit.SECONDS);
          assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("created");
        } finally {
          watch.close();
        }
        driver.write(key(7), values.get(7)).get(10, TimeUnit.SECONDS);
        driver.read(key(7)).get(10, TimeUnit.SECONDS);
        assertThat(events).isEmpty();

        int leader = zk.leader();
        zk.kill(leader);
        long killed = System.nanoTime();
        Waits.until(
            "a write through driver() after killing leader zk" + leader,
            WAIT,
            EVERY,
            () -> {
              driver.write("after-leader-kill", values.get(1)).get(10, TimeUnit.SECONDS);
              return true;
            });
        LOG.info("leader=zk{} killed; first write ok after ms={}", leader, millisSince(killed));
        int newLeader = zk.leader();
        assertThat(newLeader).isNotEqualTo(leader);
        assertThat(read(driver, "after-leader-kill")).isEqualTo(values.get(1));
        zk.restart(leader);
        awaitValue(zk, leader, "after-leader-kill", values.get(1));

        int follower = (zk.leader() + 1) % 3;
        zk.kill(follower);
        // Written while the follower is down, so it can only learn it from the others.
        driver.write("before-wipe", values.get(2)).get(30, TimeUnit.SECONDS);
        long logBefore = Files.size(zk.log(follower));
        long wiped = System.nanoTime();
        zk.wipeAndRestart(follower);
        awaitValue(zk, follower, key(99), values.get(99));
        awaitValue(zk, follower, "before-wipe", values.get(2));
        LOG.info("follower=zk{} wiped; caught up after ms={}", follower, millisSince(wiped));
        // ZooKeeper 3.9's own words for an empty start and a full resync.
        byte[] log = Files.readAllBytes(zk.log(follower));
        String sinceWipe =
            new String(log, (int) logBefore, log.length - (int) logBefore, StandardCharsets.UTF_8);
        assertThat(sinceWipe)
            .as("zk%d's log after the wipe, in %s", follower, zk.log(follower))
            .contains("highest zxid is 0x0,")
            .contains("Getting a snapshot from leader");
      }
    } finally {
      zk.close();
    }
    assertThat(dir).doesNotExist();
    zk.close();
  }

  /** Waits until node {@code node} alone answers {@code key} with {@code value}. */
  private static void awaitValue(ZooKeeperSystem zk, int node, String key, byte[] value) {
    Waits.until(
        "zk" + node + " reads " + key,
        WAIT,
        EVERY,
        () -> {
          try (Driver only = zk.driver(node)) {
            return Arrays.equals(read(only, key), value);
          }
        });
  }

  private static byte[] read(Driver driver, String key) throws Exception {
    return driver.read(key).get(10, TimeUnit.SECONDS);
  }

  private static String key(int i) {
    return String.format("k%05d", i);
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
