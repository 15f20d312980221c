package org.clusterdb.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.clusterdb.chaos.history.EventLog.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class EventLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void jsonLinesHoldOneObjectPerEventWithEveryField() throws Exception {
    EventLog log = new EventLog(System.nanoTime());
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("key", "k1");
    value.put("revision", 7L);
    value.put("nested", Map.of("killed", List.of("n1", "n2")));
    log.add("invoke", EventLog.NEMESIS, "start-kill", null);
    log.add("ok", 3, "write", value);
    log.add("ok", 4, "read", List.of(1L, 2L, 3L));
    Path file = dir.resolve("history.jsonl");

    log.writeJsonLines(file);

    List<String> lines = Files.readAllLines(file);
    List<Event> events = log.events();
    assertThat(lines).hasSize(3);

    JsonNode first = JSON.readTree(lines.get(0));
    assertThat(first.get("type").asText()).isEqualTo("invoke");
    assertThat(first.get("process").asText()).isEqualTo("nemesis");
    assertThat(first.get("f").asText()).isEqualTo("start-kill");
    // Present and null, not missing: readers tell "no value" from "no field".
    assertThat(first.has("value")).isTrue();
    assertThat(first.get("value").isNull()).isTrue();
    assertThat(first.get("time").asLong()).isEqualTo(events.get(0).timeNanos());
    assertThat(first.get("index").asLong()).isZero();

    JsonNode second = JSON.readTree(lines.get(1));
    assertThat(second.get("type").asText()).isEqualTo("ok");
    assertThat(second.get("process").isInt()).isTrue();
    assertThat(second.get("process").asInt()).isEqualTo(3);
    assertThat(second.get("f").asText()).isEqualTo("write");
    assertThat(JSON.convertValue(second.get("value"), Map.class))
        .isEqualTo(
            Map.of("key", "k1", "revision", 7, "nested", Map.of("killed", List.of("n1", "n2"))));
    assertThat(second.get("time").asLong()).isEqualTo(events.get(1).timeNanos());
    assertThat(second.get("index").asLong()).isEqualTo(1);

    JsonNode third = JSON.readTree(lines.get(2));
    assertThat(third.get("value").isArray()).isTrue();
    assertThat(JSON.convertValue(third.get("value"), List.class)).containsExactly(1, 2, 3);
    assertThat(third.get("index").asLong()).isEqualTo(2);
  }

  @Test
  void jsonLinesReadBackGiveTheSameEvents() throws Exception {
    EventLog log = new EventLog(System.nanoTime());
    log.add("invoke", EventLog.NEMESIS, "start-kill", null);
    log.add("ok", 3, "read", Map.of("keys", List.of("l1", "l2"), "term", 4L));
    log.add("fail", 4, "keep-alive", Map.of("lease", 8_000_000_000_000_000_000L));
    Path file = dir.resolve("history.jsonl");
    log.writeJsonLines(file);
    Files.writeString(file, "\n", java.nio.file.StandardOpenOption.APPEND);

    List<Event> back = EventLog.readJsonLines(file);

    assertThat(back).hasSize(3);
    for (int i = 0; i < 3; i++) {
      Event e = log.events().get(i);
      assertThat(back.get(i).type()).isEqualTo(e.type());
      assertThat(back.get(i).process()).isEqualTo(e.process());
      assertThat(back.get(i).f()).isEqualTo(e.f());
      assertThat(back.get(i).index()).isEqualTo(e.index());
      assertThat(back.get(i).timeNanos()).isEqualTo(e.timeNanos());
    }
    assertThat(back.get(0).value()).isNull();
    // Small numbers come back as Integer, large ones as Long: readers use Number.
    assertThat(back.get(1).value()).isEqualTo(Map.of("keys", List.of("l1", "l2"), "term", 4));
    assertThat(back.get(2).value()).isEqualTo(Map.of("lease", 8_000_000_000_000_000_000L));
  }

  @Test
  void aLineThatIsNotAnEventIsAnError() throws Exception {
    Path file = dir.resolve("history.jsonl");
    Files.writeString(file, "{\"type\":\"ok\",\"process\":1,\"f\":\"read\"}\n");

    assertThatThrownBy(() -> EventLog.readJsonLines(file))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("history.jsonl:1: not an event");
  }

  @Test
  void ednOfANemesisEventHasKeywordProcessAndNilValue() throws Exception {
    EventLog log = new EventLog(System.nanoTime());
    Event e = log.add("invoke", EventLog.NEMESIS, "start-kill", null);

    assertThat(ednLines(log))
        .containsExactly(
            "{:type :invoke, :process :nemesis, :f :start-kill, :value nil, :time "
                + e.timeNanos()
                + ", :index 0}");
  }

  @Test
  void ednOfAClientEventHasIntegerProcessKeywordKeysAndVectors() throws Exception {
    EventLog log = new EventLog(System.nanoTime());
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("key", "k1");
    value.put("revision", 7L);
    value.put("ok", true);
    value.put("probability", 0.2);
    value.put("members", List.of("n1", List.of(1, 2), Map.of("a", 1)));
    value.put("none", null);
    log.add("invoke", EventLog.NEMESIS, "heal-all", null);
    Event e = log.add("ok", 3, "write", value);

    assertThat(ednLines(log).get(1))
        .isEqualTo(
            "{:type :ok, :process 3, :f :write, :value {:key \"k1\", :revision 7, :ok true,"
                + " :probability 0.2, :members [\"n1\" [1 2] {:a 1}], :none nil}, :time "
                + e.timeNanos()
                + ", :index 1}");
  }

  @Test
  void ednEscapesQuoteBackslashAndNewlineInStrings() throws Exception {
    EventLog log = new EventLog(System.nanoTime());
    Event e = log.add("fail", 0, "watch", "say \"hi\" \\ then\nbye");

    assertThat(ednLines(log))
        .containsExactly(
            "{:type :fail, :process 0, :f :watch, :value \"say \\\"hi\\\" \\\\ then\\nbye\","
                + " :time "
                + e.timeNanos()
                + ", :index 0}");
  }

  @Test
  void ednOfAnEmptyMapAndAnEmptyList() throws Exception {
    EventLog log = new EventLog(System.nanoTime());
    log.add("ok", EventLog.NEMESIS, "heal-partition-ring", Map.of());
    log.add("ok", 1, "read", List.of());

    List<String> lines = ednLines(log);

    assertThat(lines.get(0)).contains(":value {},");
    assertThat(lines.get(1)).contains(":value [],");
  }

  @Test
  void indexesAreConsecutiveFromZeroAndTimesNeverDecreaseUnderConcurrentAdds() throws Exception {
    EventLog log = new EventLog(System.nanoTime());
    int threads = 4;
    int perThread = 250;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int process = t;
      Thread w =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  throw new RuntimeException(e);
                }
                for (int i = 0; i < perThread; i++) {
                  log.add("invoke", process, "add", (long) i);
                }
              });
      w.start();
      workers.add(w);
    }
    go.countDown();
    for (Thread w : workers) {
      w.join();
    }

    List<Event> events = log.events();
    assertThat(events).hasSize(threads * perThread);
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).index()).as("index of event %d", i).isEqualTo(i);
      assertThat(events.get(i).timeNanos()).isNotNegative();
      if (i > 0) {
        assertThat(events.get(i).timeNanos())
            .as("time of event %d", i)
            .isGreaterThanOrEqualTo(events.get(i - 1).timeNanos());
      }
    }
    // The files keep the same order.
    Path file = dir.resolve("history.jsonl");
    log.writeJsonLines(file);
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      assertThat(JSON.readTree(lines.get(i)).get("index").asLong()).isEqualTo(i);
    }
  }

  @Test
  void timesAreMeasuredFromTheOrigin() {
    long origin = System.nanoTime() - Duration.ofSeconds(5).toNanos();
    EventLog log = new EventLog(origin);

    Event e = log.add("invoke", 0, "add", 1L);

    assertThat(e.timeNanos()).isGreaterThanOrEqualTo(Duration.ofSeconds(5).toNanos());
    assertThat(log.now()).isGreaterThanOrEqualTo(e.timeNanos());
  }

  @Test
  void ednOfAValueWithNoEdnFormFailsNamingItsType() {
    EventLog log = new EventLog(System.nanoTime());
    log.add("ok", 0, "read", Map.of("took", Duration.ofSeconds(1)));

    assertThatThrownBy(() -> log.writeEdn(dir.resolve("history.edn")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("no EDN form")
        .hasMessageContaining("java.time.Duration");
  }

  private List<String> ednLines(EventLog log) throws Exception {
    Path file = dir.resolve("history.edn");
    log.writeEdn(file);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(log.events().size());
    return lines;
  }
}
