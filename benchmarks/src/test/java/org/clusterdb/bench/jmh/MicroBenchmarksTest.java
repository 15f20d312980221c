package org.clusterdb.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import org.clusterdb.core.storage.ReadView;
import org.clusterdb.proto.api.v1.PutResponse;
import org.clusterdb.proto.api.v1.RangeResponse;
import org.clusterdb.proto.log.v1.ApplyResult;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Query;
import org.clusterdb.proto.log.v1.QueryResult;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Runs each benchmark body once outside JMH: a benchmark that silently measured an error path (an
 * apply that failed, a reply without its row) would report a fine-looking number.
 */
class MicroBenchmarksTest {

  @Test
  void applyPutOverwritesThroughTheApplierAndCleansUp() throws Exception {
    for (int variant = 0; variant < 4; variant++) {
      ApplyBench bench = new ApplyBench();
      ApplyBench.Writer w = new ApplyBench.Writer();
      w.requestId = (variant & 1) != 0;
      w.audited = (variant & 2) != 0;
      w.open();
      try {
        long before = w.store.revision();
        ApplyResult r = ApplyResult.parseFrom(bench.applyPut(w));
        assertThat(r.hasError()).isFalse();
        assertThat(r.getRevision()).isEqualTo(before + 1);
        // Every key was written first: the put is an overwrite and carries the previous row.
        assertThat(r.getTxn().getResults(0).getPut().hasPrev()).isTrue();

        bench.applyPutGrouped(w, blackhole());
        assertThat(w.store.revision()).isEqualTo(before + 1 + ApplyBench.GROUP);
        // One log entry per revision from the table's creation on; a group commits its last index.
        assertThat(w.store.applied().getIndex()).isEqualTo(w.store.revision());
        try (ReadView v = w.store.read()) {
          assertThat(v.auditNext()).isEqualTo(w.audited ? 1 + ApplyBench.GROUP : 0);
        }
      } finally {
        w.close();
      }
      assertThat(Files.exists(w.dir)).isFalse();
    }
  }

  @Test
  void metricsBenchRecordsEachRequestAndEntryOnce() {
    MetricsBench bench = new MetricsBench();
    bench.registry = "prometheus";
    bench.open();
    try {
      bench.requestOk();
      bench.requestRefused();
      bench.entry();
      assertThat(bench.scrape())
          .contains(
              "clusterdb_requests_seconds_count{code=\"OK\",member=\"p1\",operation=\"put\"} 1",
              "clusterdb_requests_seconds_count{code=\"UNKNOWN_TABLE\",member=\"p1\","
                  + "operation=\"put\"} 1",
              "clusterdb_raft_commit_seconds_count{member=\"p1\"} 1",
              "clusterdb_raft_apply_seconds_count{member=\"p1\"} 1");
    } finally {
      bench.close();
    }
  }

  @Test
  void readsFindTheRows() throws Exception {
    ApplyBench bench = new ApplyBench();
    ApplyBench.Readers r = new ApplyBench.Readers();
    r.open();
    try {
      ApplyBench.Cursor c = new ApplyBench.Cursor();
      assertThat(bench.readGet(r, c).orElseThrow().getValue())
          .isEqualTo(ByteString.copyFrom(BenchData.value(0)));
      QueryResult q = QueryResult.parseFrom(bench.readQuery(r, c));
      assertThat(q.hasError()).isFalse();
      assertThat(q.getRange().getKvs(0).getKey()).isEqualTo(ByteString.copyFrom(BenchData.key(1)));
      assertThat(q.getRange().getKvs(0).getValue())
          .isEqualTo(ByteString.copyFrom(BenchData.value(1)));
      assertThat(bench.scopeLookup(r)).isTrue();
    } finally {
      r.close();
    }
    assertThat(Files.exists(r.dir)).isFalse();
  }

  @Test
  void codecPathsProduceTheMessagesTheServerSends() throws Exception {
    CodecBench bench = new CodecBench();
    bench.setUp();

    LogEntry proposed = LogEntry.parseFrom(bench.serverPutRequest());
    assertThat(proposed).isEqualTo(LogEntry.parseFrom(bench.logEntryEncode()));
    assertThat(proposed.getTxn().getSuccess(0).getPut().getValue().size())
        .isEqualTo(BenchData.VALUE_BYTES);
    assertThat(proposed.getRequestId().getSeq()).isPositive();
    assertThat(bench.logEntryDecodeFromRatis()).isEqualTo(bench.logEntryDecode());
    assertThat(bench.logEntryValidateOnLeader()).isEmpty();

    PutResponse put = PutResponse.parseFrom(bench.serverPutReply());
    assertThat(put.getPrevKv().getValue().size()).isEqualTo(BenchData.VALUE_BYTES);

    Query query = Query.parseFrom(bench.serverRangeRequest());
    assertThat(query.getRange().getKey()).isEqualTo(ByteString.copyFrom(BenchData.key(1234)));

    RangeResponse range = RangeResponse.parseFrom(bench.serverRangeReply());
    assertThat(range.getKvsCount()).isEqualTo(1);
    assertThat(range.getKvs(0).getValue().size()).isEqualTo(BenchData.VALUE_BYTES);

    assertThat(bench.clientPutRequest()).isNotEmpty();
    assertThat(bench.clientRangeReply().kvs()).hasSize(1);
  }

  @Test
  void appendingTheRequestIdEncodesLikeTheServer() {
    LogEntry entry =
        BenchData.putEntry(
            ByteString.copyFrom(BenchData.key(7)), ByteString.copyFrom(BenchData.value(7)));
    ByteString client = ByteString.copyFrom(BenchData.clientId());
    LogEntry withId =
        entry.toBuilder()
            .setRequestId(
                org.clusterdb.proto.log.v1.RequestId.newBuilder()
                    .setClientId(client)
                    .setSeq(300)
                    .setAckedBelow(300))
            .build();

    assertThat(BenchData.withRequestId(entry.toByteArray(), client, 300))
        .isEqualTo(withId.toByteArray());
  }

  private static Blackhole blackhole() {
    return new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is"
            + " dangerous.");
  }
}
