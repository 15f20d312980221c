package org.clusterdb.chaos.history;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A reader of EDN (https://github.com/edn-format/edn), enough to read Jepsen histories and skip
 * whatever else they carry: nil, booleans, integers ({@link Long}, or {@link BigInteger} when
 * larger), floats ({@link Double}, or {@link BigDecimal} with an {@code M}), strings, characters,
 * {@link Keyword}s, {@link Symbol}s, lists and vectors (both {@link List}), maps ({@link Map}),
 * sets ({@link Set}), tagged elements ({@link Tagged}), comments and {@code #_} discards. Not
 * thread-safe.
 */
final class Edn {
  /** The end of input, returned by {@link #next()}. */
  static final Object EOF = new Object();

  /** A keyword such as {@code :invoke}, named without its colon. */
  record Keyword(String name) {
    @Override
    public String toString() {
      return ":" + name;
    }
  }

  /** A symbol such as {@code foo/bar}. */
  record Symbol(String name) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A tagged element such as {@code #inst "2020-01-01"}. */
  record Tagged(String tag, Object value) {
    @Override
    public String toString() {
      return "#" + tag + " " + value;
    }
  }

  private static final Object CLOSE = new Object();

  private final Reader in;
  private int peeked = -2;
  private long line = 1;
  private long formLine = 1;
  private char closing;

  Edn(Reader in) {
    this.in = in;
  }

  /** The 1-based line on which the last form returned by {@link #next()} began. */
  long formLine() {
    return formLine;
  }

  /** The 1-based line the reader is on. */
  long line() {
    return line;
  }

  /**
   * The next top-level form, or {@link #EOF}.
   *
   * @throws IllegalArgumentException if the text is not EDN
   */
  Object next() throws IOException {
    skipBlank();
    formLine = line;
    if (peek() < 0) {
      return EOF;
    }
    Object v = form();
    if (v == CLOSE) {
      throw error("unexpected '" + closing + "'");
    }
    return v;
  }

  /** The next form, or {@link #CLOSE} if a closing delimiter comes first. */
  private Object form() throws IOException {
    while (true) {
      skipBlank();
      int c = read();
      switch (c) {
        case -1 -> throw error("unexpected end of input");
        case ')', ']', '}' -> {
          closing = (char) c;
          return CLOSE;
        }
        case '(' -> {
          return sequence(')');
        }
        case '[' -> {
          return sequence(']');
        }
        case '{' -> {
          return map();
        }
        case '"' -> {
          return string();
        }
        case '\\' -> {
          return character();
        }
        case '#' -> {
          int d = peek();
          if (d == '{') {
            read();
            return new LinkedHashSet<>(sequence('}'));
          }
          if (d == '_') {
            read();
            element("#_");
            continue;
          }
          String tag = token();
          if (tag.isEmpty()) {
            throw error("bad dispatch '#" + (char) d + "'");
          }
          return new Tagged(tag, element("#" + tag));
        }
        default -> {
          return atom((char) c + token());
        }
      }
    }
  }

  private Object element(String after) throws IOException {
    Object v = form();
    if (v == CLOSE) {
      throw error(after + " needs an element before '" + closing + "'");
    }
    return v;
  }

  private List<Object> sequence(char close) throws IOException {
    List<Object> list = new ArrayList<>();
    while (true) {
      Object v = form();
      if (v == CLOSE) {
        if (closing != close) {
          throw error("expected '" + close + "', found '" + closing + "'");
        }
        return list;
      }
      list.add(v);
    }
  }

  private Map<Object, Object> map() throws IOException {
    List<Object> items = sequence('}');
    if (items.size() % 2 != 0) {
      throw error("a map needs an even number of forms");
    }
    Map<Object, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i += 2) {
      if (map.put(items.get(i), items.get(i + 1)) != null) {
        throw error("duplicate map key " + items.get(i));
      }
    }
    return map;
  }

  private String string() throws IOException {
    StringBuilder s = new StringBuilder();
    while (true) {
      int c = read();
      if (c < 0) {
        throw error("unterminated string");
      }
      if (c == '"') {
        return s.toString();
      }
      if (c != '\\') {
        s.append((char) c);
        continue;
      }
      int e = read();
      switch (e) {
        case '"', '\\' -> s.append((char) e);
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'u' -> {
          StringBuilder hex = new StringBuilder();
          for (int i = 0; i < 4; i++) {
            int h = read();
            if (h < 0) {
              throw error("truncated \\u escape");
            }
            hex.append((char) h);
          }
          try {
            s.append((char) Integer.parseInt(hex.toString(), 16));
          } catch (NumberFormatException ex) {
            throw error("bad \\u escape");
          }
        }
        default -> throw error("bad escape in string");
      }
    }
  }

  private Character character() throws IOException {
    int first = read();
    if (first < 0) {
      throw error("unexpected end of input");
    }
    String name = (char) first + token();
    if (name.length() == 1) {
      return name.charAt(0);
    }
    return switch (name) {
      case "newline" -> '\n';
      case "return" -> '\r';
      case "space" -> ' ';
      case "tab" -> '\t';
      default -> {
        if (name.length() == 5 && name.charAt(0) == 'u') {
          try {
            yield (char) Integer.parseInt(name.substring(1), 16);
          } catch (NumberFormatException e) {
            throw error("bad character \\" + name);
          }
        }
        throw error("bad character \\" + name);
      }
    };
  }

  private Object atom(String t) {
    switch (t) {
      case "nil":
        return null;
      case "true":
        return Boolean.TRUE;
      case "false":
        return Boolean.FALSE;
      default:
        break;
    }
    char c = t.charAt(0);
    if (Character.isDigit(c)
        || ((c == '-' || c == '+') && t.length() > 1 && Character.isDigit(t.charAt(1)))) {
      return number(t);
    }
    if (c == ':') {
      if (t.length() == 1) {
        throw error("empty keyword");
      }
      return new Keyword(t.substring(1));
    }
    return new Symbol(t);
  }

  private Object number(String t) {
    try {
      if (t.endsWith("M")) {
        return new BigDecimal(t.substring(0, t.length() - 1));
      }
      if (t.contains(".") || t.contains("e") || t.contains("E")) {
        return Double.parseDouble(t);
      }
      BigInteger n = new BigInteger(t.endsWith("N") ? t.substring(0, t.length() - 1) : t);
      return n.bitLength() < 64 ? (Object) n.longValue() : n;
    } catch (NumberFormatException e) {
      throw error("bad number " + t);
    }
  }

  /** The characters up to the next delimiter or blank. */
  private String token() throws IOException {
    StringBuilder s = new StringBuilder();
    while (true) {
      int c = peek();
      if (c < 0 || isBlank(c) || "()[]{}\";".indexOf(c) >= 0) {
        return s.toString();
      }
      s.append((char) read());
    }
  }

  private void skipBlank() throws IOException {
    while (true) {
      int c = peek();
      if (c == ';') {
        while (c >= 0 && c != '\n') {
          read();
          c = peek();
        }
      } else if (c >= 0 && isBlank(c)) {
        read();
      } else {
        return;
      }
    }
  }

  private static boolean isBlank(int c) {
    return c == ',' || Character.isWhitespace(c);
  }

  private int peek() throws IOException {
    if (peeked == -2) {
      peeked = in.read();
    }
    return peeked;
  }

  private int read() throws IOException {
    int c = peek();
    peeked = -2;
    if (c == '\n') {
      line++;
    }
    return c;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what);
  }
}
