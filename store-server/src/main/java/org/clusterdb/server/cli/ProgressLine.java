package org.clusterdb.server.cli;

import java.io.PrintWriter;

/** Progress of a long copy on stderr: a line at each tenth, so logs and terminals both read it. */
final class ProgressLine {
  private final PrintWriter err;
  private final String what;
  private int lastTenth = -1;

  ProgressLine(PrintWriter err, String what) {
    this.err = err;
    this.what = what;
  }

  /** {@code done} of {@code total} bytes. */
  void update(long done, long total) {
    report(done, total, size(done) + " of " + size(total));
  }

  /** {@code done} of {@code total} log entries. */
  void entries(long done, long total) {
    report(done, total, "index " + done + " of " + total);
  }

  private void report(long done, long total, String amount) {
    if (total <= 0) {
      return;
    }
    int tenth = (int) Math.min(10, Math.max(0, done) * 10 / total);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      err.printf("%s: %d%% (%s)%n", what, tenth * 10, amount);
      err.flush();
    }
  }

  static String size(long bytes) {
    if (bytes < 1024 * 1024) {
      return String.format("%.1f KiB", bytes / 1024.0);
    }
    return String.format("%.1f MiB", bytes / (1024.0 * 1024));
  }
}
