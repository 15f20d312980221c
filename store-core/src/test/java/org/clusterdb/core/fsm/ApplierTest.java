package org.clusterdb.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyRange;
import org.clusterdb.core.storage.ReadView;
import org.clusterdb.core.storage.StateStore;
import org.clusterdb.core.storage.WriteView;
import org.clusterdb.proto.log.v1.ApplyResult;
import org.clusterdb.proto.log.v1.Compare;
import org.clusterdb.proto.log.v1.CreateTable;
import org.clusterdb.proto.log.v1.DeleteRange;
import org.clusterdb.proto.log.v1.DropTable;
import org.clusterdb.proto.log.v1.Event;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.GrantSystemKey;
import org.clusterdb.proto.log.v1.HistoryRecord;
import org.clusterdb.proto.log.v1.KeyValue;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.OpResult;
import org.clusterdb.proto.log.v1.PublishPeerKey;
import org.clusterdb.proto.log.v1.Put;
import org.clusterdb.proto.log.v1.Range;
import org.clusterdb.proto.log.v1.RangeResult;
import org.clusterdb.proto.log.v1.Txn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The apply logic against a real RocksDB-backed {@link StateStore}. */
@Timeout(30)
class ApplierTest {
  private static final HistoryPolicy LARGE_HISTORY = new HistoryPolicy(1_000, 1 << 20);

  @TempDir Path dir;

  private StateStore store;
  private Applier applier;

  @BeforeEach
  void open() throws IOException {
    store = StateStore.open(dir.resolve("state"), false);
    applier = new Applier(LARGE_HISTORY);
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  // ---- tables ----

  @Test
  void createTableBumpsRevisionAndAddsCatalogEntry() {
    assertThat(store.revision()).isZero();

    ApplyOutcome out = apply(createTable("t"));

    assertThat(out.revision()).isEqualTo(1);
    assertThat(out.result().getRevision()).isEqualTo(1);
    assertThat(out.result().hasError()).isFalse();
    assertThat(out.result().getTable().getTable().getName()).isEqualTo("t");
    assertThat(out.result().getTable().getTable().getCreateRevision()).isEqualTo(1);
    assertThat(out.events()).isEmpty();
    assertThat(store.revision()).isEqualTo(1);
    try (ReadView v = store.read()) {
      assertThat(v.table("t")).hasValueSatisfying(m -> assertThat(m.getCreateRevision()).isOne());
      assertThat(v.tables()).extracting(m -> m.getName()).containsExactly("t");
    }
  }

  @Test
  void createDuplicateTableFailsWithTableExistsAndWritesNothing() {
    apply(createTable("t"));
    apply(put("t", "k", "v"));
    String before = dump(store);

    ApplyOutcome out = apply(createTable("t"));

    assertThat(out.result().hasError()).isTrue();
    assertThat(out.result().getError().getCode()).isEqualTo(ErrorCode.TABLE_EXISTS.number());
    assertThat(out.result().getError().getField()).isEqualTo("name");
    assertThat(out.revision()).isEqualTo(2);
    assertThat(out.result().getRevision()).isEqualTo(2);
    assertThat(out.events()).isEmpty();
    assertThat(store.revision()).isEqualTo(2);
    assertThat(dump(store)).isEqualTo(before);
  }

  @Test
  void dropTableDeletesEveryRowEmitsOneDeleteEventPerRowAndRemovesCatalogEntry() {
    apply(createTable("t"));
    apply(createTable("u"));
    apply(
        txn(List.of(), List.of(putOp("t", "b", "2"), putOp("t", "a", "1"), putOp("t", "c", "3"))));
    apply(put("u", "a", "other"));
    long before = store.revision();

    ApplyOutcome out = apply(dropTable("t"));

    long rev = before + 1;
    assertThat(out.revision()).isEqualTo(rev);
    assertThat(out.result().getTable().getTable().getName()).isEqualTo("t");
    assertThat(out.events())
        .extracting(Event::getType, Event::getTable, e -> e.getKv().getKey().toStringUtf8())
        .containsExactly(
            tuple(Event.Type.DELETE, "t", "a"),
            tuple(Event.Type.DELETE, "t", "b"),
            tuple(Event.Type.DELETE, "t", "c"));
    assertThat(out.events())
        .allSatisfy(
            e -> {
              assertThat(e.getKv().getModRevision()).isEqualTo(rev);
              assertThat(e.getKv().getVersion()).isZero();
              assertThat(e.getKv().getValue().isEmpty()).isTrue();
            });
    try (ReadView v = store.read()) {
      assertThat(v.table("t")).isEmpty();
      assertThat(v.tables()).extracting(m -> m.getName()).containsExactly("u");
      assertThat(rows(v, "t")).isEmpty();
      assertThat(rows(v, "u")).containsExactly("a=other");
      assertThat(v.historyAtOrAfter(rev))
          .hasValueSatisfying(h -> assertThat(h.record().getEventsList()).isEqualTo(out.events()));
    }

    ApplyOutcome again = apply(dropTable("t"));
    assertThat(again.result().getError().getCode()).isEqualTo(ErrorCode.UNKNOWN_TABLE.number());
    assertThat(again.result().getError().getField()).isEqualTo("name");
    assertThat(again.revision()).isEqualTo(rev);

    // A re-created table starts empty.
    apply(createTable("t"));
    try (ReadView v = store.read()) {
      assertThat(rows(v, "t")).isEmpty();
    }
  }

  // ---- puts ----

  @Test
  void firstPutCreatesKeyWithCreateAndModRevisionOfItsRevisionAndVersionOne() {
    apply(createTable("t"));

    ApplyOutcome out = apply(put("t", "k", "v1"));

    assertThat(out.revision()).isEqualTo(2);
    assertThat(out.result().getTxn().getSucceeded()).isTrue();
    assertThat(out.result().getTxn().getResults(0).getPut().hasPrev()).isFalse();
    KeyValue kv = get("t", "k");
    assertThat(kv.getValue().toStringUtf8()).isEqualTo("v1");
    assertThat(kv.getCreateRevision()).isEqualTo(2);
    assertThat(kv.getModRevision()).isEqualTo(2);
    assertThat(kv.getVersion()).isEqualTo(1);
    assertThat(out.events()).hasSize(1);
    assertThat(out.events().get(0).getType()).isEqualTo(Event.Type.PUT);
    assertThat(out.events().get(0).getTable()).isEqualTo("t");
    assertThat(out.events().get(0).getKv()).isEqualTo(kv);
  }

  @Test
  void secondPutKeepsCreateRevisionBumpsModRevisionAndVersionAndReturnsPrevious() {
    apply(createTable("t"));
    apply(put("t", "k", "v1"));
    KeyValue first = get("t", "k");

    ApplyOutcome out = apply(put("t", "k", "v2"));

    assertThat(out.revision()).isEqualTo(3);
    KeyValue kv = get("t", "k");
    assertThat(kv.getValue().toStringUtf8()).isEqualTo("v2");
    assertThat(kv.getCreateRevision()).isEqualTo(2);
    assertThat(kv.getModRevision()).isEqualTo(3);
    assertThat(kv.getVersion()).isEqualTo(2);
    assertThat(out.result().getTxn().getResults(0).getPut().hasPrev()).isTrue();
    assertThat(out.result().getTxn().getResults(0).getPut().getPrev()).isEqualTo(first);
    assertThat(first.getValue().toStringUtf8()).isEqualTo("v1");
  }

  static Stream<Arguments> unknownTableTxns() {
    return Stream.of(
        Arguments.of(txn(List.of(), List.of(putOp("nope", "k", "v"))), "txn.success[0].table"),
        Arguments.of(
            txn(List.of(), List.of(putOp("t", "k", "v"), putOp("nope", "k", "v"))),
            "txn.success[1].table"),
        Arguments.of(txn(List.of(), List.of(deleteOp("nope", "k", ""))), "txn.success[0].table"),
        Arguments.of(txn(List.of(), List.of(rangeOp("nope", "k", ""))), "txn.success[0].table"),
        Arguments.of(
            txn(
                List.of(exists("t", "k", true, Compare.Result.EQUAL)),
                List.of(putOp("t", "k", "v")),
                List.of(putOp("nope", "k", "v"))),
            "txn.failure[0].table"),
        Arguments.of(
            txn(List.of(exists("nope", "k", true, Compare.Result.EQUAL)), List.of()),
            "txn.compare[0].table"));
  }

  @ParameterizedTest
  @MethodSource("unknownTableTxns")
  void txnNamingUnknownTableFailsWithUnknownTableAndLeavesStateUntouched(
      LogEntry entry, String field) {
    apply(createTable("t"));
    apply(put("t", "x", "1"));
    String before = dump(store);

    ApplyOutcome out = apply(entry);

    assertThat(out.result().hasError()).isTrue();
    assertThat(out.result().getError().getCode()).isEqualTo(ErrorCode.UNKNOWN_TABLE.number());
    assertThat(out.result().getError().getField()).isEqualTo(field);
    assertThat(out.revision()).isEqualTo(2);
    assertThat(out.result().getRevision()).isEqualTo(2);
    assertThat(out.events()).isEmpty();
    assertThat(dump(store)).isEqualTo(before);
  }

  // ---- deletes ----

  @Test
  void deleteOfSingleKeyDeletesItAndDeleteOfMissingKeyDoesNotBumpRevision() {
    apply(createTable("t"));
    apply(put("t", "k", "v"));
    apply(put("t", "other", "v"));

    ApplyOutcome out = apply(delete("t", "k", ""));

    assertThat(out.revision()).isEqualTo(4);
    assertThat(out.result().getTxn().getResults(0).getDelete().getDeleted()).isEqualTo(1);
    assertThat(out.events()).hasSize(1);
    Event e = out.events().get(0);
    assertThat(e.getType()).isEqualTo(Event.Type.DELETE);
    assertThat(e.getKv().getKey().toStringUtf8()).isEqualTo("k");
    assertThat(e.getKv().getModRevision()).isEqualTo(4);
    assertThat(e.getKv().getVersion()).isZero();
    try (ReadView v = store.read()) {
      assertThat(v.get("t", utf8("k"))).isEmpty();
      assertThat(rows(v, "t")).containsExactly("other=v");
    }
    String before = dump(store);

    ApplyOutcome again = apply(delete("t", "k", ""));

    assertThat(again.result().getTxn().getResults(0).getDelete().getDeleted()).isZero();
    assertThat(again.revision()).isEqualTo(4);
    assertThat(again.result().getRevision()).isEqualTo(4);
    assertThat(again.events()).isEmpty();
    assertThat(store.revision()).isEqualTo(4);
    assertThat(dump(store)).isEqualTo(before);
  }

  @Test
  void deleteRangeWithPrefixEndDeletesExactlyThePrefixAsOneRevision() {
    apply(createTable("t"));
    for (String k : List.of("a", "a/", "a/x", "a/y", "a0", "b")) {
      apply(put("t", k, "v"));
    }
    KeyRange prefix = KeyRange.prefix("a/");
    assertThat(prefix.end()).isEqualTo(Bytes.of("a0"));

    ApplyOutcome out =
        apply(
            txn(
                List.of(),
                List.of(
                    Op.newBuilder()
                        .setDeleteRange(
                            DeleteRange.newBuilder()
                                .setTable("t")
                                .setKey(bs(prefix.start().toByteArray()))
                                .setRangeEnd(bs(prefix.end().toByteArray())))
                        .build())));

    assertThat(out.revision()).isEqualTo(8);
    assertThat(out.result().getTxn().getResults(0).getDelete().getDeleted()).isEqualTo(3);
    assertThat(out.events())
        .extracting(e -> e.getKv().getKey().toStringUtf8())
        .containsExactly("a/", "a/x", "a/y");
    assertThat(out.events()).allMatch(e -> e.getKv().getModRevision() == 8);
    try (ReadView v = store.read()) {
      assertThat(rows(v, "t")).containsExactly("a=v", "a0=v", "b=v");
    }
  }

  @Test
  void deleteRangeWithUnboundedEndDeletesEveryKeyFromStart() {
    apply(createTable("t"));
    apply(createTable("u"));
    for (String k : List.of("a", "b", "c")) {
      apply(put("t", k, "v"));
    }
    apply(put("t", "\u007f", "v"));
    apply(
        txn(
            List.of(),
            List.of(Op.newBuilder().setPut(rawPut("t", new byte[] {(byte) 0xff}, "v")).build())));
    apply(put("u", "z", "v"));

    ApplyOutcome out = apply(txn(List.of(), List.of(deleteOp("t", "b", "\0"))));

    assertThat(out.result().getTxn().getResults(0).getDelete().getDeleted()).isEqualTo(4);
    try (ReadView v = store.read()) {
      assertThat(rows(v, "t")).containsExactly("a=v");
      assertThat(rows(v, "u")).containsExactly("z=v");
    }

    // An empty key with an unbounded end is the whole table.
    ApplyOutcome all = apply(txn(List.of(), List.of(deleteOp("t", "", "\0"))));
    assertThat(all.result().getTxn().getResults(0).getDelete().getDeleted()).isEqualTo(1);
    try (ReadView v = store.read()) {
      assertThat(rows(v, "t")).isEmpty();
      assertThat(rows(v, "u")).containsExactly("z=v");
    }
  }

  @Test
  void deleteRangeMatchingNothingDoesNotBumpRevision() {
    apply(createTable("t"));
    apply(put("t", "a", "v"));
    String before = dump(store);

    ApplyOutcome out = apply(delete("t", "b", "c"));

    assertThat(out.result().getTxn().getResults(0).getDelete().getDeleted()).isZero();
    assertThat(out.revision()).isEqualTo(2);
    assertThat(dump(store)).isEqualTo(before);
  }

  // ---- compares ----

  /**
   * State for the compare cases: key "k" has value "m", create revision 2, mod revision 4, version
   * 2; key "missing" does not exist.
   */
  private void compareFixture() {
    apply(createTable("t"));
    apply(put("t", "k", "l")); // 2
    apply(put("t", "x", "x")); // 3
    apply(put("t", "k", "m")); // 4
    KeyValue k = get("t", "k");
    assertThat(k.getCreateRevision()).isEqualTo(2);
    assertThat(k.getModRevision()).isEqualTo(4);
    assertThat(k.getVersion()).isEqualTo(2);
  }

  static Stream<Arguments> compares() {
    var eq = Compare.Result.EQUAL;
    var ne = Compare.Result.NOT_EQUAL;
    var gt = Compare.Result.GREATER;
    var lt = Compare.Result.LESS;
    byte[] high = {(byte) 0x80};
    return Stream.of(
        // VALUE on an existing key, unsigned byte order.
        Arguments.of(value("k", eq, utf8("m")), true),
        Arguments.of(value("k", eq, utf8("n")), false),
        Arguments.of(value("k", ne, utf8("n")), true),
        Arguments.of(value("k", ne, utf8("m")), false),
        Arguments.of(value("k", gt, utf8("l")), true),
        Arguments.of(value("k", gt, utf8("m")), false),
        Arguments.of(value("k", gt, utf8("m0")), false),
        Arguments.of(value("k", lt, utf8("n")), true),
        Arguments.of(value("k", lt, utf8("m")), false),
        Arguments.of(value("k", lt, high), true),
        Arguments.of(value("k", gt, high), false),
        // VALUE on a missing key: only NOT_EQUAL holds.
        Arguments.of(value("missing", eq, utf8("")), false),
        Arguments.of(value("missing", eq, utf8("m")), false),
        Arguments.of(value("missing", ne, utf8("")), true),
        Arguments.of(value("missing", ne, utf8("m")), true),
        Arguments.of(value("missing", gt, utf8("")), false),
        Arguments.of(value("missing", lt, utf8("zzz")), false),
        // VERSION
        Arguments.of(number("k", Compare.Target.VERSION, eq, 2), true),
        Arguments.of(number("k", Compare.Target.VERSION, eq, 1), false),
        Arguments.of(number("k", Compare.Target.VERSION, ne, 2), false),
        Arguments.of(number("k", Compare.Target.VERSION, ne, 1), true),
        Arguments.of(number("k", Compare.Target.VERSION, gt, 1), true),
        Arguments.of(number("k", Compare.Target.VERSION, gt, 2), false),
        Arguments.of(number("k", Compare.Target.VERSION, lt, 3), true),
        Arguments.of(number("k", Compare.Target.VERSION, lt, 2), false),
        Arguments.of(number("missing", Compare.Target.VERSION, eq, 0), true),
        Arguments.of(number("missing", Compare.Target.VERSION, gt, 0), false),
        Arguments.of(number("missing", Compare.Target.VERSION, lt, 1), true),
        // CREATE_REVISION
        Arguments.of(number("k", Compare.Target.CREATE_REVISION, eq, 2), true),
        Arguments.of(number("k", Compare.Target.CREATE_REVISION, eq, 4), false),
        Arguments.of(number("k", Compare.Target.CREATE_REVISION, ne, 4), true),
        Arguments.of(number("k", Compare.Target.CREATE_REVISION, gt, 1), true),
        Arguments.of(number("k", Compare.Target.CREATE_REVISION, gt, 2), false),
        Arguments.of(number("k", Compare.Target.CREATE_REVISION, lt, 3), true),
        Arguments.of(number("k", Compare.Target.CREATE_REVISION, lt, 2), false),
        Arguments.of(number("missing", Compare.Target.CREATE_REVISION, eq, 0), true),
        Arguments.of(number("missing", Compare.Target.CREATE_REVISION, ne, 0), false),
        // MOD_REVISION
        Arguments.of(number("k", Compare.Target.MOD_REVISION, eq, 4), true),
        Arguments.of(number("k", Compare.Target.MOD_REVISION, eq, 2), false),
        Arguments.of(number("k", Compare.Target.MOD_REVISION, ne, 2), true),
        Arguments.of(number("k", Compare.Target.MOD_REVISION, ne, 4), false),
        Arguments.of(number("k", Compare.Target.MOD_REVISION, gt, 3), true),
        Arguments.of(number("k", Compare.Target.MOD_REVISION, gt, 4), false),
        Arguments.of(number("k", Compare.Target.MOD_REVISION, lt, 5), true),
        Arguments.of(number("k", Compare.Target.MOD_REVISION, lt, 4), false),
        Arguments.of(number("missing", Compare.Target.MOD_REVISION, eq, 0), true),
        Arguments.of(number("missing", Compare.Target.MOD_REVISION, gt, 0), false),
        Arguments.of(number("missing", Compare.Target.MOD_REVISION, lt, 1), true),
        // EXISTS
        Arguments.of(exists("t", "k", true, eq), true),
        Arguments.of(exists("t", "k", false, eq), false),
        Arguments.of(exists("t", "k", true, ne), false),
        Arguments.of(exists("t", "k", false, ne), true),
        Arguments.of(exists("t", "missing", true, eq), false),
        Arguments.of(exists("t", "missing", false, eq), true),
        Arguments.of(exists("t", "missing", true, ne), true),
        Arguments.of(exists("t", "missing", false, ne), false));
  }

  @ParameterizedTest
  @MethodSource("compares")
  void compareSelectsBranch(Compare compare, boolean holds) {
    compareFixture();
    long before = store.revision();

    ApplyOutcome out =
        apply(
            txn(
                List.of(compare),
                List.of(putOp("t", "out", "success")),
                List.of(putOp("t", "out", "failure"), putOp("t", "out2", "failure"))));

    assertThat(out.result().getTxn().getSucceeded()).isEqualTo(holds);
    assertThat(out.result().getTxn().getResultsCount()).isEqualTo(holds ? 1 : 2);
    assertThat(get("t", "out").getValue().toStringUtf8()).isEqualTo(holds ? "success" : "failure");
    assertThat(out.revision()).isEqualTo(before + 1);
  }

  /** A range compare holds when it holds for every key of the range, and for an empty range. */
  @Test
  void aRangeCompareMustHoldForEveryKeyInTheRange() {
    compareFixture(); // k: mod 4, x: mod 3
    Compare unchangedSince4 =
        number("a", Compare.Target.MOD_REVISION, Compare.Result.LESS, 5).toBuilder()
            .setRangeEnd(bs("z"))
            .build();
    Compare unchangedSince3 =
        number("a", Compare.Target.MOD_REVISION, Compare.Result.LESS, 4).toBuilder()
            .setRangeEnd(bs("z"))
            .build();
    Compare emptyRange =
        number("y", Compare.Target.MOD_REVISION, Compare.Result.LESS, 1).toBuilder()
            .setRangeEnd(bs("\0"))
            .build();
    assertThat(
            apply(txn(List.of(unchangedSince4, emptyRange), List.of()))
                .result()
                .getTxn()
                .getSucceeded())
        .isTrue();
    assertThat(apply(txn(List.of(unchangedSince3), List.of())).result().getTxn().getSucceeded())
        .isFalse();
    // A key that appears in the range after the read fails it too.
    apply(put("t", "m", "new")); // 5
    assertThat(apply(txn(List.of(unchangedSince4), List.of())).result().getTxn().getSucceeded())
        .isFalse();
  }

  @Test
  void everyCompareMustHoldForTheSuccessBranch() {
    compareFixture();

    ApplyOutcome out =
        apply(
            txn(
                List.of(
                    number("k", Compare.Target.VERSION, Compare.Result.EQUAL, 2),
                    number("k", Compare.Target.MOD_REVISION, Compare.Result.EQUAL, 99),
                    exists("t", "k", true, Compare.Result.EQUAL)),
                List.of(putOp("t", "s", "1")),
                List.of(putOp("t", "f", "1"))));

    assertThat(out.result().getTxn().getSucceeded()).isFalse();
    try (ReadView v = store.read()) {
      assertThat(v.get("t", utf8("s"))).isEmpty();
      assertThat(v.get("t", utf8("f"))).isPresent();
    }

    ApplyOutcome ok =
        apply(
            txn(
                List.of(
                    number("k", Compare.Target.VERSION, Compare.Result.EQUAL, 2),
                    value("k", Compare.Result.EQUAL, utf8("m"))),
                List.of(putOp("t", "s", "1")),
                List.of(putOp("t", "f", "2"))));
    assertThat(ok.result().getTxn().getSucceeded()).isTrue();
    assertThat(get("t", "s").getValue().toStringUtf8()).isEqualTo("1");
    assertThat(get("t", "f").getValue().toStringUtf8()).isEqualTo("1");
  }

  @Test
  void comparesSeeTheStateBeforeAnyOp() {
    compareFixture();

    // The success branch changes k, but compares were evaluated before: the result is as of before.
    ApplyOutcome out =
        apply(
            txn(
                List.of(value("k", Compare.Result.EQUAL, utf8("m"))),
                List.of(putOp("t", "k", "changed"))));
    assertThat(out.result().getTxn().getSucceeded()).isTrue();
    assertThat(get("t", "k").getValue().toStringUtf8()).isEqualTo("changed");
  }

  // ---- sensitive tables ----

  private static LogEntry createSensitive(String name) {
    return entry(
        LogEntry.newBuilder()
            .setCreateTable(CreateTable.newBuilder().setName(name).setSensitive(true)));
  }

  private static Op sealedPut(String table, String key, String value) {
    return Op.newBuilder()
        .setPut(rawPut(table, utf8(key), value).toBuilder().setSealed(true))
        .build();
  }

  @Test
  void aSensitiveTableTakesOnlySealedPutsAndATableThatIsNotOnlyPlainOnes() {
    ApplyOutcome created = apply(createSensitive("t"));
    assertThat(created.result().getTable().getTable().getSensitive()).isTrue();
    apply(createTable("u"));
    String before = dump(store);

    ApplyOutcome plain = apply(txn(List.of(), List.of(putOp("u", "a", "1"), putOp("t", "k", "v"))));
    assertThat(plain.result().getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.number());
    assertThat(plain.result().getError().getField()).isEqualTo("txn.success[1].put.value");
    ApplyOutcome sealedToPlain = apply(txn(List.of(), List.of(sealedPut("u", "a", "1"))));
    assertThat(sealedToPlain.result().getError().getField()).isEqualTo("txn.success[0].put.value");
    assertThat(dump(store)).isEqualTo(before);

    ApplyOutcome ok =
        apply(txn(List.of(), List.of(sealedPut("t", "k", "v"), putOp("u", "a", "1"))));
    assertThat(ok.result().hasError()).isFalse();
    assertThat(get("t", "k").getValue().toStringUtf8()).isEqualTo("v");
  }

  @Test
  void aValueCompareOnASensitiveTableIsRefusedNamingIt() {
    apply(createSensitive("t"));
    apply(txn(List.of(), List.of(sealedPut("t", "k", "v"))));
    String before = dump(store);

    ApplyOutcome out =
        apply(
            txn(
                List.of(
                    number("k", Compare.Target.VERSION, Compare.Result.EQUAL, 1),
                    value("k", Compare.Result.EQUAL, utf8("v"))),
                List.of(sealedPut("t", "k", "w"))));

    assertThat(out.result().getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.number());
    assertThat(out.result().getError().getField()).isEqualTo("txn.compare[1].target");
    assertThat(dump(store)).isEqualTo(before);
  }

  @Test
  void aGrantIsKeptUntilItsMemberPublishesThatItHoldsTheKey() {
    apply(
        entry(
            LogEntry.newBuilder()
                .setPublishPeerKey(
                    PublishPeerKey.newBuilder()
                        .setMemberId("p2")
                        .setPublicKey(bs("pk"))
                        .setWantsSystemKey(true)
                        .setJoining(true))));
    apply(
        entry(
            LogEntry.newBuilder()
                .setGrantSystemKey(
                    GrantSystemKey.newBuilder().setMemberId("p2").setWrappedKey(bs("wrapped")))));
    assertThat(rowsOf(TableNames.CLUSTER)).containsExactly("keygrant/p2", "peerkey/p2");

    apply(
        entry(
            LogEntry.newBuilder()
                .setPublishPeerKey(
                    PublishPeerKey.newBuilder().setMemberId("p2").setPublicKey(bs("pk")))));
    assertThat(rowsOf(TableNames.CLUSTER)).containsExactly("peerkey/p2");
  }

  private List<String> rowsOf(String table) {
    try (ReadView v = store.read()) {
      return rows(v, table).stream().map(r -> r.substring(0, r.indexOf('='))).toList();
    }
  }

  // ---- transactions ----

  @Test
  void multiOpTxnIsOneRevisionWithEventsInOpOrder() {
    apply(createTable("t"));
    apply(createTable("u"));
    apply(put("t", "c", "old"));

    ApplyOutcome out =
        apply(
            txn(
                List.of(),
                List.of(
                    putOp("t", "z", "1"),
                    putOp("u", "a", "2"),
                    deleteOp("t", "c", ""),
                    putOp("t", "b", "3"))));

    assertThat(out.revision()).isEqualTo(4);
    assertThat(store.revision()).isEqualTo(4);
    assertThat(out.events())
        .extracting(Event::getType, Event::getTable, e -> e.getKv().getKey().toStringUtf8())
        .containsExactly(
            tuple(Event.Type.PUT, "t", "z"),
            tuple(Event.Type.PUT, "u", "a"),
            tuple(Event.Type.DELETE, "t", "c"),
            tuple(Event.Type.PUT, "t", "b"));
    assertThat(out.events()).allMatch(e -> e.getKv().getModRevision() == 4);
    assertThat(out.result().getTxn().getResultsList())
        .extracting(OpResult::getResultCase)
        .containsExactly(
            OpResult.ResultCase.PUT,
            OpResult.ResultCase.PUT,
            OpResult.ResultCase.DELETE,
            OpResult.ResultCase.PUT);
    assertThat(get("t", "z").getModRevision()).isEqualTo(4);
    assertThat(get("u", "a").getModRevision()).isEqualTo(4);
    assertThat(get("t", "b").getModRevision()).isEqualTo(4);
    try (ReadView v = store.read()) {
      assertThat(v.historyAtOrAfter(4).orElseThrow().revision()).isEqualTo(4);
      assertThat(v.historyAtOrAfter(4).orElseThrow().record().getEventsList())
          .isEqualTo(out.events());
      assertThat(v.historyAtOrAfter(5)).isEmpty();
    }
  }

  @Test
  void rangeOpInTxnSeesTheTxnsEarlierPutsButNotLaterOnes() {
    apply(createTable("t"));
    apply(put("t", "p/0", "old"));

    ApplyOutcome out =
        apply(
            txn(
                List.of(),
                List.of(
                    rangeOp("t", "p/", "p0"),
                    putOp("t", "p/1", "new"),
                    putOp("t", "p/0", "newer"),
                    rangeOp("t", "p/", "p0"),
                    rangeOp("t", "p/1", ""))));

    List<OpResult> results = out.result().getTxn().getResultsList();
    RangeResult first = results.get(0).getRange();
    assertThat(first.getCount()).isEqualTo(1);
    assertThat(first.getKvsList())
        .extracting(kv -> kv.getKey().toStringUtf8() + "=" + kv.getValue().toStringUtf8())
        .containsExactly("p/0=old");
    RangeResult second = results.get(3).getRange();
    assertThat(second.getCount()).isEqualTo(2);
    assertThat(second.getKvsList())
        .extracting(kv -> kv.getKey().toStringUtf8() + "=" + kv.getValue().toStringUtf8())
        .containsExactly("p/0=newer", "p/1=new");
    assertThat(second.getKvs(1).getModRevision()).isEqualTo(3);
    assertThat(second.getKvs(1).getCreateRevision()).isEqualTo(3);
    assertThat(second.getKvs(0).getVersion()).isEqualTo(2);
    RangeResult single = results.get(4).getRange();
    assertThat(single.getKvsList())
        .extracting(kv -> kv.getValue().toStringUtf8())
        .containsExactly("new");
    assertThat(out.revision()).isEqualTo(3);
  }

  @Test
  void txnWithFailedCompareAndEmptyFailureBranchDoesNotBumpRevision() {
    apply(createTable("t"));
    apply(put("t", "k", "v"));
    String before = dump(store);

    ApplyOutcome out =
        apply(
            txn(
                List.of(exists("t", "k", false, Compare.Result.EQUAL)),
                List.of(putOp("t", "k", "w"))));

    assertThat(out.result().hasTxn()).isTrue();
    assertThat(out.result().getTxn().getSucceeded()).isFalse();
    assertThat(out.result().getTxn().getResultsList()).isEmpty();
    assertThat(out.revision()).isEqualTo(2);
    assertThat(out.result().getRevision()).isEqualTo(2);
    assertThat(out.events()).isEmpty();
    assertThat(dump(store)).isEqualTo(before);
  }

  @Test
  void readOnlyTxnDoesNotBumpRevision() {
    apply(createTable("t"));
    apply(put("t", "k", "v"));
    String before = dump(store);

    ApplyOutcome out =
        apply(txn(List.of(), List.of(rangeOp("t", "k", ""), rangeOp("t", "", "\0"))));

    assertThat(out.result().getTxn().getSucceeded()).isTrue();
    assertThat(out.result().getTxn().getResults(0).getRange().getKvsCount()).isEqualTo(1);
    assertThat(out.result().getTxn().getResults(1).getRange().getCount()).isEqualTo(1);
    assertThat(out.revision()).isEqualTo(2);
    assertThat(out.result().getRevision()).isEqualTo(2);
    assertThat(out.events()).isEmpty();
    assertThat(dump(store)).isEqualTo(before);
  }

  @Test
  void rangeOpHonoursLimitAndCountOnly() {
    apply(createTable("t"));
    apply(
        txn(List.of(), List.of(putOp("t", "a", "1"), putOp("t", "b", "2"), putOp("t", "c", "3"))));

    ApplyOutcome out =
        apply(
            txn(
                List.of(),
                List.of(
                    Op.newBuilder()
                        .setRange(
                            Range.newBuilder()
                                .setTable("t")
                                .setKey(bs(""))
                                .setRangeEnd(bs("\0"))
                                .setLimit(2))
                        .build(),
                    Op.newBuilder()
                        .setRange(
                            Range.newBuilder()
                                .setTable("t")
                                .setKey(bs("a"))
                                .setRangeEnd(bs("c"))
                                .setCountOnly(true))
                        .build())));

    RangeResult limited = out.result().getTxn().getResults(0).getRange();
    assertThat(limited.getKvsList())
        .extracting(kv -> kv.getKey().toStringUtf8())
        .containsExactly("a", "b");
    assertThat(limited.getMore()).isTrue();
    assertThat(limited.getCount()).isEqualTo(3);
    RangeResult counted = out.result().getTxn().getResults(1).getRange();
    assertThat(counted.getKvsList()).isEmpty();
    assertThat(counted.getCount()).isEqualTo(2);
  }

  @Test
  void revisionBookkeepingAcrossASequence() {
    record Step(LogEntry entry, long expectedRevision) {}
    List<Step> steps =
        List.of(
            new Step(createTable("t"), 1),
            new Step(put("t", "a", "1"), 2),
            new Step(put("t", "a", "2"), 3),
            new Step(put("nope", "a", "1"), 3), // unknown table
            new Step(delete("t", "missing", ""), 3), // deletes nothing
            new Step(createTable("t"), 3), // table exists
            new Step(txn(List.of(), List.of(rangeOp("t", "a", ""))), 3), // read only
            new Step(createTable("u"), 4),
            new Step(txn(List.of(), List.of(putOp("t", "b", "1"), putOp("u", "b", "1"))), 5),
            new Step(delete("t", "a", ""), 6),
            new Step(dropTable("u"), 7),
            new Step(dropTable("u"), 7),
            new Step(put("t", "a", "again"), 8));

    for (Step s : steps) {
      ApplyOutcome out = apply(s.entry());
      assertThat(out.revision()).as("%s", s.entry()).isEqualTo(s.expectedRevision());
      assertThat(out.result().getRevision()).isEqualTo(s.expectedRevision());
      assertThat(store.revision()).isEqualTo(s.expectedRevision());
    }
    // A key re-created after its deletion starts over.
    KeyValue a = get("t", "a");
    assertThat(a.getCreateRevision()).isEqualTo(8);
    assertThat(a.getVersion()).isEqualTo(1);
  }

  // ---- watch history ----

  @Test
  void historyRetainsOneRecordPerChangingRevision() {
    apply(createTable("t"));
    List<ApplyOutcome> outs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      outs.add(apply(put("t", "k" + i, "v" + i)));
    }

    try (ReadView v = store.read()) {
      assertThat(v.historyOldest()).isEqualTo(1);
      long bytes = 0;
      // Revision 1 (create table) has no events, hence no record.
      assertThat(v.historyAtOrAfter(0).orElseThrow().revision()).isEqualTo(2);
      for (ApplyOutcome o : outs) {
        StateReader.HistoryEntry h = v.historyAtOrAfter(o.revision()).orElseThrow();
        assertThat(h.revision()).isEqualTo(o.revision());
        assertThat(h.record())
            .isEqualTo(HistoryRecord.newBuilder().addAllEvents(o.events()).build());
        assertThat(h.size()).isEqualTo(h.record().getSerializedSize());
        bytes += h.size();
      }
      assertThat(v.historyBytes()).isEqualTo(bytes);
    }
  }

  @Test
  void historyOldestAdvancesWhenMaxRevisionsIsExceeded() {
    applier = new Applier(new HistoryPolicy(3, 1 << 20));
    apply(createTable("t")); // 1
    for (int i = 2; i <= 6; i++) {
      apply(put("t", "k", "v" + i));
    }

    try (ReadView v = store.read()) {
      assertThat(v.revision()).isEqualTo(6);
      assertThat(v.historyOldest()).isEqualTo(4);
      assertThat(retainedRevisions(v)).containsExactly(4L, 5L, 6L);
      long bytes = 0;
      for (long r = 4; r <= 6; r++) {
        bytes += v.historyAtOrAfter(r).orElseThrow().size();
      }
      assertThat(v.historyBytes()).isEqualTo(bytes);
    }

    // A revision without events still moves the window.
    apply(createTable("u")); // 7
    try (ReadView v = store.read()) {
      assertThat(v.historyOldest()).isEqualTo(5);
      assertThat(retainedRevisions(v)).containsExactly(5L, 6L);
    }
  }

  @Test
  void historyOldestAdvancesWhenMaxBytesIsExceeded() {
    apply(createTable("t")); // 1
    apply(put("t", "k", "0123456789")); // 2
    long recordSize;
    try (ReadView v = store.read()) {
      recordSize = v.historyBytes();
    }
    assertThat(recordSize).isPositive();
    // Room for two records of this size, not three.
    applier = new Applier(new HistoryPolicy(1_000, recordSize * 2 + recordSize / 2));
    apply(put("t", "k", "1123456789")); // 3
    try (ReadView v = store.read()) {
      assertThat(v.historyOldest()).isEqualTo(1);
      assertThat(retainedRevisions(v)).containsExactly(2L, 3L);
    }

    apply(put("t", "k", "2123456789")); // 4
    try (ReadView v = store.read()) {
      assertThat(v.historyOldest()).isEqualTo(3);
      assertThat(retainedRevisions(v)).containsExactly(3L, 4L);
      assertThat(v.historyBytes()).isEqualTo(recordSize * 2);
    }

    apply(put("t", "k", "3123456789")); // 5
    apply(put("t", "k", "4123456789")); // 6
    try (ReadView v = store.read()) {
      assertThat(v.historyOldest()).isEqualTo(5);
      assertThat(retainedRevisions(v)).containsExactly(5L, 6L);
      assertThat(v.historyBytes()).isEqualTo(recordSize * 2);
    }
  }

  @Test
  void newestHistoryRecordIsKeptEvenWhenItAloneExceedsMaxBytes() {
    applier = new Applier(new HistoryPolicy(1_000, 1));
    apply(createTable("t")); // 1
    apply(put("t", "a", "value")); // 2
    try (ReadView v = store.read()) {
      assertThat(retainedRevisions(v)).containsExactly(2L);
      assertThat(v.historyBytes()).isEqualTo(v.historyAtOrAfter(2).orElseThrow().size());
      assertThat(v.historyBytes()).isGreaterThan(1);
    }

    ApplyOutcome out = apply(put("t", "b", "value")); // 3
    try (ReadView v = store.read()) {
      assertThat(retainedRevisions(v)).containsExactly(3L);
      assertThat(v.historyOldest()).isEqualTo(3);
      assertThat(v.historyAtOrAfter(0).orElseThrow().record().getEventsList())
          .isEqualTo(out.events());
      assertThat(v.historyBytes()).isEqualTo(v.historyAtOrAfter(3).orElseThrow().size());
    }
  }

  // ---- determinism ----

  @Test
  void sameEntriesOnTwoFreshStoresGiveIdenticalResultsAndBytes() throws IOException {
    List<LogEntry> entries =
        List.of(
            createTable("t"),
            createTable("u"),
            put("t", "a", "1"),
            put("t", "b", "2"),
            txn(
                List.of(value("a", Compare.Result.EQUAL, utf8("1"))),
                List.of(putOp("t", "a", "10"), putOp("u", "x", "y"), rangeOp("t", "", "\0")),
                List.of(putOp("t", "a", "fail"))),
            put("nope", "a", "1"),
            createTable("t"),
            delete("t", "b", ""),
            delete("t", "b", ""),
            txn(List.of(), List.of(putOp("t", "c/1", "1"), putOp("t", "c/2", "2"))),
            delete("t", "c/", "c0"),
            put("u", "x", "z"),
            dropTable("u"),
            createTable("u"),
            put("u", "x", "w"));
    HistoryPolicy policy = new HistoryPolicy(4, 1 << 20);

    List<ApplyResult> first = new ArrayList<>();
    List<ApplyResult> second = new ArrayList<>();
    String dumpFirst;
    String dumpSecond;
    try (StateStore a = StateStore.open(dir.resolve("a"), false);
        StateStore b = StateStore.open(dir.resolve("b"), false)) {
      Applier applierA = new Applier(policy);
      Applier applierB = new Applier(policy);
      for (LogEntry e : entries) {
        first.add(apply(a, applierA, e).result());
      }
      for (LogEntry e : entries) {
        second.add(apply(b, applierB, e).result());
      }
      dumpFirst = dump(a);
      dumpSecond = dump(b);
    }

    assertThat(second).isEqualTo(first);
    for (int i = 0; i < first.size(); i++) {
      assertThat(second.get(i).toByteArray()).isEqualTo(first.get(i).toByteArray());
    }
    assertThat(dumpSecond).isEqualTo(dumpFirst);
    assertThat(dumpFirst).contains("revision=12");
  }

  @Test
  void clusterRecordsGoToTheReservedTableAndANewJoinRequestClearsARefusal() {
    apply(
        entry(
            LogEntry.newBuilder()
                .setSetClusterSettings(
                    org.clusterdb.proto.log.v1.SetClusterSettings.newBuilder()
                        .setSettings(
                            org.clusterdb.proto.log.v1.ClusteringSettings.newBuilder()
                                .setName("c.example.com")))));
    apply(
        entry(
            LogEntry.newBuilder()
                .setJoinRequest(
                    org.clusterdb.proto.log.v1.JoinRequest.newBuilder().setMemberId("p2"))));
    ApplyOutcome refused =
        apply(
            entry(
                LogEntry.newBuilder()
                    .setRefuseJoin(
                        org.clusterdb.proto.log.v1.RefuseJoin.newBuilder()
                            .setMemberId("p2")
                            .setField("address"))));
    assertThat(refused.revision()).isEqualTo(3);
    try (ReadView v = store.read()) {
      assertThat(rows(v, TableNames.CLUSTER)).hasSize(3);
    }
    ApplyOutcome again =
        apply(
            entry(
                LogEntry.newBuilder()
                    .setJoinRequest(
                        org.clusterdb.proto.log.v1.JoinRequest.newBuilder().setMemberId("p2"))));
    // One revision: the request replaced, the refusal deleted.
    assertThat(again.revision()).isEqualTo(4);
    assertThat(again.events()).hasSize(2);
    try (ReadView v = store.read()) {
      assertThat(v.get(TableNames.CLUSTER, utf8("refused/p2"))).isEmpty();
      assertThat(v.get(TableNames.CLUSTER, utf8("join/p2"))).isPresent();
      assertThat(v.get(TableNames.CLUSTER, utf8("settings"))).isPresent();
    }
  }

  // ---- helpers ----

  // ---- batches ----

  @Test
  void aBatchAppliesLikeItsEntriesOneByOne() throws IOException {
    List<LogEntry> entries =
        List.of(
            createTable("t"),
            put("t", "a", "1"),
            put("missing", "x", "y"),
            put("t", "a", "2"),
            put("t", "b", "3"),
            createTable("t"));
    List<ApplyOutcome> single = new java.util.ArrayList<>();
    for (LogEntry e : entries) {
      single.add(apply(e));
    }
    try (StateStore other = StateStore.open(dir.resolve("batched"), false)) {
      List<ApplyOutcome> batched;
      try (WriteView w = other.write()) {
        batched =
            applier.applyBatch(
                org.clusterdb.proto.log.v1.Batch.newBuilder().addAllEntries(entries).build(), w, 0);
        other.commit(w, null);
      }
      assertThat(batched).hasSize(entries.size());
      for (int i = 0; i < entries.size(); i++) {
        assertThat(batched.get(i).result()).as("result %d", i).isEqualTo(single.get(i).result());
        assertThat(batched.get(i).events()).as("events %d", i).isEqualTo(single.get(i).events());
      }
      try (ReadView a = store.read();
          ReadView b = other.read()) {
        assertThat(b.revision()).isEqualTo(a.revision());
        assertThat(b.historyBytes()).isEqualTo(a.historyBytes());
        assertThat(StateDigest.of(b, () -> false).orElseThrow())
            .isEqualTo(StateDigest.of(a, () -> false).orElseThrow());
      }
    }
  }

  @Test
  void aBatchInsideABatchIsRefusedAsAnEntry() {
    apply(createTable("t"));
    LogEntry inner =
        LogEntry.newBuilder()
            .setBatch(org.clusterdb.proto.log.v1.Batch.newBuilder().addEntries(put("t", "k", "v")))
            .build();
    ApplyOutcome out = apply(inner);
    assertThat(out.result().getError().getField()).isEqualTo("batch");
    assertThat(out.events()).isEmpty();
  }

  private ApplyOutcome apply(LogEntry entry) {
    return apply(store, applier, entry);
  }

  private static ApplyOutcome apply(StateStore store, Applier applier, LogEntry entry) {
    try (WriteView w = store.write()) {
      ApplyOutcome out = applier.apply(entry, w);
      store.commit(w, null);
      return out;
    }
  }

  private KeyValue get(String table, String key) {
    try (ReadView v = store.read()) {
      byte[] k = utf8(key);
      return Reader.toKeyValue(k, v.get(table, k).orElseThrow());
    }
  }

  private static List<String> rows(StateReader v, String table) {
    List<String> rows = new ArrayList<>();
    v.scan(
        table,
        new byte[0],
        null,
        (k, val) -> {
          rows.add(new String(k, StandardCharsets.UTF_8) + "=" + val.getValue().toStringUtf8());
          return true;
        });
    return rows;
  }

  private static List<Long> retainedRevisions(StateReader v) {
    List<Long> revisions = new ArrayList<>();
    long r = 0;
    while (true) {
      var h = v.historyAtOrAfter(r);
      if (h.isEmpty()) {
        return revisions;
      }
      revisions.add(h.get().revision());
      r = h.get().revision() + 1;
    }
  }

  /** Every byte of the state a reader can see, as text: meta, catalog, rows and history. */
  private static String dump(StateStore store) {
    try (ReadView v = store.read()) {
      return dump(v);
    }
  }

  private static String dump(StateReader v) {
    HexFormat hex = HexFormat.of();
    StringBuilder sb = new StringBuilder();
    sb.append("revision=").append(v.revision()).append('\n');
    sb.append("historyOldest=").append(v.historyOldest()).append('\n');
    sb.append("historyBytes=").append(v.historyBytes()).append('\n');
    v.tables()
        .forEach(
            t -> {
              sb.append("table ").append(hex.formatHex(t.toByteArray())).append('\n');
              v.scan(
                  t.getName(),
                  new byte[0],
                  null,
                  (k, val) -> {
                    sb.append("  row ")
                        .append(hex.formatHex(k))
                        .append(' ')
                        .append(hex.formatHex(val.toByteArray()))
                        .append('\n');
                    return true;
                  });
            });
    for (long r : retainedRevisions(v)) {
      sb.append("history ")
          .append(r)
          .append(' ')
          .append(hex.formatHex(v.historyAtOrAfter(r).orElseThrow().record().toByteArray()))
          .append('\n');
    }
    return sb.toString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static ByteString bs(byte[] b) {
    return ByteString.copyFrom(b);
  }

  private static LogEntry entry(LogEntry.Builder b) {
    return b.setFormatVersion(FormatVersion.FORMAT_VERSION_1).build();
  }

  static LogEntry createTable(String name) {
    return entry(LogEntry.newBuilder().setCreateTable(CreateTable.newBuilder().setName(name)));
  }

  static LogEntry dropTable(String name) {
    return entry(LogEntry.newBuilder().setDropTable(DropTable.newBuilder().setName(name)));
  }

  static LogEntry txn(List<Compare> compares, List<Op> success) {
    return txn(compares, success, List.of());
  }

  static LogEntry txn(List<Compare> compares, List<Op> success, List<Op> failure) {
    return entry(
        LogEntry.newBuilder()
            .setTxn(
                Txn.newBuilder()
                    .addAllCompares(compares)
                    .addAllSuccess(success)
                    .addAllFailure(failure)));
  }

  static LogEntry put(String table, String key, String value) {
    return txn(List.of(), List.of(putOp(table, key, value)));
  }

  static LogEntry delete(String table, String key, String end) {
    return txn(List.of(), List.of(deleteOp(table, key, end)));
  }

  private static Put rawPut(String table, byte[] key, String value) {
    return Put.newBuilder().setTable(table).setKey(bs(key)).setValue(bs(value)).build();
  }

  static Op putOp(String table, String key, String value) {
    return Op.newBuilder().setPut(rawPut(table, utf8(key), value)).build();
  }

  static Op deleteOp(String table, String key, String end) {
    return Op.newBuilder()
        .setDeleteRange(
            DeleteRange.newBuilder().setTable(table).setKey(bs(key)).setRangeEnd(bs(end)))
        .build();
  }

  static Op rangeOp(String table, String key, String end) {
    return Op.newBuilder()
        .setRange(Range.newBuilder().setTable(table).setKey(bs(key)).setRangeEnd(bs(end)))
        .build();
  }

  static Compare value(String key, Compare.Result result, byte[] operand) {
    return Compare.newBuilder()
        .setTable("t")
        .setKey(bs(key))
        .setTarget(Compare.Target.VALUE)
        .setResult(result)
        .setValue(bs(operand))
        .build();
  }

  static Compare number(String key, Compare.Target target, Compare.Result result, long n) {
    return Compare.newBuilder()
        .setTable("t")
        .setKey(bs(key))
        .setTarget(target)
        .setResult(result)
        .setNumber(n)
        .build();
  }

  static Compare exists(String table, String key, boolean exists, Compare.Result result) {
    return Compare.newBuilder()
        .setTable(table)
        .setKey(bs(key))
        .setTarget(Compare.Target.EXISTS)
        .setResult(result)
        .setExists(exists)
        .build();
  }
}
