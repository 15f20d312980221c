package org.clusterdb.server.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The server's log file: {@code clusterdb.log} in the configured directory, in the {@link
 * SeedLayout}, rotated daily and at a size into {@code clusterdb.<day>.<n>.log.gz}, the oldest
 * removed once all take more than the configured total. Written beside standard error, which keeps
 * its own output.
 */
public final class LogFiles {
  /** The appender's name, so that a second start replaces it. */
  static final String APPENDER = "CLUSTERDB_FILE";

  /** The current log file's name in the directory. */
  public static final String FILE = "clusterdb.log";

  private LogFiles() {}

  /**
   * Starts writing every event the root logger passes to {@code dir}/{@value #FILE}.
   *
   * @throws UncheckedIOException if the directory cannot be created
   */
  public static Path start(Path dir, long maxFileBytes, long totalBytes) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the log directory " + dir, e);
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> previous = root.getAppender(APPENDER);
    if (previous != null) {
      root.detachAppender(previous);
      previous.stop();
    }

    RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
    file.setContext(context);
    file.setName(APPENDER);
    Path current = dir.resolve(FILE);
    file.setFile(current.toString());

    SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
    policy.setContext(context);
    policy.setParent(file);
    policy.setFileNamePattern(dir.resolve("clusterdb.%d{yyyy-MM-dd}.%i.log.gz").toString());
    policy.setMaxFileSize(new FileSize(maxFileBytes));
    policy.setTotalSizeCap(new FileSize(totalBytes));
    policy.start();

    SeedLayout layout = new SeedLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();

    file.setRollingPolicy(policy);
    file.setEncoder(encoder);
    file.start();
    root.addAppender(file);
    return current;
  }
}
