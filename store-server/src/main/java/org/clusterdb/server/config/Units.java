package org.clusterdb.server.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The notation of durations ({@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}), sizes (a number
 * of bytes, or {@code 64KiB}, {@code 8MiB}, {@code 1GiB}, {@code 1TiB}) and counts in the
 * configuration file. Parsing throws {@link IllegalArgumentException} with a message fit for the
 * user; {@link ConfigLoader} turns it into a problem.
 */
final class Units {
  private static final Pattern AMOUNT = Pattern.compile("([-+]?[0-9][0-9_]*)\\s*([A-Za-z]*)");
  private static final Pattern FRACTION = Pattern.compile("[-+]?[0-9]*\\.[0-9]+\\s*[A-Za-z]*");
  private static final Pattern AMBIGUOUS_SIZE = Pattern.compile("(?i)[kmgt]b?");
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private static final long GIB = 1024 * MIB;
  private static final long TIB = 1024 * GIB;

  private Units() {}

  /** A whole number (underscores allowed between digits, as in YAML) within min..max. */
  static long parseCount(String text, long min, long max) {
    Matcher m = AMOUNT.matcher(text.trim());
    if (!m.matches() || !m.group(2).isEmpty()) {
      throw new IllegalArgumentException("expected a whole number, got '" + text + "'");
    }
    return inRange(new BigInteger(m.group(1).replace("_", "")), min, max, "");
  }

  /** A number of bytes, or a whole number of KiB, MiB, GiB or TiB; within min..max bytes. */
  static long parseSize(String text, long min, long max) {
    Matcher m = AMOUNT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          FRACTION.matcher(text.trim()).matches()
              ? "whole numbers only, e.g. 1536KiB instead of 1.5MiB, got '" + text + "'"
              : "expected a size such as 4096, 64KiB, 8MiB or 1GiB, got '" + text + "'");
    }
    String unit = m.group(2);
    long multiplier =
        switch (unit.toLowerCase(Locale.ROOT)) {
          case "", "b" -> 1;
          case "kib" -> KIB;
          case "mib" -> MIB;
          case "gib" -> GIB;
          case "tib" -> TIB;
          default -> {
            if (AMBIGUOUS_SIZE.matcher(unit).matches()) {
              String binary = Character.toUpperCase(unit.charAt(0)) + "iB";
              throw new IllegalArgumentException(
                  "'"
                      + unit
                      + "' is ambiguous (powers of 1000 or of 1024?): write "
                      + m.group(1)
                      + binary
                      + " or a plain number of bytes");
            }
            throw new IllegalArgumentException(
                "unknown unit '" + unit + "': use a plain number of bytes, KiB, MiB, GiB or TiB");
          }
        };
    BigInteger bytes =
        new BigInteger(m.group(1).replace("_", "")).multiply(BigInteger.valueOf(multiplier));
    return inRange(bytes, min, max, " bytes");
  }

  /** A whole number of {@code ms}, {@code s}, {@code m} or {@code h}. */
  static Duration parseDuration(String text) {
    Matcher m = AMOUNT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          FRACTION.matcher(text.trim()).matches()
              ? "whole numbers only, e.g. 1500ms instead of 1.5s, got '" + text + "'"
              : "expected a duration such as 500ms, 10s, 2m or 1h, got '" + text + "'");
    }
    String unit = m.group(2);
    if (unit.isEmpty()) {
      throw new IllegalArgumentException(
          "missing unit in '" + text + "': write e.g. " + m.group(1) + "s or " + m.group(1) + "ms");
    }
    try {
      long amount = new BigInteger(m.group(1).replace("_", "")).longValueExact();
      return switch (unit) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default ->
            throw new IllegalArgumentException(
                "unknown unit '" + unit + "' in '" + text + "': use ms, s, m or h");
      };
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration", e);
    }
  }

  /**
   * The largest unit that states {@code d} exactly; {@link #parseDuration} reads it back. A
   * duration finer than a millisecond has no such form: {@link ServerConfig#problems()} rejects it.
   */
  static String formatDuration(Duration d) {
    if (d.getNano() % 1_000_000 != 0) {
      return d.toString();
    }
    long ms = d.toMillis();
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /** The largest binary unit that states {@code bytes} exactly, else a plain number. */
  static String formatSize(long bytes) {
    if (bytes != 0 && bytes % TIB == 0) {
      return bytes / TIB + "TiB";
    }
    if (bytes != 0 && bytes % GIB == 0) {
      return bytes / GIB + "GiB";
    }
    if (bytes != 0 && bytes % MIB == 0) {
      return bytes / MIB + "MiB";
    }
    if (bytes != 0 && bytes % KIB == 0) {
      return bytes / KIB + "KiB";
    }
    return Long.toString(bytes);
  }

  private static long inRange(BigInteger value, long min, long max, String unit) {
    if (value.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new IllegalArgumentException("too large: at most " + max + unit);
    }
    if (value.compareTo(BigInteger.valueOf(min)) < 0) {
      throw new IllegalArgumentException("too small: at least " + min + unit);
    }
    return value.longValueExact();
  }
}
