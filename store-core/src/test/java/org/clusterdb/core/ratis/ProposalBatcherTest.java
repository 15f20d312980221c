package org.clusterdb.core.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.proto.log.v1.ApplyResult;
import org.clusterdb.proto.log.v1.BatchResult;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.Put;
import org.clusterdb.proto.log.v1.SyncCheck;
import org.clusterdb.proto.log.v1.Txn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Concurrent proposals share log entries, yet each keeps its own outcome. */
@Timeout(10)
class ProposalBatcherTest {
  /** A proposer whose replies the test gives by hand, in order. */
  private final List<LogEntry> sent = new ArrayList<>();

  private final List<CompletableFuture<ApplyResult>> replies = new ArrayList<>();

  private synchronized CompletableFuture<ApplyResult> propose(LogEntry e) {
    sent.add(e);
    CompletableFuture<ApplyResult> f = new CompletableFuture<>();
    replies.add(f);
    return f;
  }

  private ProposalBatcher batcher(int maxBytes, int maxEntries, int maxInFlight) {
    return new ProposalBatcher(this::propose, maxBytes, maxEntries, maxInFlight);
  }

  private static LogEntry put(String key) {
    return LogEntry.newBuilder()
        .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
        .setTxn(
            Txn.newBuilder()
                .addSuccess(
                    Op.newBuilder()
                        .setPut(
                            Put.newBuilder()
                                .setTable("t")
                                .setKey(com.google.protobuf.ByteString.copyFromUtf8(key)))))
        .build();
  }

  private static ApplyResult result(long revision) {
    return ApplyResult.newBuilder().setRevision(revision).build();
  }

  private static ApplyResult batchReply(long... revisions) {
    BatchResult.Builder b = BatchResult.newBuilder();
    for (long r : revisions) {
      b.addResults(result(r));
    }
    return ApplyResult.newBuilder().setBatch(b).build();
  }

  @Test
  void aLoneWriteIsProposedAsItIsAtOnce() throws Exception {
    ProposalBatcher b = batcher(1 << 20, 100, 1);
    CompletableFuture<ApplyResult> f = b.propose(put("a"));
    assertThat(sent).containsExactly(put("a"));
    replies.get(0).complete(result(7));
    assertThat(f.get()).isEqualTo(result(7));
  }

  @Test
  void writesArrivingWhileOneIsInFlightLeaveAsOneBatchWithTheirOwnResults() throws Exception {
    ProposalBatcher b = batcher(1 << 20, 100, 1);
    CompletableFuture<ApplyResult> first = b.propose(put("a"));
    CompletableFuture<ApplyResult> second = b.propose(put("b"));
    CompletableFuture<ApplyResult> third = b.propose(put("c"));
    assertThat(sent).hasSize(1);
    assertThat(b.queued()).isEqualTo(2);

    replies.get(0).complete(result(1));
    assertThat(first.get()).isEqualTo(result(1));
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).getBatch().getEntriesList()).containsExactly(put("b"), put("c"));

    replies.get(1).complete(batchReply(2, 3));
    assertThat(second.get()).isEqualTo(result(2));
    assertThat(third.get()).isEqualTo(result(3));
    assertThat(b.queued()).isZero();
  }

  @Test
  void aBatchStaysUnderTheByteAndEntryLimits() {
    int oneEntry = put("a").getSerializedSize() + 8;
    ProposalBatcher b = batcher(oneEntry * 2, 3, 1);
    b.propose(put("a"));
    for (String k : List.of("b", "c", "d", "e", "f")) {
      b.propose(put(k));
    }
    replies.get(0).complete(result(1));
    assertThat(sent.get(1).getBatch().getEntriesCount()).isEqualTo(2);
    replies.get(1).complete(batchReply(2, 3));
    assertThat(sent.get(2).getBatch().getEntriesCount()).isEqualTo(2);
    replies.get(2).complete(batchReply(4, 5));
    // The last one alone: proposed as itself.
    assertThat(sent.get(3)).isEqualTo(put("f"));
  }

  @Test
  void aRefusedBatchIsRetriedEntryByEntrySoOnlyTheBadOneFails() throws Exception {
    ProposalBatcher b = batcher(1 << 20, 100, 1);
    b.propose(put("a"));
    CompletableFuture<ApplyResult> good = b.propose(put("good"));
    CompletableFuture<ApplyResult> bad = b.propose(put("bad"));
    replies.get(0).complete(result(1));
    replies.get(1).completeExceptionally(ClusterDbException.invalid("txn", "too large"));
    assertThat(sent.subList(2, 4)).containsExactly(put("good"), put("bad"));
    replies.get(2).complete(result(2));
    replies.get(3).completeExceptionally(ClusterDbException.invalid("txn", "too large"));
    assertThat(good.get()).isEqualTo(result(2));
    assertThat(bad).isCompletedExceptionally();
  }

  @Test
  void anIndeterminateFailureReachesEveryWriteOfTheBatchAndIsNotRetried() {
    ProposalBatcher b = batcher(1 << 20, 100, 1);
    b.propose(put("a"));
    CompletableFuture<ApplyResult> x = b.propose(put("x"));
    CompletableFuture<ApplyResult> y = b.propose(put("y"));
    replies.get(0).complete(result(1));
    ClusterDbException timeout =
        new ClusterDbException(ErrorCode.TIMEOUT, "no outcome", null, false, null);
    replies.get(1).completeExceptionally(timeout);
    assertThat(sent).hasSize(2);
    for (CompletableFuture<ApplyResult> f : List.of(x, y)) {
      ExecutionException e =
          org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, f::get);
      assertThat(e.getCause()).isSameAs(timeout);
    }
  }

  @Test
  void aReplyWithTheWrongNumberOfResultsFailsTheBatchAsInternal() {
    ProposalBatcher b = batcher(1 << 20, 100, 1);
    b.propose(put("a"));
    CompletableFuture<ApplyResult> x = b.propose(put("x"));
    b.propose(put("y"));
    replies.get(0).complete(result(1));
    replies.get(1).complete(batchReply(2));
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, x::get);
    assertThat(((ClusterDbException) e.getCause()).code()).isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  void upToMaxInFlightProposalsAreOutstanding() {
    ProposalBatcher b = batcher(1 << 20, 100, 2);
    b.propose(put("a"));
    b.propose(put("b"));
    b.propose(put("c"));
    assertThat(sent).containsExactly(put("a"), put("b"));
    replies.get(1).complete(result(2));
    assertThat(sent).hasSize(3);
  }

  @Test
  void onlyTableAndTransactionCommandsAreBatchable() {
    assertThat(ProposalBatcher.batchable(put("a"))).isTrue();
    assertThat(
            ProposalBatcher.batchable(
                LogEntry.newBuilder().setSyncCheck(SyncCheck.getDefaultInstance()).build()))
        .isFalse();
    assertThat(ProposalBatcher.batchable(LogEntry.getDefaultInstance())).isFalse();
  }
}
