package org.clusterdb.chaos.history;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** What {@link HistoryJson} and {@link HistoryEdn} share: turning parsed fields into ops. */
final class Formats {
  private Formats() {}

  /** A validated history, or a {@link HistoryFormatException} saying why not. */
  static History history(List<Op> ops) {
    try {
      return new History(ops);
    } catch (IllegalArgumentException e) {
      throw new HistoryFormatException(0, e.getMessage(), e);
    }
  }

  /**
   * The fields of one op as parsed from a line, with errors that name the line and the field.
   * Enum-like fields may be strings or EDN keywords; with {@code integersAsStrings}, a key or value
   * may be an integer (as in Jepsen's own register histories), read as its decimal string.
   */
  static final class Fields {
    private final long line;
    private final String prefix;
    private final Function<String, Object> lookup;
    private final boolean integersAsStrings;

    Fields(long line, String prefix, Function<String, Object> lookup, boolean integersAsStrings) {
      this.line = line;
      this.prefix = prefix;
      this.lookup = lookup;
      this.integersAsStrings = integersAsStrings;
    }

    Object get(String name) {
      return lookup.apply(name);
    }

    <E extends Enum<E>> E enumValue(String name, Class<E> type) {
      Object v = get(name);
      String text;
      if (v instanceof String s) {
        text = s;
      } else if (v instanceof Edn.Keyword k) {
        text = k.name();
      } else {
        throw error(name, "missing or not a name: " + v);
      }
      try {
        return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw error(name, "unknown " + type.getSimpleName().toLowerCase(Locale.ROOT) + " " + text);
      }
    }

    long integer(String name) {
      if (get(name) instanceof Long n) {
        return n;
      }
      throw error(name, "missing or not an integer: " + get(name));
    }

    /** A string field, or null if {@code nullable} and absent or null. */
    String string(String name, boolean nullable) {
      return scalar(get(name), name, nullable);
    }

    /** The two elements of a two-element array field. */
    List<?> pair(Object v, String name) {
      if (v instanceof List<?> list && list.size() == 2) {
        return list;
      }
      throw error(name, "must be a pair, was " + v);
    }

    String scalar(Object v, String name, boolean nullable) {
      if (v instanceof String s) {
        return s;
      }
      if (v == null && nullable) {
        return null;
      }
      if (v instanceof Long n && integersAsStrings) {
        return n.toString();
      }
      throw error(
          name, (nullable ? "must be a string or null" : "must be a string") + ", was " + v);
    }

    /** The op with these fields and the given operands, with process, time and index read here. */
    Op op(Op.Type type, Op.Fn f, String key, String expected, String value) {
      long process = integer("process");
      if (process < 0 || process > Integer.MAX_VALUE) {
        throw error("process", "out of range: " + process);
      }
      long time = integer("time");
      long index = integer("index");
      try {
        return new Op(type, (int) process, f, key, expected, value, index, time);
      } catch (IllegalArgumentException e) {
        throw new HistoryFormatException(line, e.getMessage(), e);
      }
    }

    HistoryFormatException error(String name, String what) {
      return new HistoryFormatException(line, prefix + name + ": " + what);
    }
  }
}
