package org.clusterdb.bench.systems;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
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

  @TempDir Path tmp;

  @Test
  void ensembleServesSurvivesTheLeaderAndRecoversAWipedFollower() throws Exception {
    Path dir = tmp.resolve("zookeeper");
    ZooKeeperSystem zk = new ZooKeeperSystem(dir, System.getProperty("java.class.path"));
    try {
      long started = System.nanoTime();
      zk.start();
      LOG.info("started ms={}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      assertThat(zk.name()).isEqualTo("zookeeper");

      try (Driver driver = zk.driver()) {
        Map<String, byte[]> written = SystemScenarios.writeAndReadBack(driver);
        SystemScenarios.watchSeesWrite(driver);
        changesReachTheWatcherUntilItCloses(driver);
        SystemScenarios.failOver(zk, driver);

        long[] logSizes = new long[3];
        for (int i = 0; i < 3; i++) {
          logSizes[i] = Files.size(zk.log(i));
        }
        int wiped = SystemScenarios.wipeAndResync(zk, driver, written);
        // ZooKeeper 3.9's own words for an empty start and a full resync.
        byte[] log = Files.readAllBytes(zk.log(wiped));
        int before = (int) logSizes[wiped];
        String sinceWipe = new String(log, before, log.length - before, StandardCharsets.UTF_8);
        assertThat(sinceWipe)
            .as("zk%d's log after the wipe, in %s", wiped, zk.log(wiped))
            .contains("highest zxid is 0x0,")
            .contains("Getting a snapshot from leader");
      }
    } finally {
      zk.close();
    }
    assertThat(dir).doesNotExist();
    zk.close();
  }

  /**
   * A change reaches the watcher as a creation does; after close nothing does. ZooKeeper delivers a
   * session's watch events before the response of the write that caused them, so no wait is needed
   * to see that none came.
   */
  private static void changesReachTheWatcherUntilItCloses(Driver driver) throws Exception {
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    AutoCloseable watch = driver.watch(events::add);
    try {
      driver.write("k00007", SystemScenarios.bytes("changed")).get(10, TimeUnit.SECONDS);
      assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("k00007");
      driver.write("created", SystemScenarios.bytes("new")).get(10, TimeUnit.SECONDS);
      assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("created");
    } finally {
      watch.close();
    }
    driver.write("k00007", SystemScenarios.bytes("again")).get(10, TimeUnit.SECONDS);
    driver.read("k00007").get(10, TimeUnit.SECONDS);
    assertThat(events).isEmpty();
  }
}
