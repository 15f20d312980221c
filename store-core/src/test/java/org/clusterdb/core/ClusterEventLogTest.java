package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.clusterdb.core.config.ClusterDbConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The seed's cluster event lines on three real members: a peer that stops answering is logged down
 * by the others and up again when it returns, with the synchronisation it goes through.
 */
@Timeout(120)
class ClusterEventLogTest {
  @TempDir Path dir;

  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger replication = (Logger) LoggerFactory.getLogger("org.clusterdb.replication");

  @BeforeEach
  void capture() {
    lines.start();
    replication.addAppender(lines);
  }

  @AfterEach
  void release() {
    replication.detachAppender(lines);
  }

  private static ClusterDbConfig.Builder quick(ClusterDbConfig.Builder b) {
    return b.healthCheckInterval(Duration.ofMillis(200)).peerFailureTimeout(Duration.ofSeconds(1));
  }

  @Test
  void aPeerThatStopsIsLoggedDownThenUpAndSynchronisedOnItsReturn() {
    try (MiniCluster cluster = MiniCluster.start(3, dir, ClusterEventLogTest::quick)) {
      cluster.awaitLeader();
      cluster.stop(2);
      awaitLine("Detail=\"Peer down: not answering\" Member=\"p1\"", "Peer=\"p3\"");
      cluster.restart(2);
      awaitLine("Detail=\"Peer up: answering again\" Member=\"p1\"", "Peer=\"p3\"");
      awaitLine("Detail=\"Synchronisation completed successfully\"", "Member=\"p3\"");
      List<String> levels;
      synchronized (lines) {
        levels =
            lines.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith("Detail=\"Peer down"))
                .map(e -> e.getLevel().toString())
                .toList();
      }
      assertThat(levels).containsOnly("WARN");
    }
  }

  private void awaitLine(String start, String field) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> messages().stream().anyMatch(m -> m.startsWith(start) && m.contains(field)));
  }

  /** A copy: the appender adds under its own lock, from the members' threads. */
  private List<String> messages() {
    synchronized (lines) {
      return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }
}
