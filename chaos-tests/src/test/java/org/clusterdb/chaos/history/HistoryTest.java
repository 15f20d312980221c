package org.clusterdb.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HistoryTest {

  @Test
  void builderNumbersOpsAndCopiesInvokesIntoCompletions() {
    History h =
        History.builder()
            .invokeCas(0, "x", null, "1")
            .invokeRead(1, "x")
            .ok(0)
            .okRead(1, "1")
            .build();

    assertThat(h.ops()).extracting(Op::index).containsExactly(0L, 1L, 2L, 3L);
    assertThat(h.ops().get(2)).isEqualTo(new Op(Op.Type.OK, 0, Op.Fn.CAS, "x", null, "1", 2, 2));
    assertThat(h.ops().get(3).value()).isEqualTo("1");
    assertThat(h.keys()).containsExactly("x");
  }

  @Test
  void operationsPairInvokesWithTheirCompletions() {
    History h =
        History.builder()
            .invokeWrite(0, "x", "1")
            .invokeWrite(1, "y", "2")
            .invokeRead(2, "x")
            .info(1)
            .ok(0)
            .invokeWrite(3, "x", "3")
            .fail(3)
            .build();

    List<Operation> ops = h.operations();

    assertThat(ops).hasSize(4);
    assertThat(ops.get(0).ok()).isTrue();
    assertThat(ops.get(0).completion().get().index()).isEqualTo(4);
    assertThat(ops.get(1).indeterminate()).isTrue();
    assertThat(ops.get(2).completion()).isEmpty();
    assertThat(ops.get(2).indeterminate()).isTrue();
    assertThat(ops.get(3).failed()).isTrue();
    assertThat(ops.get(3).indeterminate()).isFalse();
    assertThat(ops.get(0).describe()).isEqualTo("p0 write x \"1\" ok [0..4]");
    assertThat(ops.get(2).describe()).isEqualTo("p2 read x pending [2..]");
  }

  @Test
  void aProcessHasOneOperationOutstanding() {
    List<Op> ops = List.of(Op.invokeRead(0, "x", 0, 0), Op.invokeWrite(0, "x", "1", 1, 1));

    assertThatIllegalArgumentException()
        .isThrownBy(() -> new History(ops))
        .withMessageContaining("process 0 invokes at 1 while its invoke at 0 is outstanding");
  }

  @Test
  void aCrashedProcessNeverIssuesAgain() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> History.builder().invokeWrite(0, "x", "1").info(0).invokeRead(0, "x").build())
        .withMessageContaining("after its INFO at 1; a crashed process must take a new id");
  }

  @Test
  void aCompletionMatchesItsProcessInvoke() {
    Op invoke = Op.invokeWrite(0, "x", "1", 0, 0);
    List<Op> otherKey = List.of(invoke, new Op(Op.Type.OK, 0, Op.Fn.WRITE, "y", null, "1", 1, 1));
    List<Op> otherValue = List.of(invoke, new Op(Op.Type.OK, 0, Op.Fn.WRITE, "x", null, "2", 1, 1));
    List<Op> otherFunction =
        List.of(invoke, new Op(Op.Type.OK, 0, Op.Fn.READ, "x", null, "1", 1, 1));
    List<Op> noInvoke = List.of(new Op(Op.Type.OK, 0, Op.Fn.READ, "x", null, "1", 0, 0));

    for (List<Op> ops : List.of(otherKey, otherValue, otherFunction)) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> new History(ops))
          .withMessageContaining("does not match its invoke at 0");
    }
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new History(noInvoke))
        .withMessageContaining("completion at 0 of process 0 matches no outstanding invoke");
  }

  @Test
  void indexesArePositions() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new History(List.of(Op.invokeRead(0, "x", 3, 0))))
        .withMessageContaining("op at position 0 has index 3");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    List<Op> ops = new ArrayList<>();
    ops.add(Op.invokeRead(0, "x", 5, 0));
    ops.add(new Op(Op.Type.OK, 1, Op.Fn.READ, "x", null, null, 1, 0));

    assertThatIllegalArgumentException()
        .isThrownBy(() -> new History(ops))
        .withMessageContaining("has index 5")
        .withMessageContaining("matches no outstanding invoke");
  }

  @Test
  void opsAreValidatedOnConstruction() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Op(Op.Type.INVOKE, -1, Op.Fn.READ, "x", null, null, 0, 0))
        .withMessageContaining("process");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Op(Op.Type.INVOKE, 0, Op.Fn.WRITE, "x", null, null, 0, 0))
        .withMessageContaining("value");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Op(Op.Type.INVOKE, 0, Op.Fn.WRITE, "x", "0", "1", 0, 0))
        .withMessageContaining("expected");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Op(Op.Type.INVOKE, 0, Op.Fn.READ, "x", null, "1", 0, 0))
        .withMessageContaining("value");
  }

  @Test
  void anOkReadNeedsItsValue() {
    History.Builder b = History.builder().invokeRead(0, "x");

    assertThatIllegalArgumentException().isThrownBy(() -> b.ok(0));
    assertThatIllegalStateException().isThrownBy(() -> b.fail(1));
  }

  @Test
  void historiesAreImmutableValues() {
    List<Op> ops = new ArrayList<>(History.builder().invokeRead(0, "x").build().ops());
    History h = new History(ops);
    ops.clear();

    assertThat(h.size()).isEqualTo(1);
    assertThat(h).isEqualTo(History.builder().invokeRead(0, "x").build());
    assertThat(h.ops()).isUnmodifiable();
  }
}
