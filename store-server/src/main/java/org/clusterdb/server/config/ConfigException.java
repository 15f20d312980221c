package org.clusterdb.server.config;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A configuration that cannot be used, with every problem found in it. Thrown by {@link
 * ConfigLoader} and {@link ServerConfig#validate()}; the message lists the problems one per line as
 * {@code <source>:<line>: <field>: <message>}, ready to print as it is.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * One thing wrong with a configuration.
   *
   * @param field the YAML path of the field at fault, e.g. {@code cluster.peers[1].peerPort};
   *     {@code yaml} for a file that is not valid YAML, {@code file} for one that cannot be read
   * @param line the 1-based line in the source; 0 when there is no source line (a configuration
   *     built in code, an unreadable file)
   * @param message what is wrong, and where it helps, what is expected
   */
  public record Problem(String field, int line, String message) implements Serializable {
    public Problem {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
      if (line < 0) {
        throw new IllegalArgumentException("line must be >= 0, was " + line);
      }
    }

    /** {@code <source>:<line>: <field>: <message>}, or without the line when it is 0. */
    public String format(String source) {
      return line > 0
          ? source + ":" + line + ": " + field + ": " + message
          : source + ": " + field + ": " + message;
    }
  }

  private final String source;
  private final List<Problem> problems;

  /**
   * @param source the file name or other source the problems are in, as the message shows it
   * @param problems at least one; kept in the order of their lines
   */
  public ConfigException(String source, List<Problem> problems) {
    super(format(source, problems));
    this.source = source;
    this.problems = inLineOrder(problems);
  }

  private static String format(String source, List<Problem> problems) {
    return inLineOrder(problems).stream()
        .map(p -> p.format(source))
        .collect(Collectors.joining("\n"));
  }

  /** A stable sort: problems on one line, or built in code (line 0), keep the order found. */
  private static List<Problem> inLineOrder(List<Problem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    return problems.stream().sorted(Comparator.comparingInt(Problem::line)).toList();
  }

  /** Where the problems are: a file name, or {@code ServerConfig} for one built in code. */
  public String source() {
    return source;
  }

  /** Every problem, in the order of their lines; never empty. */
  public List<Problem> problems() {
    return problems;
  }
}
