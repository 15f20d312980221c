package org.clusterdb.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.proto.log.v1.Compare;
import org.clusterdb.proto.log.v1.CreateTable;
import org.clusterdb.proto.log.v1.DeleteRange;
import org.clusterdb.proto.log.v1.DropTable;
import org.clusterdb.proto.log.v1.Failure;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.ListTables;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.Put;
import org.clusterdb.proto.log.v1.Query;
import org.clusterdb.proto.log.v1.Range;
import org.clusterdb.proto.log.v1.Txn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class CommandValidatorTest {
  private static final int MAX_KEY = 16;
  private static final int MAX_VALUE = 32;
  private static final int MAX_OPS = 4;
  private static final int MAX_REQUEST = 1024;

  private final CommandValidator validator =
      new CommandValidator(new RequestLimits(MAX_KEY, MAX_VALUE, MAX_OPS, MAX_REQUEST));

  // ---- single ops (prefix "") ----

  static Stream<Arguments> invalidOps() {
    String maxKey = "k".repeat(MAX_KEY);
    String longKey = "k".repeat(MAX_KEY + 1);
    return Stream.of(
        // Keys.
        Arguments.of(put("t", "", "v"), ErrorCode.INVALID_ARGUMENT, "key"),
        Arguments.of(put("t", longKey, "v"), ErrorCode.LIMIT_EXCEEDED, "key"),
        Arguments.of(delete("t", "", ""), ErrorCode.INVALID_ARGUMENT, "key"),
        Arguments.of(delete("t", longKey, ""), ErrorCode.LIMIT_EXCEEDED, "key"),
        Arguments.of(delete("t", longKey, "\0"), ErrorCode.LIMIT_EXCEEDED, "key"),
        Arguments.of(delete("t", "a", longKey), ErrorCode.LIMIT_EXCEEDED, "rangeEnd"),
        Arguments.of(range("t", "", "", 0), ErrorCode.INVALID_ARGUMENT, "key"),
        Arguments.of(range("t", longKey, "", 0), ErrorCode.LIMIT_EXCEEDED, "key"),
        Arguments.of(range("t", "a", maxKey + "k", 0), ErrorCode.LIMIT_EXCEEDED, "rangeEnd"),
        // Values.
        Arguments.of(put("t", "k", "v".repeat(MAX_VALUE + 1)), ErrorCode.LIMIT_EXCEEDED, "value"),
        // Tables.
        Arguments.of(put("", "k", "v"), ErrorCode.INVALID_ARGUMENT, "table"),
        Arguments.of(put("1abc", "k", "v"), ErrorCode.INVALID_ARGUMENT, "table"),
        Arguments.of(put("_abc", "k", "v"), ErrorCode.INVALID_ARGUMENT, "table"),
        Arguments.of(put("a b", "k", "v"), ErrorCode.INVALID_ARGUMENT, "table"),
        Arguments.of(put("a/b", "k", "v"), ErrorCode.INVALID_ARGUMENT, "table"),
        Arguments.of(put("tbl$", "k", "v"), ErrorCode.INVALID_ARGUMENT, "table"),
        Arguments.of(put("täble", "k", "v"), ErrorCode.INVALID_ARGUMENT, "table"),
        Arguments.of(put("a".repeat(65), "k", "v"), ErrorCode.INVALID_ARGUMENT, "table"),
        Arguments.of(delete("9", "k", ""), ErrorCode.INVALID_ARGUMENT, "table"),
        Arguments.of(range("a:b", "k", "", 0), ErrorCode.INVALID_ARGUMENT, "table"),
        // Range ends.
        Arguments.of(delete("t", "b", "b"), ErrorCode.INVALID_ARGUMENT, "rangeEnd"),
        Arguments.of(delete("t", "b", "a"), ErrorCode.INVALID_ARGUMENT, "rangeEnd"),
        Arguments.of(delete("t", "ba", "b"), ErrorCode.INVALID_ARGUMENT, "rangeEnd"),
        Arguments.of(range("t", "b", "b", 0), ErrorCode.INVALID_ARGUMENT, "rangeEnd"),
        Arguments.of(range("t", "b", "a", 0), ErrorCode.INVALID_ARGUMENT, "rangeEnd"),
        Arguments.of(
            rangeBytes("t", new byte[] {(byte) 0x80}, new byte[] {0x7f}),
            ErrorCode.INVALID_ARGUMENT,
            "rangeEnd"),
        // Limits.
        Arguments.of(range("t", "a", "b", -1), ErrorCode.INVALID_ARGUMENT, "limit"),
        Arguments.of(range("t", "a", "", -5), ErrorCode.INVALID_ARGUMENT, "limit"),
        // No op.
        Arguments.of(Op.getDefaultInstance(), ErrorCode.INVALID_ARGUMENT, ""));
  }

  @ParameterizedTest
  @MethodSource("invalidOps")
  void invalidOpIsRejectedNamingTheField(Op op, ErrorCode code, String field) {
    Optional<Failure> f = validator.validateOp(op, "");

    assertThat(f).isPresent();
    assertThat(f.get().getCode()).isEqualTo(code.number());
    assertThat(f.get().getField()).isEqualTo(field);
    assertThat(f.get().getMessage()).startsWith(field + ": ");
  }

  static Stream<Op> validOps() {
    return Stream.of(
        put("t", "k", "v"),
        put("t", "k".repeat(MAX_KEY), "v".repeat(MAX_VALUE)),
        put("t", "k", ""),
        put("a".repeat(64), "k", "v"),
        put("A-b_c.9", "k", "v"),
        delete("t", "k", ""),
        delete("t", "a", "b"),
        delete("t", "a", "\0"),
        delete("t", "", "\0"),
        delete("t", "", "b"),
        rangeBytes("t", new byte[] {0x7f}, new byte[] {(byte) 0x80}),
        range("t", "k", "", 0),
        range("t", "a", "b", 10),
        range("t", "", "\0", 0));
  }

  @ParameterizedTest
  @MethodSource("validOps")
  void validOpPasses(Op op) {
    assertThat(validator.validateOp(op, "")).isEmpty();
    assertThat(validator.validate(txnEntry(Txn.newBuilder().addSuccess(op)))).isEmpty();
  }

  @Test
  void fieldNamesInsideATxnArePrefixed() {
    Failure f =
        validator
            .validate(
                txnEntry(
                    Txn.newBuilder()
                        .addSuccess(put("t", "a", "v"))
                        .addFailure(put("t", "a", "v"))
                        .addFailure(delete("t", "b", "a"))))
            .orElseThrow();

    assertThat(f.getField()).isEqualTo("txn.failure[1].delete_range.rangeEnd");
    assertThat(f.getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.number());

    Failure key =
        validator.validate(txnEntry(Txn.newBuilder().addSuccess(put("t", "", "v")))).orElseThrow();
    assertThat(key.getField()).isEqualTo("txn.success[0].put.key");

    Failure value =
        validator
            .validate(
                txnEntry(
                    Txn.newBuilder()
                        .addSuccess(put("t", "a", "v"))
                        .addSuccess(put("t", "b", "v".repeat(MAX_VALUE + 1)))))
            .orElseThrow();
    assertThat(value.getCode()).isEqualTo(ErrorCode.LIMIT_EXCEEDED.number());
    assertThat(value.getField()).isEqualTo("txn.success[1].put.value");

    Failure limit =
        validator
            .validate(txnEntry(Txn.newBuilder().addSuccess(range("t", "a", "b", -1))))
            .orElseThrow();
    assertThat(limit.getField()).isEqualTo("txn.success[0].range.limit");

    Failure noOp =
        validator
            .validate(txnEntry(Txn.newBuilder().addSuccess(Op.getDefaultInstance())))
            .orElseThrow();
    assertThat(noOp.getField()).isEqualTo("txn.success[0].op");
  }

  // ---- tables ----

  @ParameterizedTest
  @ValueSource(strings = {"", "1abc", "9", "-a", ".a", "a b", "a/b", "tbl$", "ünïcode"})
  void createAndDropRejectInvalidTableNames(String name) {
    for (LogEntry e : List.of(createTable(name), dropTable(name))) {
      Failure f = validator.validate(e).orElseThrow();
      assertThat(f.getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.number());
      assertThat(f.getField()).isEqualTo("name");
    }
  }

  @Test
  void tableNameOf65CharactersIsRejectedAnd64Accepted() {
    Failure f = validator.validate(createTable("a".repeat(65))).orElseThrow();
    assertThat(f.getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.number());
    assertThat(f.getField()).isEqualTo("name");

    assertThat(validator.validate(createTable("a".repeat(64)))).isEmpty();
    assertThat(validator.validate(dropTable("z".repeat(64)))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "abc", "a1", "a_b", "a.b", "a-b", "A9._-z"})
  void validTableNamesPass(String name) {
    assertThat(validator.validate(createTable(name))).isEmpty();
    assertThat(validator.validate(dropTable(name))).isEmpty();
  }

  // ---- entries ----

  @Test
  void unsupportedFormatVersionIsRejected() {
    LogEntry unspecified =
        LogEntry.newBuilder().setCreateTable(CreateTable.newBuilder().setName("t")).build();
    Failure f = validator.validate(unspecified).orElseThrow();
    assertThat(f.getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.number());
    assertThat(f.getField()).isEqualTo("format_version");

    LogEntry future =
        LogEntry.newBuilder()
            .setFormatVersionValue(2)
            .setCreateTable(CreateTable.newBuilder().setName("t"))
            .build();
    assertThat(validator.validate(future).orElseThrow().getField()).isEqualTo("format_version");

    Query query = Query.newBuilder().setListTables(ListTables.getDefaultInstance()).build();
    assertThat(validator.validate(query).orElseThrow().getField()).isEqualTo("format_version");
  }

  @Test
  void entryWithoutCommandIsRejected() {
    LogEntry empty = LogEntry.newBuilder().setFormatVersion(FormatVersion.FORMAT_VERSION_1).build();
    Failure f = validator.validate(empty).orElseThrow();
    assertThat(f.getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.number());
    assertThat(f.getField()).isEqualTo("command");
  }

  @Test
  void requestOverMaxRequestBytesIsRejected() {
    CommandValidator small = new CommandValidator(new RequestLimits(MAX_KEY, MAX_VALUE, 8, 100));
    Txn.Builder txn = Txn.newBuilder();
    for (int i = 0; i < 4; i++) {
      txn.addSuccess(put("t", "k" + i, "v".repeat(MAX_VALUE)));
    }
    LogEntry entry = txnEntry(txn);
    assertThat(entry.getSerializedSize()).isGreaterThan(100);

    Failure f = small.validate(entry).orElseThrow();

    assertThat(f.getCode()).isEqualTo(ErrorCode.LIMIT_EXCEEDED.number());
    assertThat(f.getField()).isEqualTo("request");

    // Exactly at the limit is fine.
    CommandValidator exact =
        new CommandValidator(new RequestLimits(MAX_KEY, MAX_VALUE, 8, entry.getSerializedSize()));
    assertThat(exact.validate(entry)).isEmpty();
  }

  static Stream<Arguments> tooManyOps() {
    Txn.Builder compares = Txn.newBuilder();
    Txn.Builder success = Txn.newBuilder();
    Txn.Builder failure = Txn.newBuilder();
    for (int i = 0; i <= MAX_OPS; i++) {
      compares.addCompares(exists("k" + i, true, Compare.Result.EQUAL));
      success.addSuccess(put("t", "k" + i, "v"));
      failure.addFailure(range("t", "k" + i, "", 0));
    }
    return Stream.of(
        Arguments.of(compares.build()),
        Arguments.of(success.build()),
        Arguments.of(failure.build()));
  }

  @ParameterizedTest
  @MethodSource("tooManyOps")
  void txnWithTooManyComparesOrOpsIsRejected(Txn txn) {
    Failure f = validator.validate(txnEntry(txn.toBuilder())).orElseThrow();

    assertThat(f.getCode()).isEqualTo(ErrorCode.LIMIT_EXCEEDED.number());
    assertThat(f.getField()).isEqualTo("txn");
  }

  @Test
  void txnWithExactlyMaxOpsPerBranchPasses() {
    Txn.Builder txn = Txn.newBuilder();
    for (int i = 0; i < MAX_OPS; i++) {
      txn.addCompares(exists("k" + i, true, Compare.Result.EQUAL));
      txn.addSuccess(put("t", "k" + i, "v"));
      txn.addFailure(put("t", "k" + i, "v"));
    }
    assertThat(validator.validate(txnEntry(txn))).isEmpty();
  }

  // ---- compares ----

  static Stream<Arguments> invalidCompares() {
    Compare.Builder base = Compare.newBuilder().setTable("t").setKey(bs("k"));
    return Stream.of(
        // Range compares: revisions and versions only, over a range that is not empty.
        Arguments.of(
            base.clone()
                .setTarget(Compare.Target.VALUE)
                .setResult(Compare.Result.EQUAL)
                .setValue(bs("v"))
                .setRangeEnd(bs("z"))
                .build(),
            "txn.compare[0].range_end"),
        Arguments.of(
            base.clone()
                .setTarget(Compare.Target.EXISTS)
                .setResult(Compare.Result.EQUAL)
                .setExists(true)
                .setRangeEnd(bs("\0"))
                .build(),
            "txn.compare[0].range_end"),
        Arguments.of(
            base.clone()
                .setTarget(Compare.Target.MOD_REVISION)
                .setResult(Compare.Result.LESS)
                .setNumber(5)
                .setRangeEnd(bs("a"))
                .build(),
            "txn.compare[0].range_end"),
        Arguments.of(
            base.clone().setTarget(Compare.Target.VALUE).setResult(Compare.Result.EQUAL).build(),
            "txn.compare[0].value"),
        Arguments.of(
            base.clone()
                .setTarget(Compare.Target.VALUE)
                .setResult(Compare.Result.EQUAL)
                .setNumber(1)
                .build(),
            "txn.compare[0].value"),
        Arguments.of(
            base.clone().setTarget(Compare.Target.VERSION).setResult(Compare.Result.EQUAL).build(),
            "txn.compare[0].number"),
        Arguments.of(
            base.clone()
                .setTarget(Compare.Target.CREATE_REVISION)
                .setResult(Compare.Result.LESS)
                .setValue(bs("1"))
                .build(),
            "txn.compare[0].number"),
        Arguments.of(
            base.clone()
                .setTarget(Compare.Target.MOD_REVISION)
                .setResult(Compare.Result.GREATER)
                .setExists(true)
                .build(),
            "txn.compare[0].number"),
        Arguments.of(
            base.clone().setTarget(Compare.Target.EXISTS).setResult(Compare.Result.EQUAL).build(),
            "txn.compare[0].exists"),
        Arguments.of(
            base.clone()
                .setTarget(Compare.Target.EXISTS)
                .setResult(Compare.Result.EQUAL)
                .setNumber(1)
                .build(),
            "txn.compare[0].exists"),
        Arguments.of(
            base.clone()
                .setTarget(Compare.Target.EXISTS)
                .setResult(Compare.Result.GREATER)
                .setExists(true)
                .build(),
            "txn.compare[0].result"),
        Arguments.of(
            base.clone()
                .setTarget(Compare.Target.EXISTS)
                .setResult(Compare.Result.LESS)
                .setExists(false)
                .build(),
            "txn.compare[0].result"),
        Arguments.of(
            base.clone().setTarget(Compare.Target.VERSION).setNumber(1).build(),
            "txn.compare[0].result"),
        Arguments.of(
            base.clone().setResult(Compare.Result.EQUAL).setNumber(1).build(),
            "txn.compare[0].target"),
        Arguments.of(
            base.clone()
                .setKey(ByteString.EMPTY)
                .setTarget(Compare.Target.VERSION)
                .setResult(Compare.Result.EQUAL)
                .setNumber(1)
                .build(),
            "txn.compare[0].key"),
        Arguments.of(
            base.clone()
                .setTable("0t")
                .setTarget(Compare.Target.VERSION)
                .setResult(Compare.Result.EQUAL)
                .setNumber(1)
                .build(),
            "txn.compare[0].table"));
  }

  @ParameterizedTest
  @MethodSource("invalidCompares")
  void invalidCompareIsRejectedNamingTheField(Compare compare, String field) {
    Failure f =
        validator
            .validate(
                txnEntry(Txn.newBuilder().addCompares(compare).addSuccess(put("t", "a", "v"))))
            .orElseThrow();

    assertThat(f.getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.number());
    assertThat(f.getField()).isEqualTo(field);
  }

  @Test
  void compareKeyOverMaxKeyBytesIsLimitExceeded() {
    Compare c =
        Compare.newBuilder()
            .setTable("t")
            .setKey(bs("k".repeat(MAX_KEY + 1)))
            .setTarget(Compare.Target.VERSION)
            .setResult(Compare.Result.EQUAL)
            .setNumber(0)
            .build();
    Failure f = validator.validate(txnEntry(Txn.newBuilder().addCompares(c))).orElseThrow();
    assertThat(f.getCode()).isEqualTo(ErrorCode.LIMIT_EXCEEDED.number());
    assertThat(f.getField()).isEqualTo("txn.compare[0].key");
  }

  @Test
  void wellFormedComparesOfEveryTargetPass() {
    Txn.Builder txn =
        Txn.newBuilder()
            .addCompares(
                Compare.newBuilder()
                    .setTable("t")
                    .setKey(bs("k"))
                    .setTarget(Compare.Target.VALUE)
                    .setResult(Compare.Result.LESS)
                    .setValue(ByteString.EMPTY))
            .addCompares(
                Compare.newBuilder()
                    .setTable("t")
                    .setKey(bs("k"))
                    .setTarget(Compare.Target.VERSION)
                    .setResult(Compare.Result.EQUAL)
                    .setNumber(0))
            .addCompares(exists("k", false, Compare.Result.NOT_EQUAL))
            .addCompares(
                Compare.newBuilder()
                    .setTable("t")
                    .setKey(bs("k"))
                    .setTarget(Compare.Target.MOD_REVISION)
                    .setResult(Compare.Result.GREATER)
                    .setNumber(3));
    assertThat(validator.validate(txnEntry(txn))).isEmpty();
  }

  // ---- keys written twice in one branch ----

  static Stream<Arguments> conflictingBranches() {
    return Stream.of(
        Arguments.of(List.of(put("t", "k", "1"), put("t", "k", "2"))),
        Arguments.of(List.of(put("t", "k", "1"), delete("t", "k", ""))),
        Arguments.of(List.of(delete("t", "k", ""), put("t", "k", "1"))),
        Arguments.of(List.of(put("t", "k", "1"), delete("t", "a", "z"))),
        Arguments.of(List.of(put("t", "k", "1"), delete("t", "k", "k\0"))),
        Arguments.of(List.of(put("t", "k", "1"), delete("t", "", "\0"))),
        Arguments.of(List.of(delete("t", "a", "\0"), put("t", "k", "1"))),
        Arguments.of(List.of(delete("t", "a", "z"), put("t", "k", "1"))));
  }

  @ParameterizedTest
  @MethodSource("conflictingBranches")
  void keyWrittenTwiceInOneBranchIsRejectedAtTheSecondOp(List<Op> ops) {
    Failure success =
        validator.validate(txnEntry(Txn.newBuilder().addAllSuccess(ops))).orElseThrow();
    assertThat(success.getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.number());
    assertThat(success.getField()).isEqualTo("txn.success[1]");

    Failure failure =
        validator.validate(txnEntry(Txn.newBuilder().addAllFailure(ops))).orElseThrow();
    assertThat(failure.getField()).isEqualTo("txn.failure[1]");
  }

  @Test
  void conflictIsReportedAtTheLaterOpEvenWhenNotAdjacent() {
    Failure f =
        validator
            .validate(
                txnEntry(
                    Txn.newBuilder()
                        .addSuccess(put("t", "a", "1"))
                        .addSuccess(put("t", "b", "1"))
                        .addSuccess(range("t", "a", "", 0))
                        .addSuccess(put("t", "a", "2"))))
            .orElseThrow();
    assertThat(f.getField()).isEqualTo("txn.success[3]");
  }

  static Stream<Arguments> allowedBranches() {
    return Stream.of(
        // Two overlapping deletes: the second finds nothing the first deleted.
        Arguments.of(List.of(delete("t", "a", "m"), delete("t", "c", "z"))),
        Arguments.of(List.of(delete("t", "k", ""), delete("t", "k", ""))),
        Arguments.of(List.of(delete("t", "", "\0"), delete("t", "a", "b"))),
        // Different keys, tables, or a key just outside the range.
        Arguments.of(List.of(put("t", "k", "1"), put("t", "l", "2"))),
        Arguments.of(List.of(put("t", "k", "1"), put("u", "k", "2"))),
        Arguments.of(List.of(put("t", "k", "1"), delete("u", "k", ""))),
        Arguments.of(List.of(put("t", "k", "1"), delete("t", "a", "k"))),
        Arguments.of(List.of(delete("t", "a", "k"), put("t", "k", "1"))),
        Arguments.of(List.of(put("t", "k", "1"), delete("t", "k\0", "\0"))),
        // Reads do not write.
        Arguments.of(List.of(put("t", "k", "1"), range("t", "k", "", 0))),
        Arguments.of(List.of(range("t", "k", "", 0), put("t", "k", "1"))));
  }

  @ParameterizedTest
  @MethodSource("allowedBranches")
  void branchesWithoutDoubleWritesPass(List<Op> ops) {
    assertThat(validator.validate(txnEntry(Txn.newBuilder().addAllSuccess(ops)))).isEmpty();
  }

  @Test
  void sameKeyInSuccessAndFailureBranchesPasses() {
    assertThat(
            validator.validate(
                txnEntry(
                    Txn.newBuilder()
                        .addSuccess(put("t", "k", "1"))
                        .addFailure(put("t", "k", "2")))))
        .isEmpty();
  }

  // ---- queries ----

  @Test
  void queriesAreValidatedWithoutPrefix() {
    Query bad =
        Query.newBuilder()
            .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
            .setRange(range("t", "b", "a", 0).getRange())
            .build();
    assertThat(validator.validate(bad).orElseThrow().getField()).isEqualTo("rangeEnd");

    Query none = Query.newBuilder().setFormatVersion(FormatVersion.FORMAT_VERSION_1).build();
    assertThat(validator.validate(none).orElseThrow().getField()).isEqualTo("query");

    Query list =
        Query.newBuilder()
            .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
            .setListTables(ListTables.getDefaultInstance())
            .build();
    assertThat(validator.validate(list)).isEmpty();
  }

  @Test
  void limitsMustBePositive() {
    assertThatIllegalArgumentException().isThrownBy(() -> new RequestLimits(0, 1, 1, 1));
    assertThatIllegalArgumentException().isThrownBy(() -> new RequestLimits(1, -1, 1, 1));
    assertThatIllegalArgumentException().isThrownBy(() -> new RequestLimits(1, 1, 0, 1));
    assertThatIllegalArgumentException().isThrownBy(() -> new RequestLimits(1, 1, 1, 0));
    assertThat(new RequestLimits(1, 0, 1, 1).maxValueBytes()).isZero();
  }

  // ---- helpers ----

  private static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static LogEntry createTable(String name) {
    return LogEntry.newBuilder()
        .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
        .setCreateTable(CreateTable.newBuilder().setName(name))
        .build();
  }

  private static LogEntry dropTable(String name) {
    return LogEntry.newBuilder()
        .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
        .setDropTable(DropTable.newBuilder().setName(name))
        .build();
  }

  private static LogEntry txnEntry(Txn.Builder txn) {
    return LogEntry.newBuilder()
        .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
        .setTxn(txn)
        .build();
  }

  private static Op put(String table, String key, String value) {
    return Op.newBuilder()
        .setPut(Put.newBuilder().setTable(table).setKey(bs(key)).setValue(bs(value)))
        .build();
  }

  private static Op delete(String table, String key, String end) {
    return Op.newBuilder()
        .setDeleteRange(
            DeleteRange.newBuilder().setTable(table).setKey(bs(key)).setRangeEnd(bs(end)))
        .build();
  }

  private static Op range(String table, String key, String end, long limit) {
    return Op.newBuilder()
        .setRange(
            Range.newBuilder().setTable(table).setKey(bs(key)).setRangeEnd(bs(end)).setLimit(limit))
        .build();
  }

  private static Op rangeBytes(String table, byte[] key, byte[] end) {
    return Op.newBuilder()
        .setRange(
            Range.newBuilder()
                .setTable(table)
                .setKey(ByteString.copyFrom(key))
                .setRangeEnd(ByteString.copyFrom(end)))
        .build();
  }

  private static Compare exists(String key, boolean exists, Compare.Result result) {
    return Compare.newBuilder()
        .setTable("t")
        .setKey(bs(key))
        .setTarget(Compare.Target.EXISTS)
        .setResult(result)
        .setExists(exists)
        .build();
  }

  @Test
  void aBatchOfValidCommandsIsValidAndEachEntryIsChecked() {
    LogEntry good = ApplierTest.put("t", "k", "v");
    LogEntry batch =
        LogEntry.newBuilder()
            .setFormatVersion(org.clusterdb.proto.log.v1.FormatVersion.FORMAT_VERSION_1)
            .setBatch(
                org.clusterdb.proto.log.v1.Batch.newBuilder()
                    .addEntries(good)
                    .addEntries(ApplierTest.createTable("u")))
            .build();
    assertThat(validator.validate(batch)).isEmpty();

    LogEntry badName =
        batch.toBuilder()
            .setBatch(batch.getBatch().toBuilder().addEntries(ApplierTest.createTable("bad name")))
            .build();
    assertThat(validator.validate(badName)).isPresent();

    LogEntry marker =
        batch.toBuilder()
            .setBatch(
                batch.getBatch().toBuilder()
                    .addEntries(
                        LogEntry.newBuilder()
                            .setFormatVersion(
                                org.clusterdb.proto.log.v1.FormatVersion.FORMAT_VERSION_1)
                            .setSyncCheck(
                                org.clusterdb.proto.log.v1.SyncCheck.getDefaultInstance())))
            .build();
    assertThat(validator.validate(marker).orElseThrow().getField()).isEqualTo("batch.entries[2]");

    LogEntry empty =
        batch.toBuilder().setBatch(org.clusterdb.proto.log.v1.Batch.getDefaultInstance()).build();
    assertThat(validator.validate(empty).orElseThrow().getField()).isEqualTo("batch");

    LogEntry withId =
        batch.toBuilder()
            .setRequestId(
                org.clusterdb.proto.log.v1.RequestId.newBuilder()
                    .setClientId(com.google.protobuf.ByteString.copyFromUtf8("c"))
                    .setSeq(1))
            .build();
    assertThat(validator.validate(withId).orElseThrow().getField()).isEqualTo("request_id");
  }
}
