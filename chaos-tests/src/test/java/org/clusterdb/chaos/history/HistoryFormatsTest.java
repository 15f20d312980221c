package org.clusterdb.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class HistoryFormatsTest {

  /** Every function and completion type, absent values, a cas from absent, awkward strings. */
  static History everyKindOfOp() {
    return History.builder()
        .invokeRead(0, "x")
        .okRead(0, null)
        .invokeCas(1, "x", null, "1")
        .invokeWrite(2, "key with \"quotes\", \\ and\ttabs", "line\nbreak \u0001 é ✓")
        .ok(1)
        .invokeCas(1, "x", "1", "2")
        .fail(1)
        .info(2)
        .invokeRead(3, "x")
        .okRead(3, "1")
        .invokeRead(4, "x")
        .info(4)
        .invokeWrite(5, "x", "")
        .build();
  }

  /** {@link #everyKindOfOp} with arbitrary times. */
  static History withRandomTimes(long seed) {
    Random rnd = new Random(seed);
    History h = everyKindOfOp();
    List<Op> ops =
        h.ops().stream()
            .map(
                op ->
                    new Op(
                        op.type(),
                        op.process(),
                        op.f(),
                        op.key(),
                        op.expected(),
                        op.value(),
                        op.index(),
                        Math.abs(rnd.nextLong())))
            .toList();
    return new History(ops);
  }

  @Test
  void jsonLinesRoundTrip() throws IOException {
    for (History h : List.of(History.EMPTY, everyKindOfOp(), withRandomTimes(1))) {
      StringWriter out = new StringWriter();
      HistoryJson.write(h, out);

      assertThat(HistoryJson.read(new StringReader(out.toString()))).isEqualTo(h);
      assertThat(out.toString().lines()).hasSize(h.size());
    }
  }

  @Test
  void ednRoundTrip() throws IOException {
    for (History h : List.of(History.EMPTY, everyKindOfOp(), withRandomTimes(2))) {
      StringWriter out = new StringWriter();
      HistoryEdn.write(h, out);

      assertThat(HistoryEdn.read(new StringReader(out.toString()))).isEqualTo(h);
      assertThat(out.toString().lines()).hasSize(h.size());
    }
  }

  @Test
  void filesRoundTrip(@TempDir Path dir) throws IOException {
    History h = everyKindOfOp();
    HistoryJson.write(h, dir.resolve("history.jsonl"));
    HistoryEdn.write(h, dir.resolve("history.edn"));

    assertThat(HistoryJson.read(dir.resolve("history.jsonl"))).isEqualTo(h);
    assertThat(HistoryEdn.read(dir.resolve("history.edn"))).isEqualTo(h);
    assertThat(Files.readString(dir.resolve("history.edn"))).contains("é ✓");
  }

  @Test
  void jsonLayoutIsTheDocumentedOne() {
    Op write = Op.invokeWrite(0, "x", "1", 0, 1200);
    Op cas = Op.invokeCas(2, "x", "1", "2", 2, 1400);
    Op read = Op.invokeRead(1, "x", 1, 1300).completeRead(null, 1, 1300);

    assertThat(HistoryJson.toLine(write))
        .isEqualTo(
            "{\"type\":\"invoke\",\"process\":0,\"f\":\"write\",\"key\":\"x\",\"value\":\"1\","
                + "\"time\":1200,\"index\":0}");
    assertThat(HistoryJson.toLine(cas))
        .contains("\"f\":\"cas\",\"key\":\"x\",\"value\":[\"1\",\"2\"]");
    assertThat(HistoryJson.toLine(read))
        .isEqualTo(
            "{\"type\":\"ok\",\"process\":1,\"f\":\"read\",\"key\":\"x\",\"value\":null,"
                + "\"time\":1300,\"index\":1}");
  }

  @Test
  void ednLayoutIsJepsens() {
    Op write = Op.invokeWrite(0, "x", "1", 0, 1200);
    Op cas = Op.invokeCas(2, "x", null, "2", 2, 1400);

    assertThat(HistoryEdn.toEdn(write))
        .isEqualTo(
            "{:type :invoke, :process 0, :f :write, :value [\"x\" \"1\"], :time 1200, :index 0}");
    assertThat(HistoryEdn.toEdn(cas)).contains(":f :cas, :value [\"x\" [nil \"2\"]]");
    assertThat(HistoryEdn.parseOp(HistoryEdn.toEdn(cas))).isEqualTo(cas);
  }

  @Test
  void ednReaderTakesJepsensOwnHistories() throws IOException {
    // As a Jepsen register test writes it: integer keys and values, an :error, extra keys, and
    // values Jepsen adds that the reader must skip.
    String edn =
        """
        ; a comment
        {:index 0, :type :invoke, :process 0, :f :write, :value [3 4], :time 10}
        {:index 1, :type :info, :process 0, :f :write, :value [3 4], :time 20,
         :error [:timeout "deadline exceeded"], :latency 1.5, :tags #{:a}}
        {:index 2 :type :invoke :process 5 :f :read :value [3 nil] :time 30 :node "n1"}
        {:index 3 :type :ok :process 5 :f :read :value [3 4] :time 40 :at #inst "2024-01-01"}
        #_{:ignored true}
        {:index 4 :type :invoke :process 6 :f :cas :value [3 [4 5]] :time 50 :c \\a}
        """;

    History h = HistoryEdn.read(new StringReader(edn));

    assertThat(h.ops())
        .containsExactly(
            Op.invokeWrite(0, "3", "4", 0, 10),
            new Op(Op.Type.INFO, 0, Op.Fn.WRITE, "3", null, "4", 1, 20),
            Op.invokeRead(5, "3", 2, 30),
            new Op(Op.Type.OK, 5, Op.Fn.READ, "3", null, "4", 3, 40),
            Op.invokeCas(6, "3", "4", "5", 4, 50));
  }

  @Test
  void ednReaderTakesOneVectorOfOps() throws IOException {
    History h = everyKindOfOp();
    StringBuilder edn = new StringBuilder("[");
    h.ops().forEach(op -> edn.append(HistoryEdn.toEdn(op)).append('\n'));
    edn.append(']');

    assertThat(HistoryEdn.read(new StringReader(edn.toString()))).isEqualTo(h);
  }

  @Test
  void jsonReaderIgnoresUnknownFieldsAndBlankLines() throws IOException {
    String json =
        """
        {"index":0,"time":5,"type":"invoke","process":0,"f":"write","key":"x","value":"1","node":"n1"}

        {"type":"ok","process":0,"f":"write","key":"x","value":"1","time":6,"index":1,"extra":[1,{"a":true}]}
        """;

    History h = HistoryJson.read(new StringReader(json));

    assertThat(h.ops())
        .containsExactly(
            Op.invokeWrite(0, "x", "1", 0, 5),
            new Op(Op.Type.OK, 0, Op.Fn.WRITE, "x", null, "1", 1, 6));
  }

  @Test
  void malformedLinesAreReportedWithTheirLineNumber() {
    String badJson =
        HistoryJson.toLine(Op.invokeRead(0, "x", 0, 0)) + "\n{\"type\":\"ok\",\"process\":0,\n";
    String missingField =
        "{\"type\":\"invoke\",\"process\":0,\"f\":\"read\",\"key\":\"x\",\"index\":0}";
    String badFunction =
        "{:type :invoke, :process 0, :f :delete, :value [\"x\" nil], :time 0, :index 0}";
    String nemesis =
        "\n\n{:type :info, :process :nemesis, :f :write, :value [\"x\" \"1\"], :time 0, :index 0}";

    assertThatThrownBy(() -> HistoryJson.read(new StringReader(badJson)))
        .isInstanceOf(HistoryFormatException.class)
        .hasMessageStartingWith("line 2: not JSON")
        .satisfies(e -> assertThat(((HistoryFormatException) e).line()).isEqualTo(2));
    assertThatThrownBy(() -> HistoryJson.read(new StringReader(missingField)))
        .isInstanceOf(HistoryFormatException.class)
        .hasMessageContaining("line 1: time: missing or not an integer");
    assertThatThrownBy(() -> HistoryEdn.read(new StringReader(badFunction)))
        .isInstanceOf(HistoryFormatException.class)
        .hasMessageContaining(":f: unknown fn delete");
    assertThatThrownBy(() -> HistoryEdn.read(new StringReader(nemesis)))
        .isInstanceOf(HistoryFormatException.class)
        .hasMessageContaining("line 3: :process: missing or not an integer: :nemesis");
    assertThatThrownBy(() -> HistoryEdn.read(new StringReader("{:type :invoke")))
        .isInstanceOf(HistoryFormatException.class)
        .hasMessageContaining("not EDN");
  }

  @Test
  void invalidHistoriesAreFormatErrors() {
    String twoInvokes =
        HistoryJson.toLine(Op.invokeRead(0, "x", 0, 0))
            + "\n"
            + HistoryJson.toLine(Op.invokeRead(0, "x", 1, 1));

    assertThatThrownBy(() -> HistoryJson.read(new StringReader(twoInvokes)))
        .isInstanceOf(HistoryFormatException.class)
        .hasMessageContaining("while its invoke at 0 is outstanding");
  }
}
