package org.clusterdb.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import org.clusterdb.api.Alarm;
import org.clusterdb.core.fsm.Applier;
import org.clusterdb.core.fsm.HistoryPolicy;
import org.clusterdb.core.local.PeerStore;
import org.clusterdb.core.watch.WatchHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AlarmRegistryTest {
  @TempDir Path dir;

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger alarmLogger = (Logger) LoggerFactory.getLogger("org.clusterdb.alarm");

  @BeforeEach
  void captureLog() {
    log.start();
    alarmLogger.addAppender(log);
  }

  @AfterEach
  void releaseLog() {
    alarmLogger.detachAppender(log);
  }

  @Test
  void raiseAndLowerAreIdempotentAndLoggedAsTheApplianceLogsThem() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
    try (PeerStore store = open()) {
      AlarmRegistry alarms = AlarmRegistry.open(store, clock, "p1");
      assertThat(alarms.raise(AlarmDefinition.CLUSTER_COMMUNICATION_FAILURE)).isTrue();
      assertThat(alarms.raise(AlarmDefinition.CLUSTER_COMMUNICATION_FAILURE)).isFalse();
      assertThat(alarms.lower(AlarmDefinition.DATABASE_COMMUNICATION_FAILURE)).isFalse();
      assertThat(alarms.lower(AlarmDefinition.CLUSTER_COMMUNICATION_FAILURE)).isTrue();
    }
    List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    String uuid = AlarmDefinition.CLUSTER_COMMUNICATION_FAILURE.uuid().toString();
    assertThat(lines)
        .containsExactly(
            "Event=\"Alarm Raised\" Id=\"20004\" UUID=\""
                + uuid
                + "\" Severity=\"warning\" Detail=\"Cluster communication failure: The system is"
                + " unable to communicate with one or more of the cluster peers\" Member=\"p1\"",
            "Event=\"Alarm Lowered\" Id=\"20004\" UUID=\""
                + uuid
                + "\" Severity=\"warning\" Detail=\"Cluster communication failure: The system is"
                + " unable to communicate with one or more of the cluster peers\" Member=\"p1\"");
  }

  @Test
  void alarmsSurviveAReopenActiveFirst() throws Exception {
    Clock clock = Clock.systemUTC();
    try (PeerStore store = open()) {
      AlarmRegistry alarms = AlarmRegistry.open(store, clock, "p1");
      alarms.raise(AlarmDefinition.RESTART_REQUIRED);
      alarms.raise(AlarmDefinition.CLUSTER_COMMUNICATION_FAILURE);
      alarms.lower(AlarmDefinition.CLUSTER_COMMUNICATION_FAILURE);
    }
    try (PeerStore store = open()) {
      AlarmRegistry alarms = AlarmRegistry.open(store, clock, "p1");
      List<Alarm> list = alarms.list();
      assertThat(list).extracting(Alarm::id).containsExactly(20007, 20004);
      assertThat(list.get(0).active()).isTrue();
      assertThat(list.get(0).detail()).startsWith("Restart required: Cluster configuration");
      assertThat(list.get(0).uuid()).isEqualTo(AlarmDefinition.RESTART_REQUIRED.uuid());
      assertThat(list.get(1).active()).isFalse();
      assertThat(list.get(1).loweredAt().orElseThrow()).isAfterOrEqualTo(list.get(1).raisedAt());
      assertThat(alarms.isActive(AlarmDefinition.RESTART_REQUIRED)).isTrue();
      assertThat(alarms.raise(AlarmDefinition.RESTART_REQUIRED)).isFalse();
    }
  }

  @Test
  void everyDefinitionHasADistinctIdAndUuid() {
    assertThat(List.of(AlarmDefinition.values()))
        .extracting(AlarmDefinition::id)
        .doesNotHaveDuplicates()
        .contains(20004, 20006, 20007);
    assertThat(List.of(AlarmDefinition.values()))
        .extracting(AlarmDefinition::uuid)
        .doesNotHaveDuplicates();
    assertThat(AlarmDefinition.byId(20006))
        .contains(AlarmDefinition.DATABASE_COMMUNICATION_FAILURE);
    assertThat(AlarmDefinition.byId(1)).isEmpty();
  }

  private PeerStore open() throws Exception {
    HistoryPolicy history = new HistoryPolicy(100, 1 << 20);
    WatchHub hub = new WatchHub("test", Executors.newSingleThreadExecutor(), 1 << 20);
    return PeerStore.open(dir.resolve("peer"), new Applier(history), hub, "p1");
  }
}
