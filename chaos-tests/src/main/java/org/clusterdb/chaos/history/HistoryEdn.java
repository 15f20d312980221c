package org.clusterdb.chaos.history;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Histories in Jepsen's EDN, one op map per line, as Jepsen's independent-key register workloads
 * write them: the key travels in {@code :value} as the pair {@code [key v]}.
 *
 * <pre>{@code
 * {:type :invoke, :process 0, :f :write, :value ["x" "1"], :time 1200, :index 0}
 * {:type :ok, :process 1, :f :read, :value ["x" nil], :time 1300, :index 1}
 * {:type :invoke, :process 2, :f :cas, :value ["x" ["1" "2"]], :time 1400, :index 2}
 * }</pre>
 *
 * <p>{@code :type} and {@code :f} are keywords named as {@link Op.Type} and {@link Op.Fn} in lower
 * case; {@code :time} is {@link Op#timeNanos()}. In {@code [key v]}, {@code v} is {@link
 * Op#value()} (a string, or nil for absent), except for a cas, where it is the pair {@code
 * [expected new]}. The same layout as {@link HistoryJson}, which carries the key in a field of its
 * own.
 *
 * <p>The writer writes keys and values as strings. The reader also takes integers there, as
 * Jepsen's own register tests write them, and reads them as their decimal strings; it ignores
 * unknown map keys (such as Jepsen's {@code :error}), reads either a sequence of op maps or one
 * vector of them, and rejects ops whose {@code :process} is not an integer (Jepsen's nemesis: strip
 * those ops first). Stateless and thread-safe.
 */
public final class HistoryEdn {
  private HistoryEdn() {}

  /** The EDN map of one op, without a line terminator. */
  public static String toEdn(Op op) {
    StringBuilder s = new StringBuilder(96);
    s.append("{:type :").append(op.type().name().toLowerCase(Locale.ROOT));
    s.append(", :process ").append(op.process());
    s.append(", :f :").append(op.f().name().toLowerCase(Locale.ROOT));
    s.append(", :value [");
    appendString(s, op.key());
    s.append(' ');
    if (op.f() == Op.Fn.CAS) {
      s.append('[');
      appendString(s, op.expected());
      s.append(' ');
      appendString(s, op.value());
      s.append(']');
    } else {
      appendString(s, op.value());
    }
    s.append("], :time ").append(op.timeNanos());
    s.append(", :index ").append(op.index()).append('}');
    return s.toString();
  }

  /**
   * The op in {@code text}, a single EDN map.
   *
   * @throws HistoryFormatException if it is not one valid op
   */
  public static Op parseOp(String text) {
    try {
      Edn edn = new Edn(new StringReader(text));
      Object form = next(edn);
      Op op = toOp(form, 0);
      if (next(edn) != Edn.EOF) {
        throw new HistoryFormatException(0, "more than one form");
      }
      return op;
    } catch (IOException e) {
      throw new IllegalStateException("a StringReader does not fail", e);
    }
  }

  /** Writes {@code history}, one line per op. Does not close {@code out}. */
  public static void write(History history, Writer out) throws IOException {
    for (Op op : history.ops()) {
      out.write(toEdn(op));
      out.write('\n');
    }
  }

  /** Writes {@code history} to {@code file} in UTF-8, replacing it. */
  public static void write(History history, Path file) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(history, out);
    }
  }

  /**
   * Reads a history. Does not close {@code in}.
   *
   * @throws HistoryFormatException if the text is not EDN, an op is invalid, or the history is
   */
  public static History read(Reader in) throws IOException {
    Edn edn = new Edn(in);
    List<Op> ops = new ArrayList<>();
    boolean first = true;
    for (Object form = next(edn); form != Edn.EOF; form = next(edn)) {
      if (first && form instanceof List<?> all) {
        for (Object op : all) {
          ops.add(toOp(op, edn.formLine()));
        }
        if (next(edn) != Edn.EOF) {
          throw new HistoryFormatException(edn.line(), "forms after the history vector");
        }
        break;
      }
      first = false;
      ops.add(toOp(form, edn.formLine()));
    }
    return Formats.history(ops);
  }

  /** Reads a history from a UTF-8 file. */
  public static History read(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in);
    }
  }

  private static Object next(Edn edn) throws IOException {
    try {
      return edn.next();
    } catch (IllegalArgumentException e) {
      throw new HistoryFormatException(edn.line(), "not EDN: " + e.getMessage(), e);
    }
  }

  private static Op toOp(Object form, long line) {
    if (!(form instanceof Map<?, ?> map)) {
      throw new HistoryFormatException(line, "an op must be an EDN map, was " + form);
    }
    Formats.Fields f = new Formats.Fields(line, ":", name -> map.get(new Edn.Keyword(name)), true);
    Op.Type type = f.enumValue("type", Op.Type.class);
    Op.Fn fn = f.enumValue("f", Op.Fn.class);
    List<?> keyAndValue = f.pair(f.get("value"), "value");
    String key = f.scalar(keyAndValue.get(0), "value", false);
    String expected = null;
    String value;
    if (fn == Op.Fn.CAS) {
      List<?> pair = f.pair(keyAndValue.get(1), "value");
      expected = f.scalar(pair.get(0), "value", true);
      value = f.scalar(pair.get(1), "value", false);
    } else {
      value = f.scalar(keyAndValue.get(1), "value", true);
    }
    return f.op(type, fn, key, expected, value);
  }

  private static void appendString(StringBuilder out, String s) {
    if (s == null) {
      out.append("nil");
      return;
    }
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
