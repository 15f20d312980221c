package org.clusterdb.chaos.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Jepsen-style history of operations other than register ones (set adds, watch deliveries,
 * nemesis faults): each event a map of {@code type}, {@code process}, {@code f}, {@code value},
 * {@code time} and {@code index}, written as JSON lines and as Jepsen EDN ({@code :type :invoke},
 * {@code :process :nemesis} for the nemesis). Values are strings, numbers, booleans, lists and maps
 * with string keys. Thread-safe.
 */
public final class EventLog {
  /** The process name Jepsen gives the nemesis. */
  public static final String NEMESIS = "nemesis";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One event. {@code process} is an Integer or {@link #NEMESIS}. */
  public record Event(
      String type, Object process, String f, Object value, long index, long timeNanos) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", type);
      m.put("process", process);
      m.put("f", f);
      m.put("value", value);
      m.put("time", timeNanos);
      m.put("index", index);
      return m;
    }
  }

  private final long origin;
  private final List<Event> events = new ArrayList<>();

  /** Times are nanoseconds since {@code originNanos} (a {@link System#nanoTime()} reading). */
  public EventLog(long originNanos) {
    this.origin = originNanos;
  }

  public synchronized Event add(String type, Object process, String f, Object value) {
    Event e = new Event(type, process, f, value, events.size(), System.nanoTime() - origin);
    events.add(e);
    return e;
  }

  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** Nanoseconds since the origin, on the clock events are stamped with. */
  public long now() {
    return System.nanoTime() - origin;
  }

  public void writeJsonLines(Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      for (Event e : events()) {
        w.write(JSON.writeValueAsString(e.toMap()));
        w.newLine();
      }
    }
  }

  /**
   * The events of a file {@link #writeJsonLines} wrote, for checking a history offline. Numbers in
   * values come back as {@code Integer} or {@code Long}, lists as lists, objects as maps.
   *
   * @throws IOException if the file cannot be read or a line is not such an event
   */
  public static List<Event> readJsonLines(Path file) throws IOException {
    List<Event> events = new ArrayList<>();
    int lineNumber = 0;
    for (String line : Files.readAllLines(file)) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      Map<?, ?> m = JSON.readValue(line, Map.class);
      if (!(m.get("type") instanceof String type)
          || !(m.get("f") instanceof String f)
          || !(m.get("time") instanceof Number time)
          || !(m.get("index") instanceof Number index)
          || !(m.get("process") instanceof Number || NEMESIS.equals(m.get("process")))) {
        throw new IOException(file + ":" + lineNumber + ": not an event: " + line);
      }
      Object process =
          m.get("process") instanceof Number n ? (Object) n.intValue() : (Object) NEMESIS;
      events.add(new Event(type, process, f, m.get("value"), index.longValue(), time.longValue()));
    }
    return events;
  }

  public void writeEdn(Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      for (Event e : events()) {
        StringBuilder s = new StringBuilder(128);
        s.append("{:type :").append(e.type());
        s.append(", :process ");
        if (e.process() instanceof String p) {
          s.append(':').append(p);
        } else {
          s.append(e.process());
        }
        s.append(", :f :").append(e.f());
        s.append(", :value ");
        edn(s, e.value());
        s.append(", :time ").append(e.timeNanos());
        s.append(", :index ").append(e.index()).append('}');
        w.write(s.toString());
        w.newLine();
      }
    }
  }

  /** EDN for a JSON-like value; map keys become keywords. */
  static void edn(StringBuilder s, Object v) {
    if (v == null) {
      s.append("nil");
    } else if (v instanceof String str) {
      s.append('"');
      for (int i = 0; i < str.length(); i++) {
        char c = str.charAt(i);
        switch (c) {
          case '"' -> s.append("\\\"");
          case '\\' -> s.append("\\\\");
          case '\n' -> s.append("\\n");
          default -> s.append(c);
        }
      }
      s.append('"');
    } else if (v instanceof Number || v instanceof Boolean) {
      s.append(v);
    } else if (v instanceof Map<?, ?> m) {
      s.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          s.append(", ");
        }
        first = false;
        s.append(':').append(e.getKey()).append(' ');
        edn(s, e.getValue());
      }
      s.append('}');
    } else if (v instanceof List<?> l) {
      s.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          s.append(' ');
        }
        edn(s, l.get(i));
      }
      s.append(']');
    } else {
      throw new UncheckedIOException(new IOException("no EDN form for " + v.getClass()));
    }
  }
}
