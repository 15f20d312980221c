package org.clusterdb.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import org.clusterdb.core.storage.ReadView;
import org.clusterdb.core.storage.StateStore;
import org.clusterdb.core.storage.WriteView;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.RequestId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Requests carrying an id apply at most once, and their remembered outcomes are bounded. */
@Timeout(30)
class ApplierDedupTest {
  private static final HistoryPolicy HISTORY = new HistoryPolicy(1_000, 1 << 20);
  private static final ByteString CLIENT_A = ByteString.copyFromUtf8("client-a");
  private static final ByteString CLIENT_B = ByteString.copyFromUtf8("client-b");

  @TempDir Path dir;
  private StateStore store;
  private Applier applier;

  @BeforeEach
  void open() throws IOException {
    store = StateStore.open(dir.resolve("state"), false);
    applier = new Applier(HISTORY, 4);
    apply(ApplierTest.createTable("t"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private ApplyOutcome apply(LogEntry entry) {
    try (WriteView w = store.write()) {
      ApplyOutcome out = applier.apply(entry, w);
      store.commit(w, null);
      return out;
    }
  }

  private static LogEntry put(String key, ByteString client, long seq, long ackedBelow) {
    return ApplierTest.put("t", key, "v").toBuilder()
        .setRequestId(
            RequestId.newBuilder().setClientId(client).setSeq(seq).setAckedBelow(ackedBelow))
        .build();
  }

  private long version(String key) {
    try (ReadView v = store.read()) {
      return v.get("t", key.getBytes(java.nio.charset.StandardCharsets.UTF_8))
          .map(s -> s.getVersion())
          .orElse(0L);
    }
  }

  private long remembered() {
    try (ReadView v = store.read()) {
      return v.dedupCount();
    }
  }

  @Test
  void aRepeatedRequestChangesNothingAndReturnsTheFirstResult() {
    ApplyOutcome first = apply(put("k", CLIENT_A, 1, 0));
    ApplyOutcome repeat = apply(put("k", CLIENT_A, 1, 0));
    assertThat(repeat.result()).isEqualTo(first.result());
    assertThat(repeat.events()).isEmpty();
    assertThat(repeat.revision()).isEqualTo(first.revision());
    assertThat(version("k")).isEqualTo(1);
  }

  @Test
  void theSameSeqFromAnotherClientIsAnotherRequest() {
    apply(put("k", CLIENT_A, 1, 0));
    apply(put("k", CLIENT_B, 1, 0));
    assertThat(version("k")).isEqualTo(2);
  }

  @Test
  void aFailedFirstOutcomeIsRepeatedToo() {
    LogEntry missingTable =
        ApplierTest.put("nope", "k", "v").toBuilder()
            .setRequestId(RequestId.newBuilder().setClientId(CLIENT_A).setSeq(9))
            .build();
    ApplyOutcome first = apply(missingTable);
    assertThat(first.result().hasError()).isTrue();
    apply(ApplierTest.createTable("nope"));
    ApplyOutcome repeat = apply(missingTable);
    assertThat(repeat.result()).isEqualTo(first.result());
  }

  @Test
  void ackedSeqsAreForgotten() {
    apply(put("a", CLIENT_A, 1, 0));
    apply(put("b", CLIENT_A, 2, 0));
    assertThat(remembered()).isEqualTo(2);
    apply(put("c", CLIENT_A, 3, 3));
    assertThat(remembered()).isEqualTo(1);
    // Seq 1 was acknowledged as answered: the client promised never to send it again.
    try (ReadView v = store.read()) {
      assertThat(v.dedup(CLIENT_A.toByteArray(), 1)).isEmpty();
      assertThat(v.dedup(CLIENT_A.toByteArray(), 3)).isPresent();
    }
  }

  @Test
  void aLongRunOfAcknowledgedWritesKeepsOnlyTheUnacknowledged() {
    // Each write acknowledges all before it, as a client with one write in flight does.
    for (int seq = 1; seq <= 200; seq++) {
      apply(put("k" + (seq % 7), CLIENT_A, seq, seq));
    }
    assertThat(remembered()).isEqualTo(1);
    try (ReadView v = store.read()) {
      assertThat(v.dedup(CLIENT_A.toByteArray(), 199)).isEmpty();
      assertThat(v.dedup(CLIENT_A.toByteArray(), 200)).isPresent();
      assertThat(v.latestDedup(CLIENT_A.toByteArray()).orElseThrow().getAckedBelow())
          .isEqualTo(200);
      assertThat(v.latestDedup(CLIENT_B.toByteArray())).isEmpty();
    }
  }

  @Test
  void aRecordWithoutItsAckedBelowStillHasItsPredecessorsForgotten() {
    // Records written before acked_below existed read as 0: the scan starts at the client's first.
    apply(put("a", CLIENT_A, 1, 0));
    apply(put("b", CLIENT_A, 2, 0));
    apply(put("c", CLIENT_A, 3, 0));
    apply(put("d", CLIENT_A, 4, 4));
    assertThat(remembered()).isEqualTo(1);
  }

  @Test
  void anOlderRequestArrivingLateForgetsNothingTheNewerOneKept() {
    apply(put("a", CLIENT_A, 5, 5));
    apply(put("b", CLIENT_A, 6, 5));
    // A retry of seq 3 with an older acked_below: seq 5 and 6 are still unacknowledged.
    apply(put("c", CLIENT_A, 3, 2));
    try (ReadView v = store.read()) {
      assertThat(v.dedup(CLIENT_A.toByteArray(), 5)).isPresent();
      assertThat(v.dedup(CLIENT_A.toByteArray(), 6)).isPresent();
    }
  }

  @Test
  void theWindowForgetsTheOldestOutcomesFirst() {
    for (int seq = 1; seq <= 6; seq++) {
      apply(put("k" + seq, CLIENT_A, seq, 0));
    }
    assertThat(remembered()).isEqualTo(4);
    try (ReadView v = store.read()) {
      assertThat(v.dedup(CLIENT_A.toByteArray(), 1)).isEmpty();
      assertThat(v.dedup(CLIENT_A.toByteArray(), 2)).isEmpty();
      assertThat(v.dedup(CLIENT_A.toByteArray(), 3)).isPresent();
      assertThat(v.dedup(CLIENT_A.toByteArray(), 6)).isPresent();
    }
    // Beyond the window a repeat applies again: the window bounds how late a retry may come.
    apply(put("k1", CLIENT_A, 1, 0));
    assertThat(version("k1")).isEqualTo(2);
  }

  @Test
  void aRetryOfARequestTheClientAlreadyAcknowledgedIsRefusedNotApplied() {
    apply(put("k", CLIENT_A, 1, 0));
    apply(put("k", CLIENT_A, 2, 2));
    assertThat(version("k")).isEqualTo(2);
    // Seq 1 is below the client's acked mark: its record is gone, so applying it again would
    // overwrite seq 2's value with an older one.
    ApplyOutcome late = apply(put("k", CLIENT_A, 1, 0));
    assertThat(late.result().getError().getCode())
        .isEqualTo(org.clusterdb.api.ErrorCode.INVALID_ARGUMENT.number());
    assertThat(late.result().getError().getField()).isEqualTo("request_id.seq");
    assertThat(late.events()).isEmpty();
    assertThat(version("k")).isEqualTo(2);
  }

  @Test
  void aLargeJumpOfTheAckedMarkForgetsEverySeqBelowIt() {
    // More seqs than are looked up one by one: the scan path.
    Applier wide = new Applier(HISTORY, 1_000);
    for (int seq = 1; seq <= 100; seq++) {
      try (WriteView w = store.write()) {
        wide.apply(put("k" + seq, CLIENT_B, seq, 0), w);
        store.commit(w, null);
      }
    }
    try (WriteView w = store.write()) {
      wide.apply(put("last", CLIENT_B, 101, 101), w);
      store.commit(w, null);
    }
    assertThat(remembered()).isEqualTo(1);
    try (ReadView v = store.read()) {
      assertThat(v.dedupSeqs(CLIENT_B.toByteArray(), 0, 101)).isEmpty();
      assertThat(v.dedupFloor(CLIENT_B.toByteArray())).hasValue(101);
    }
  }

  @Test
  void theWindowKeepsForgettingTheOldestOverALongRun() {
    // Each overflow removes the oldest; the search for it starts past those already removed.
    for (int seq = 1; seq <= 500; seq++) {
      apply(put("k" + (seq % 10), CLIENT_A, seq, 0));
    }
    assertThat(remembered()).isEqualTo(4);
    try (ReadView v = store.read()) {
      assertThat(v.oldestDedup().orElseThrow().seq()).isEqualTo(497);
      assertThat(v.dedup(CLIENT_A.toByteArray(), 496)).isEmpty();
      assertThat(v.dedup(CLIENT_A.toByteArray(), 500)).isPresent();
    }
  }

  @Test
  void entriesWithoutAnIdAreNotRemembered() {
    apply(ApplierTest.put("t", "k", "v"));
    apply(ApplierTest.put("t", "k", "v"));
    assertThat(version("k")).isEqualTo(2);
    assertThat(remembered()).isZero();
  }
}
