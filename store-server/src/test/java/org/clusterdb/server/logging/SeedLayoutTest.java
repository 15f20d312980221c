package org.clusterdb.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.clusterdb.core.audit.AuditLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The seed's line layout and the rotating log file that uses it. */
@Timeout(30)
class SeedLayoutTest {
  /** 2020-07-21 20:16:50.321 UTC, the seed's first example line. */
  private static final long SEED_TIME = 1_595_362_610_321L;

  /** The seed's prefix: UTCTime with a comma before the milliseconds, Module, Level. */
  static final Pattern SEED_LINE =
      Pattern.compile(
          "UTCTime=\"\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}\" Module=\"[a-z.]+\""
              + " Level=\"(TRACE|DEBUG|INFO|WARN|ERROR)\" [A-Z][A-Za-z-]*=\".*");

  @TempDir Path dir;

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

  private String layout(String logger, Level level, String message, Object... args) {
    LoggingEvent e =
        new LoggingEvent(
            Logger.class.getName(), context.getLogger(logger), level, message, null, args);
    e.setTimeStamp(SEED_TIME);
    SeedLayout layout = new SeedLayout();
    layout.setContext(context);
    layout.start();
    return layout.doLayout(e);
  }

  @Test
  void aStructuredMessageFollowsTheSeedsPrefixAsItIs() {
    assertThat(
            layout(
                "org.clusterdb.replication",
                Level.INFO,
                "Detail=\"Starting synchronisation\" Member=\"{}\"",
                "p1"))
        .isEqualTo(
            "UTCTime=\"2020-07-21 20:16:50,321\" Module=\"developer.replication\" Level=\"INFO\""
                + " Detail=\"Starting synchronisation\" Member=\"p1\""
                + System.lineSeparator());
    assertThat(
            layout(
                "org.clusterdb.alarm",
                Level.WARN,
                "Event=\"Alarm Raised\" Id=\"20006\" Severity=\"warning\""))
        .startsWith(
            "UTCTime=\"2020-07-21 20:16:50,321\" Module=\"alarm\" Level=\"WARN\" Event=\"Alarm"
                + " Raised\" Id=\"20006\"");
  }

  @Test
  void freeTextBecomesAQuotedDetailOnOneLine() {
    assertThat(
            layout(
                "org.clusterdb.core.ratis.RaftNode",
                Level.INFO,
                "leader changed member={} says \"hi\"\nsecond line",
                "p2"))
        .isEqualTo(
            "UTCTime=\"2020-07-21 20:16:50,321\" Module=\"developer.clusterdb.ratis.raftnode\""
                + " Level=\"INFO\" Detail=\"leader changed member=p2 says \\\"hi\\\"\\nsecond"
                + " line\""
                + System.lineSeparator());
  }

  @Test
  void modulesMapFromLoggerNames() {
    assertThat(SeedLayout.module("org.clusterdb.replication")).isEqualTo("developer.replication");
    assertThat(SeedLayout.module(AuditLog.LOGGER)).isEqualTo("configuration");
    assertThat(SeedLayout.module("org.clusterdb.core.cluster.MembershipManager"))
        .isEqualTo("developer.clusterdb.cluster.membershipmanager");
    assertThat(SeedLayout.module("org.clusterdb.server.ClusterDbServer"))
        .isEqualTo("developer.clusterdb.clusterdbserver");
    assertThat(SeedLayout.module("org.apache.ratis.server.impl.RaftServerImpl"))
        .isEqualTo("developer.ratis");
    assertThat(SeedLayout.module("io.grpc.netty.NettyServer")).isEqualTo("developer.grpc");
  }

  @Test
  void theLogFileHoldsEachEventAsOneSeedLine() throws Exception {
    Path file = LogFiles.start(dir.resolve("logs"), 64 * 1024, 1024 * 1024);
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    try {
      LoggerFactory.getLogger(AuditLog.LOGGER)
          .info("Event=\"System Configuration Changed\" Detail=\"xconfiguration t k\"");
      LoggerFactory.getLogger("org.clusterdb.replication")
          .warn("Detail=\"Peer down\"", new IllegalStateException("boom"));
    } finally {
      Appender<?> a = root.getAppender(LogFiles.APPENDER);
      root.detachAppender(LogFiles.APPENDER);
      a.stop();
    }
    assertThat(file).isEqualTo(dir.resolve("logs").resolve(LogFiles.FILE));
    assertThat(Files.readAllLines(file))
        .hasSize(2)
        .allMatch(l -> SEED_LINE.matcher(l).matches(), "in the seed's form")
        .anyMatch(
            l ->
                l.contains(
                    "Module=\"configuration\" Level=\"INFO\" Event=\"System Configuration"
                        + " Changed\""))
        .anyMatch(l -> l.contains("Exception=\"java.lang.IllegalStateException: boom\\n"));
  }
}
