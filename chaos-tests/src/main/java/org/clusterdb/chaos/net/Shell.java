package org.clusterdb.chaos.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short commands (iproute2, iptables, kill) with a bounded wait. Stateless. */
public final class Shell {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private Shell() {}

  /** The outcome of a command. */
  public record Result(List<String> command, int exit, String out, String err) {
    public IllegalStateException failure() {
      return new IllegalStateException(
          String.join(" ", command) + " exited " + exit + ": " + err.strip());
    }
  }

  /** Runs the command and returns its stdout; throws with its stderr when it fails. */
  public static String run(String... command) {
    Result r = exec(command);
    if (r.exit() != 0) {
      throw r.failure();
    }
    return r.out();
  }

  /** Runs the command and returns how it ended, failed or not. */
  public static Result exec(String... command) {
    List<String> cmd = List.of(command);
    try {
      // Files, not pipes: output can neither fill a pipe and stall nor need reader threads.
      Path out = Files.createTempFile("chaos-", ".out");
      Path err = Files.createTempFile("chaos-", ".err");
      try {
        Process p =
            new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
          if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(
                String.join(" ", cmd) + " did not finish within " + TIMEOUT);
          }
        } finally {
          p.destroyForcibly();
        }
        return new Result(cmd, p.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + String.join(" ", cmd), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", cmd), e);
    }
  }
}
