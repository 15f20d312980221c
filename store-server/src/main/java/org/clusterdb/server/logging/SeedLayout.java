package org.clusterdb.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.clusterdb.core.audit.AuditLog;

/**
 * Lays out each event as the seed's appliance logs do, one line per event:
 *
 * <pre>
 * UTCTime="2020-07-21 20:16:50,321" Module="developer.replication" Level="INFO" Detail="…" …
 * </pre>
 *
 * A message already in {@code Key="value"} form follows the prefix as it is; any other is quoted as
 * its {@code Detail}. An exception follows as {@code Exception="…"} with its stack trace on the
 * same line, newlines escaped, so that every line is one event. Thread-safe.
 */
public final class SeedLayout extends LayoutBase<ILoggingEvent> {
  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** A message that starts with a field, as clusterdb's cluster events and alarms do. */
  private static final Pattern STRUCTURED = Pattern.compile("[A-Z][A-Za-z-]*=\"");

  /** The seed's module names for clusterdb's named loggers. */
  private static final Map<String, String> MODULES =
      Map.of(
          "org.clusterdb.replication",
          "developer.replication",
          "org.clusterdb.alarm",
          "alarm",
          AuditLog.LOGGER,
          "configuration");

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(256);
    b.append("UTCTime=\"")
        .append(UTC_TIME.format(Instant.ofEpochMilli(event.getTimeStamp())))
        .append("\" Module=\"")
        .append(module(event.getLoggerName()))
        .append("\" Level=\"")
        .append(event.getLevel())
        .append("\" ");
    String message = event.getFormattedMessage();
    if (message == null) {
      message = "";
    }
    if (STRUCTURED.matcher(message).lookingAt()) {
      b.append(message.replace("\n", "\\n").replace("\r", "\\r"));
    } else {
      b.append("Detail=\"").append(AuditLog.escape(message)).append('"');
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      b.append(" Exception=\"")
          .append(AuditLog.escape(ThrowableProxyUtil.asString(thrown)))
          .append('"');
    }
    return b.append(System.lineSeparator()).toString();
  }

  /**
   * The seed's module for a logger: {@code developer.replication} for cluster synchronisation and
   * peer state, {@code alarm}, {@code configuration} for the audit; else {@code
   * developer.clusterdb.<package>.<class>} for clusterdb's classes and {@code developer.<library>}
   * for a library's.
   */
  static String module(String logger) {
    String named = MODULES.get(logger);
    if (named != null) {
      return named;
    }
    String[] parts = logger.split("\\.");
    if (logger.startsWith("org.clusterdb.") && parts.length >= 3) {
      // org.clusterdb.core.cluster.MembershipManager: developer.clusterdb.cluster.membershipmanager
      int from = parts[2].equals("core") || parts[2].equals("server") ? 3 : 2;
      StringBuilder m = new StringBuilder("developer.clusterdb");
      for (int i = from; i < parts.length; i++) {
        m.append('.').append(parts[i].toLowerCase(Locale.ROOT));
      }
      return m.toString();
    }
    if (parts.length >= 3 && (parts[0].equals("org") || parts[0].equals("com"))) {
      return "developer." + parts[2].toLowerCase(Locale.ROOT);
    }
    if (parts.length >= 2 && parts[0].equals("io")) {
      return "developer." + parts[1].toLowerCase(Locale.ROOT);
    }
    return "developer." + logger.toLowerCase(Locale.ROOT);
  }
}
