package org.clusterdb.bench.systems;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server process of a system under test: started from a command line with its output appended
 * to a log file, stopped by its own handle (never by name).
 */
public final class NodeProcess {
  private static final Logger LOG = LoggerFactory.getLogger(NodeProcess.class);

  private final String name;
  private final List<String> command;
  private final Path workDir;
  private final Path log;
  private Process process;

  public NodeProcess(String name, List<String> command, Path workDir, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.workDir = workDir;
    this.log = log;
  }

  /** The java executable of this JVM, for server processes that are JVMs. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  public synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      process = pb.start();
      LOG.info("started node={} pid={}", name, process.pid());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  /** kill -9; waits until the process is gone. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " survived kill -9");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("killed node={} pid={}", name, process.pid());
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /**
   * Waits until something accepts connections on 127.0.0.1:{@code port}; fails early, naming the
   * log, if the process exits first.
   */
  public void awaitPort(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!isAlive()) {
        // The caller deletes the directory on failure, so the log's tail goes into the message.
        throw new IllegalStateException(
            name + " exited while starting; the end of " + log + ":\n" + tail(log, 20));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Waits.pause(Duration.ofMillis(50));
      }
    }
    throw new IllegalStateException(name + " did not listen on " + port + " within " + timeout);
  }
}
