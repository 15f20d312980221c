package org.clusterdb.bench.systems;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Bounded polling for conditions the harness cannot be told about. */
public final class Waits {
  private Waits() {}

  /**
   * Polls {@code condition} every {@code every} until it returns true, ignoring exceptions from it;
   * fails naming {@code what} after {@code timeout}.
   */
  public static void until(
      String what, Duration timeout, Duration every, Callable<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (Boolean.TRUE.equals(condition.call())) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        IllegalStateException e =
            new IllegalStateException("timed out after " + timeout + ": " + what);
        if (last != null) {
          e.addSuppressed(last);
        }
        throw e;
      }
      pause(every);
    }
  }

  static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
