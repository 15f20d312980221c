package org.clusterdb.chaos.history;

/**
 * A history file that cannot be read: malformed text, a missing or mistyped field, or a history
 * that breaks the rules of {@link History}. The message names the line.
 */
public final class HistoryFormatException extends IllegalArgumentException {
  private final long line;

  /**
   * @param line the 1-based line at fault, or 0 if the fault is not on one line
   * @param message what is wrong
   */
  public HistoryFormatException(long line, String message) {
    super(line > 0 ? "line " + line + ": " + message : message);
    this.line = line;
  }

  /**
   * @param line the 1-based line at fault, or 0 if the fault is not on one line
   * @param message what is wrong
   * @param cause the underlying error
   */
  public HistoryFormatException(long line, String message, Throwable cause) {
    super(line > 0 ? "line " + line + ": " + message : message, cause);
    this.line = line;
  }

  /** The 1-based line at fault, or 0 if the fault is not on one line. */
  public long line() {
    return line;
  }
}
