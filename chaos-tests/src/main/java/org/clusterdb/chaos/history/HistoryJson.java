package org.clusterdb.chaos.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Histories as JSON lines: one op per line, one JSON object per op, with the fields in this order:
 *
 * <pre>{@code
 * {"type":"invoke","process":0,"f":"write","key":"x","value":"1","time":1200,"index":0}
 * {"type":"ok","process":1,"f":"read","key":"x","value":null,"time":1300,"index":1}
 * {"type":"invoke","process":2,"f":"cas","key":"x","value":["1","2"],"time":1400,"index":2}
 * }</pre>
 *
 * <p>{@code type} and {@code f} are the lower-case names of {@link Op.Type} and {@link Op.Fn};
 * {@code time} is {@link Op#timeNanos()}. {@code value} is {@link Op#value()} (a string, or null
 * for absent), except for a cas, where it is the pair {@code [expected, new]}. The same key/value
 * layout as {@link HistoryEdn}, whose {@code :value} also carries the key. Readers ignore unknown
 * fields and blank lines. Stateless and thread-safe.
 */
public final class HistoryJson {
  private HistoryJson() {}

  /** Numbers as longs, whatever their size, as the EDN reader gives them. */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_LONG_FOR_INTS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The JSON object of one op, without a line terminator. */
  public static String toLine(Op op) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", op.type().name().toLowerCase(Locale.ROOT));
    o.put("process", op.process());
    o.put("f", op.f().name().toLowerCase(Locale.ROOT));
    o.put("key", op.key());
    if (op.f() == Op.Fn.CAS) {
      o.putArray("value").add(op.expected()).add(op.value());
    } else {
      o.put("value", op.value());
    }
    o.put("time", op.timeNanos());
    o.put("index", op.index());
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an op always encodes", e);
    }
  }

  /**
   * The op on one line.
   *
   * @throws HistoryFormatException if it is not valid JSON or not a valid op
   */
  public static Op parseLine(String line) {
    return parse(line, 0);
  }

  /** Writes {@code history}, one line per op. Does not close {@code out}. */
  public static void write(History history, Writer out) throws IOException {
    for (Op op : history.ops()) {
      out.write(toLine(op));
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
   * @throws HistoryFormatException if a line is not a valid op or the history is invalid
   */
  public static History read(Reader in) throws IOException {
    BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
    List<Op> ops = new ArrayList<>();
    long lineNumber = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      lineNumber++;
      if (!line.isBlank()) {
        ops.add(parse(line, lineNumber));
      }
    }
    return Formats.history(ops);
  }

  /** Reads a history from a UTF-8 file. */
  public static History read(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in);
    }
  }

  private static Op parse(String line, long lineNumber) {
    Object parsed;
    try {
      parsed = JSON.readValue(line, Object.class);
    } catch (JsonProcessingException e) {
      throw new HistoryFormatException(lineNumber, "not JSON: " + e.getOriginalMessage(), e);
    }
    if (!(parsed instanceof Map<?, ?> fields)) {
      throw new HistoryFormatException(lineNumber, "an op must be a JSON object");
    }
    Formats.Fields f = new Formats.Fields(lineNumber, "", fields::get, false);
    Op.Type type = f.enumValue("type", Op.Type.class);
    Op.Fn fn = f.enumValue("f", Op.Fn.class);
    String key = f.string("key", false);
    String expected = null;
    String value;
    if (fn == Op.Fn.CAS) {
      List<?> pair = f.pair(f.get("value"), "value");
      expected = f.scalar(pair.get(0), "value", true);
      value = f.scalar(pair.get(1), "value", false);
    } else {
      value = f.string("value", true);
    }
    return f.op(type, fn, key, expected, value);
  }
}
