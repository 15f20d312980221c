package org.clusterdb.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(30)
class ApiTypesTest {

  // ---- Bytes ----

  @Test
  void bytesOrderIsUnsignedLexicographic() {
    Bytes x7f = bytes(0x7f);
    Bytes x80 = bytes(0x80);
    Bytes xff = bytes(0xff);
    Bytes x00 = bytes(0x00);

    assertThat(x7f).isLessThan(x80);
    assertThat(x80).isLessThan(xff);
    assertThat(x00).isLessThan(x7f);
    assertThat(xff.compareTo(x7f)).isPositive();
    assertThat(Bytes.EMPTY).isLessThan(x00);
    // A proper prefix sorts first.
    assertThat(bytes(0x61)).isLessThan(bytes(0x61, 0x00));
    assertThat(bytes(0x61, 0xff)).isLessThan(bytes(0x62));
    assertThat(bytes(0x61, 0x80).compareTo(bytes(0x61, 0x80))).isZero();

    List<Bytes> sorted =
        Stream.of(xff, Bytes.of("b"), x80, x00, Bytes.EMPTY, x7f, Bytes.of("a")).sorted().toList();
    assertThat(sorted)
        .containsExactly(Bytes.EMPTY, x00, Bytes.of("a"), Bytes.of("b"), x7f, x80, xff);
  }

  @Test
  void bytesEqualsAndHashCodeFollowContent() {
    Bytes a = Bytes.copyOf(new byte[] {1, 2, 3});
    Bytes b = Bytes.wrap(new byte[] {1, 2, 3});
    Bytes c = Bytes.copyOf(new byte[] {1, 2, 4});

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(c);
    assertThat(a).isNotEqualTo(new byte[] {1, 2, 3});
    assertThat(a.equals(null)).isFalse();
    assertThat(Bytes.of("héllo")).isEqualTo(Bytes.copyOf("héllo".getBytes(StandardCharsets.UTF_8)));
    assertThat(Bytes.copyOf(new byte[0])).isSameAs(Bytes.EMPTY);
    assertThat(Bytes.of("")).isSameAs(Bytes.EMPTY);
    assertThat(Bytes.wrap(new byte[0])).isSameAs(Bytes.EMPTY);
    Set<Bytes> set = new HashSet<>(List.of(a, b, c));
    assertThat(set).hasSize(2);
  }

  @Test
  void copyOfIsIsolatedFromLaterArrayChanges() {
    byte[] source = {1, 2, 3};
    Bytes copy = Bytes.copyOf(source);
    source[0] = 9;
    assertThat(copy.byteAt(0)).isEqualTo((byte) 1);
    assertThat(copy).isEqualTo(Bytes.wrap(new byte[] {1, 2, 3}));

    byte[] out = copy.toByteArray();
    out[1] = 9;
    assertThat(copy.byteAt(1)).isEqualTo((byte) 2);
    assertThat(copy.size()).isEqualTo(3);
    assertThat(copy.isEmpty()).isFalse();
  }

  @Test
  void bytesToStringIsTextWhenPrintableElseHex() {
    assertThat(Bytes.of("zones/eu-1")).hasToString("zones/eu-1");
    assertThat(Bytes.of("~ !")).hasToString("~ !");
    assertThat(bytes(0x61, 0x00)).hasToString("0x6100");
    assertThat(bytes(0x7f)).hasToString("0x7f");
    assertThat(bytes(0x1f, 0x20)).hasToString("0x1f20");
    assertThat(bytes(0x80, 0xff)).hasToString("0x80ff");
    assertThat(Bytes.of("é")).hasToString("0xc3a9");
    assertThat(Bytes.EMPTY).hasToString("");
  }

  @Test
  void bytesStartsWithConcatAndUtf8() {
    Bytes ab = Bytes.of("ab");
    assertThat(ab.startsWith(Bytes.of("a"))).isTrue();
    assertThat(ab.startsWith(Bytes.EMPTY)).isTrue();
    assertThat(ab.startsWith(ab)).isTrue();
    assertThat(ab.startsWith(Bytes.of("abc"))).isFalse();
    assertThat(ab.startsWith(Bytes.of("b"))).isFalse();
    assertThat(ab.concat(Bytes.of("c"))).isEqualTo(Bytes.of("abc"));
    assertThat(ab.concat(Bytes.EMPTY)).isSameAs(ab);
    assertThat(Bytes.of("héllo").toStringUtf8()).isEqualTo("héllo");
  }

  // ---- KeyRange ----

  static Stream<Arguments> prefixEnds() {
    return Stream.of(
        Arguments.of(Bytes.of("a/"), Bytes.of("a0")),
        Arguments.of(Bytes.of("a"), Bytes.of("b")),
        Arguments.of(bytes(0x61, 0xff), bytes(0x62)),
        Arguments.of(bytes(0x61, 0xff, 0xff), bytes(0x62)),
        Arguments.of(bytes(0x61, 0xfe, 0xff), bytes(0x61, 0xff)),
        Arguments.of(bytes(0x7f), bytes(0x80)),
        Arguments.of(bytes(0x00), bytes(0x01)));
  }

  @ParameterizedTest
  @MethodSource("prefixEnds")
  void prefixEndIsTheSmallestKeyAfterThePrefix(Bytes prefix, Bytes end) {
    KeyRange r = KeyRange.prefix(prefix);

    assertThat(r.start()).isEqualTo(prefix);
    assertThat(r.end()).isEqualTo(end);
    assertThat(KeyRange.prefixEnd(prefix)).isEqualTo(end);
    assertThat(r.isSingleKey()).isFalse();
    assertThat(r.isUnbounded()).isFalse();
    assertThat(r.contains(prefix)).isTrue();
    assertThat(r.contains(prefix.concat(bytes(0xff, 0xff)))).isTrue();
    assertThat(r.contains(end)).isFalse();
  }

  @Test
  void prefixOfOnlyFfBytesIsUnbounded() {
    KeyRange r = KeyRange.prefix(bytes(0xff, 0xff));

    assertThat(r.isUnbounded()).isTrue();
    assertThat(r.end()).isEqualTo(bytes(0x00));
    assertThat(r.contains(bytes(0xff, 0xff))).isTrue();
    assertThat(r.contains(bytes(0xff, 0xff, 0xff, 0xff))).isTrue();
    assertThat(r.contains(bytes(0xff))).isFalse();
  }

  @Test
  void emptyPrefixIsTheWholeTable() {
    assertThat(KeyRange.prefix(Bytes.EMPTY)).isEqualTo(KeyRange.all());
    assertThat(KeyRange.prefix("")).isEqualTo(KeyRange.all());
    KeyRange all = KeyRange.all();
    assertThat(all.isUnbounded()).isTrue();
    assertThat(all.contains(bytes(0x00))).isTrue();
    assertThat(all.contains(bytes(0xff, 0xff))).isTrue();
  }

  @Test
  void containsFollowsTheRangeEncoding() {
    KeyRange single = KeyRange.key("k");
    assertThat(single.isSingleKey()).isTrue();
    assertThat(single.contains(Bytes.of("k"))).isTrue();
    assertThat(single.contains(Bytes.of("k0"))).isFalse();
    assertThat(single.contains(Bytes.of("j"))).isFalse();

    KeyRange between = KeyRange.between(Bytes.of("b"), Bytes.of("d"));
    assertThat(between.contains(Bytes.of("a"))).isFalse();
    assertThat(between.contains(Bytes.of("b"))).isTrue();
    assertThat(between.contains(Bytes.of("c\u007f"))).isTrue();
    assertThat(between.contains(Bytes.of("d"))).isFalse();

    KeyRange from = KeyRange.from(bytes(0x7f));
    assertThat(from.isUnbounded()).isTrue();
    assertThat(from.contains(bytes(0x7e))).isFalse();
    assertThat(from.contains(bytes(0x7f))).isTrue();
    assertThat(from.contains(bytes(0x80))).isTrue();
    assertThat(from.contains(bytes(0xff, 0xff))).isTrue();

    // Unsigned: 0x80 is after 0x7f, so it is outside [0x00, 0x80).
    KeyRange low = KeyRange.between(bytes(0x00), bytes(0x80));
    assertThat(low.contains(bytes(0x7f, 0xff))).isTrue();
    assertThat(low.contains(bytes(0x80))).isFalse();
    assertThat(low.contains(bytes(0xff))).isFalse();
  }

  @Test
  void keyRangeToString() {
    assertThat(KeyRange.key("k")).hasToString("key(k)");
    assertThat(KeyRange.prefix("a")).hasToString("[a, b)");
    assertThat(KeyRange.from(Bytes.of("a"))).hasToString("[a, +inf)");
  }

  // ---- Compare ----

  @Test
  void compareFactoriesBuildTheirTargetAndOperator() {
    Bytes k = Bytes.of("k");
    Compare exists = Compare.exists("t", k);
    assertThat(exists.target()).isEqualTo(Compare.Target.EXISTS);
    assertThat(exists.operator()).isEqualTo(Compare.Operator.EQUAL);
    assertThat(exists.number()).isEqualTo(1);
    assertThat(exists.value()).isNull();
    Compare absent = Compare.absent("t", k);
    assertThat(absent.target()).isEqualTo(Compare.Target.EXISTS);
    assertThat(absent.number()).isZero();

    Compare v = Compare.value("t", k).greaterThan(Bytes.of("x"));
    assertThat(v.target()).isEqualTo(Compare.Target.VALUE);
    assertThat(v.operator()).isEqualTo(Compare.Operator.GREATER);
    assertThat(v.value()).isEqualTo(Bytes.of("x"));
    assertThat(Compare.value("t", k).equalTo(Bytes.EMPTY).operator())
        .isEqualTo(Compare.Operator.EQUAL);
    assertThat(Compare.value("t", k).notEqualTo(Bytes.EMPTY).operator())
        .isEqualTo(Compare.Operator.NOT_EQUAL);
    assertThat(Compare.value("t", k).lessThan(Bytes.EMPTY).operator())
        .isEqualTo(Compare.Operator.LESS);

    Compare ver = Compare.version("t", k).equalTo(3);
    assertThat(ver.target()).isEqualTo(Compare.Target.VERSION);
    assertThat(ver.number()).isEqualTo(3);
    assertThat(ver.value()).isNull();
    assertThat(Compare.createRevision("t", k).lessThan(5).target())
        .isEqualTo(Compare.Target.CREATE_REVISION);
    assertThat(Compare.createRevision("t", k).lessThan(5).operator())
        .isEqualTo(Compare.Operator.LESS);
    assertThat(Compare.modRevision("t", k).notEqualTo(7).target())
        .isEqualTo(Compare.Target.MOD_REVISION);
    assertThat(Compare.modRevision("t", k).greaterThan(7).operator())
        .isEqualTo(Compare.Operator.GREATER);
  }

  @Test
  void valueCompareRequiresAValueAndOthersRejectOne() {
    Bytes k = Bytes.of("k");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> new Compare("t", k, Compare.Target.VALUE, Compare.Operator.EQUAL, null, 0));
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new Compare(
                    "t", k, Compare.Target.VERSION, Compare.Operator.EQUAL, Bytes.of("v"), 0));
    assertThatNullPointerException().isThrownBy(() -> Compare.value("t", null).equalTo(k));
    assertThatNullPointerException().isThrownBy(() -> Compare.exists(null, k));
  }

  // ---- ErrorCode ----

  @Test
  void errorCodeNumbersArePinned() {
    Map<ErrorCode, Integer> pinned =
        Map.ofEntries(
            Map.entry(ErrorCode.INVALID_ARGUMENT, 1),
            Map.entry(ErrorCode.UNKNOWN_TABLE, 2),
            Map.entry(ErrorCode.TABLE_EXISTS, 3),
            Map.entry(ErrorCode.LIMIT_EXCEEDED, 4),
            Map.entry(ErrorCode.COMPACTED, 5),
            Map.entry(ErrorCode.SLOW_WATCHER, 6),
            Map.entry(ErrorCode.LEASE_NOT_FOUND, 7),
            Map.entry(ErrorCode.NOT_LEADER, 10),
            Map.entry(ErrorCode.NO_LEADER, 11),
            Map.entry(ErrorCode.TIMEOUT, 12),
            Map.entry(ErrorCode.UNAVAILABLE, 13),
            Map.entry(ErrorCode.PRIMARY_UNAVAILABLE, 20),
            Map.entry(ErrorCode.JOIN_REFUSED, 21),
            Map.entry(ErrorCode.UNAUTHENTICATED, 30),
            Map.entry(ErrorCode.PERMISSION_DENIED, 31),
            Map.entry(ErrorCode.INTERNAL, 99));
    // Every code is pinned: a new code must be added here deliberately.
    assertThat(pinned.keySet()).containsExactlyInAnyOrder(ErrorCode.values());
    pinned.forEach((code, number) -> assertThat(code.number()).as("%s", code).isEqualTo(number));
  }

  @Test
  void errorCodeNumbersAreUnique() {
    long distinct =
        Arrays.stream(ErrorCode.values()).mapToInt(ErrorCode::number).distinct().count();
    assertThat(distinct).isEqualTo(ErrorCode.values().length);
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void fromNumberRoundTrips(ErrorCode code) {
    assertThat(ErrorCode.fromNumber(code.number())).isSameAs(code);
  }

  @Test
  void fromUnknownNumberIsInternal() {
    assertThat(ErrorCode.fromNumber(0)).isEqualTo(ErrorCode.INTERNAL);
    assertThat(ErrorCode.fromNumber(8)).isEqualTo(ErrorCode.INTERNAL);
    assertThat(ErrorCode.fromNumber(-1)).isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  void retryableAndDefiniteDefaults() {
    assertThat(ErrorCode.INVALID_ARGUMENT.retryable()).isFalse();
    assertThat(ErrorCode.COMPACTED.retryable()).isFalse();
    assertThat(ErrorCode.NOT_LEADER.retryable()).isTrue();
    assertThat(ErrorCode.TIMEOUT.retryable()).isTrue();
    assertThat(ErrorCode.TIMEOUT.definiteByDefault()).isFalse();
    assertThat(ErrorCode.UNAVAILABLE.definiteByDefault()).isFalse();
    assertThat(new ClusterDbException(ErrorCode.TIMEOUT, "x").definite()).isFalse();
    assertThat(new ClusterDbException(ErrorCode.UNKNOWN_TABLE, "x").definite()).isTrue();
    assertThat(new CompactedException(3, 7).code()).isEqualTo(ErrorCode.COMPACTED);
    assertThat(new CompactedException(3, 7).oldestRevision()).isEqualTo(7);
    assertThat(ClusterDbException.invalid("key", "empty").field()).contains("key");
    assertThat(ClusterDbException.invalid("key", "empty").getMessage()).isEqualTo("key: empty");
  }

  // ---- BlockingKeyValueStore.unwrap ----

  @Test
  void unwrapReturnsTheClusterDbExceptionBehindCompletionAndExecutionExceptions() {
    ClusterDbException cause = new ClusterDbException(ErrorCode.NO_LEADER, "no leader");

    assertThat(BlockingKeyValueStore.unwrap(cause)).isSameAs(cause);
    assertThat(BlockingKeyValueStore.unwrap(new CompletionException(cause))).isSameAs(cause);
    assertThat(BlockingKeyValueStore.unwrap(new ExecutionException(cause))).isSameAs(cause);
    assertThat(
            BlockingKeyValueStore.unwrap(
                new CompletionException(new ExecutionException(new CompletionException(cause)))))
        .isSameAs(cause);
    NotLeaderException notLeader = new NotLeaderException("not leader", "n2", "h:1");
    assertThat(BlockingKeyValueStore.unwrap(new ExecutionException(notLeader))).isSameAs(notLeader);
  }

  @Test
  void unwrapWrapsAnyOtherCauseAsInternal() {
    IOException io = new IOException("disk");

    ClusterDbException e = BlockingKeyValueStore.unwrap(new CompletionException(io));

    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(e.getCause()).isSameAs(io);
    assertThat(e.definite()).isFalse();

    CompletionException bare = new CompletionException("no cause", null);
    ClusterDbException wrapped = BlockingKeyValueStore.unwrap(bare);
    assertThat(wrapped.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(wrapped.getCause()).isSameAs(bare);
  }

  @Test
  void awaitThrowsTheUnwrappedException() {
    ClusterDbException cause = new ClusterDbException(ErrorCode.TIMEOUT, "slow");
    CompletableFuture<String> failed = CompletableFuture.failedFuture(cause);
    assertThatThrownBy(() -> BlockingKeyValueStore.await(failed)).isSameAs(cause);
    assertThat(BlockingKeyValueStore.await(CompletableFuture.completedFuture("ok")))
        .isEqualTo("ok");
  }

  // ---- other records ----

  @Test
  void txnBuilderAndTables() {
    Txn txn =
        Txn.when(Compare.exists("a", Bytes.of("k")))
            .then(Op.put("b", Bytes.of("k"), Bytes.of("v")), Op.range("a", KeyRange.all()))
            .otherwise(Op.delete("c", KeyRange.key("k")));
    assertThat(txn.compares()).hasSize(1);
    assertThat(txn.success()).hasSize(2);
    assertThat(txn.failure()).hasSize(1);
    assertThat(txn.tables()).containsExactly("a", "b", "c");
    assertThat(Txn.of(Op.put("t", Bytes.of("k"), Bytes.EMPTY)).compares()).isEmpty();
  }

  @Test
  void watchRequestRejectsNegativeStartRevision() {
    assertThatIllegalArgumentException().isThrownBy(() -> new WatchRequest("t", Bytes.EMPTY, -1));
    WatchRequest r = WatchRequest.table("t").withPrefix(Bytes.of("p")).fromRevision(5);
    assertThat(r).isEqualTo(new WatchRequest("t", Bytes.of("p"), 5));
  }

  private static Bytes bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return Bytes.wrap(b);
  }
}
