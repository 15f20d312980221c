package org.clusterdb.bench.jmh;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.Header;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.PutResult;
import org.clusterdb.api.RangeResult;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.core.codec.ApiCodec;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.fsm.CommandValidator;
import org.clusterdb.proto.api.v1.PutRequest;
import org.clusterdb.proto.api.v1.RangeRequest;
import org.clusterdb.proto.api.v1.RangeResponse;
import org.clusterdb.proto.log.v1.ApplyResult;
import org.clusterdb.proto.log.v1.Failure;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.KeyValue;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.OpResult;
import org.clusterdb.proto.log.v1.Query;
import org.clusterdb.proto.log.v1.QueryResult;
import org.clusterdb.proto.log.v1.Range;
import org.clusterdb.proto.log.v1.RangeResult.Builder;
import org.clusterdb.proto.log.v1.TxnResult;
import org.clusterdb.proto.wire.WireCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The codec work of one put and one single-key range read, each from the bytes a side receives to
 * the bytes it sends, through the same calls the server and client make (KvService, ClusterDb,
 * RaftNode, ReplicatedStateMachine, ClusterDbClient), so copies and re-encodings are all counted.
 * Those classes' per-request methods are private, so each benchmark repeats their steps; keep them
 * in step when the code paths change.
 *
 * <p>Requests arrive as byte arrays here; gRPC parses from its own buffers, which costs at least as
 * much. Entries and replies that pass through Ratis are parsed the way the server parses them: from
 * {@code asReadOnlyByteBuffer()} of Ratis's shaded ByteString.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBench {
  private static final long REVISION = 123_456;
  private static final long TERM = 7;

  private CommandValidator validator;
  private Bytes key;
  private Bytes value;
  private org.clusterdb.api.RequestId requestId;
  private ByteString keyBytes;
  private ByteString valueBytes;
  private org.clusterdb.proto.log.v1.RequestId logRequestId;

  /** A put entry as proposed by a remote client's write. */
  private byte[] entry;

  private org.apache.ratis.thirdparty.com.google.protobuf.ByteString entryInRatis;
  private byte[] putRequest;

  /** The state machine's reply to an overwrite: it carries the previous 1 KB row. */
  private org.apache.ratis.thirdparty.com.google.protobuf.ByteString putReplyInRatis;

  private byte[] rangeRequest;
  private org.apache.ratis.thirdparty.com.google.protobuf.ByteString rangeReplyInRatis;
  private byte[] rangeResponse;

  @Setup(Level.Trial)
  public void setUp() {
    validator = BenchData.validator();
    key = Bytes.wrap(BenchData.key(1234));
    value = Bytes.wrap(BenchData.value(1234));
    requestId = new org.clusterdb.api.RequestId(Bytes.wrap(BenchData.clientId()), 1000, 1000);
    keyBytes = ByteString.copyFrom(key.unsafeArray());
    valueBytes = ByteString.copyFrom(value.unsafeArray());
    logRequestId =
        org.clusterdb.proto.log.v1.RequestId.newBuilder()
            .setClientId(ByteString.copyFrom(requestId.clientId().unsafeArray()))
            .setSeq(requestId.seq())
            .setAckedBelow(requestId.ackedBelow())
            .build();

    entry = logEntry().toByteArray();
    entryInRatis = UnsafeByteOperations.unsafeWrap(entry);
    putRequest = clientPutRequest();

    KeyValue row =
        KeyValue.newBuilder()
            .setKey(keyBytes)
            .setValue(valueBytes)
            .setCreateRevision(REVISION - 5000)
            .setModRevision(REVISION - 1)
            .setVersion(3)
            .build();
    ApplyResult putReply =
        ApplyResult.newBuilder()
            .setRevision(REVISION)
            .setTxn(
                TxnResult.newBuilder()
                    .setSucceeded(true)
                    .addResults(
                        OpResult.newBuilder()
                            .setPut(
                                org.clusterdb.proto.log.v1.PutResult.newBuilder().setPrev(row))))
            .build();
    putReplyInRatis = UnsafeByteOperations.unsafeWrap(putReply.toByteArray());

    rangeRequest =
        WireCodec.rangeRequest(BenchData.TABLE, KeyRange.key(key), ReadOptions.DEFAULT)
            .toByteArray();
    Builder range = org.clusterdb.proto.log.v1.RangeResult.newBuilder().setCount(1).addKvs(row);
    QueryResult rangeReply = QueryResult.newBuilder().setRevision(REVISION).setRange(range).build();
    rangeReplyInRatis = UnsafeByteOperations.unsafeWrap(rangeReply.toByteArray());
    rangeResponse =
        WireCodec.rangeResponse(ApiCodec.rangeResult(header(REVISION), rangeReply.getRange()))
            .toByteArray();
  }

  // ---- the log entry alone ----

  /** Building and encoding a put entry with its request id, as RaftNode.propose sends it. */
  @Benchmark
  public byte[] logEntryEncode() {
    return logEntry().toByteArray();
  }

  /** Decoding from a plain array: the baseline for {@link #logEntryDecodeFromRatis}. */
  @Benchmark
  public LogEntry logEntryDecode() throws InvalidProtocolBufferException {
    return LogEntry.parseFrom(entry);
  }

  /**
   * Decoding as ReplicatedStateMachine.applyTransaction (and startTransaction, on the leader) does:
   * from a read-only ByteBuffer, which protobuf cannot read in place and first copies whole.
   */
  @Benchmark
  public LogEntry logEntryDecodeFromRatis() throws InvalidProtocolBufferException {
    return LogEntry.parseFrom(entryInRatis.asReadOnlyByteBuffer());
  }

  /** The leader's check in ReplicatedStateMachine.startTransaction: a second decode, then rules. */
  @Benchmark
  public Optional<Failure> logEntryValidateOnLeader() throws InvalidProtocolBufferException {
    return validator.validate(LogEntry.parseFrom(entryInRatis.asReadOnlyByteBuffer()));
  }

  // ---- a put: server side ----

  /**
   * KvService.put to RaftNode.propose: the request decoded to API records (key and value copied),
   * back to a log op, validated, wrapped in an entry, sized, given its request id (a rebuild),
   * encoded.
   */
  @Benchmark
  public byte[] serverPutRequest() throws InvalidProtocolBufferException {
    PutRequest r = PutRequest.parseFrom(putRequest);
    org.clusterdb.api.RequestId id = WireCodec.requestId(r.getRequestId()).orElseThrow();
    Op op =
        Op.newBuilder()
            .setPut(
                ApiCodec.put(
                    r.getTable(), WireCodec.bytes(r.getKey()), WireCodec.bytes(r.getValue())))
            .build();
    check(validator.validateOp(op, ""));
    LogEntry entry =
        LogEntry.newBuilder()
            .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
            .setTxn(org.clusterdb.proto.log.v1.Txn.newBuilder().addSuccess(op))
            .build();
    if (entry.getSerializedSize() > ClusterDbConfig.DEFAULT_MAX_REQUEST_BYTES) {
      throw new IllegalStateException("request too large");
    }
    LogEntry withId =
        entry.toBuilder()
            .setRequestId(
                org.clusterdb.proto.log.v1.RequestId.newBuilder()
                    .setClientId(ApiCodec.bytes(id.clientId()))
                    .setSeq(id.seq())
                    .setAckedBelow(id.ackedBelow()))
            .build();
    return withId.toByteArray();
  }

  /**
   * RaftNode.decode to KvService.put's answer: the state machine's reply decoded, converted to the
   * API result (the previous value copied), converted to the wire reply and encoded as gRPC would.
   */
  @Benchmark
  public byte[] serverPutReply() throws InvalidProtocolBufferException {
    ApplyResult r = ApplyResult.parseFrom(putReplyInRatis.asReadOnlyByteBuffer());
    if (r.hasError()) {
      throw ApiCodec.exception(r.getError());
    }
    PutResult result =
        ApiCodec.putResult(header(r.getRevision()), r.getTxn().getResults(0).getPut());
    return WireCodec.putResponse(result).toByteArray();
  }

  // ---- a single-key range read: server side ----

  /**
   * KvService.range to RaftNode.query: the request decoded, validated and re-encoded as a query.
   */
  @Benchmark
  public byte[] serverRangeRequest() throws InvalidProtocolBufferException {
    RangeRequest r = RangeRequest.parseFrom(rangeRequest);
    KeyRange range = WireCodec.range(r.getKey(), r.getRangeEnd());
    ReadOptions options = WireCodec.readOptions(r);
    Range proto = ApiCodec.range(r.getTable(), range, options.limit(), options.countOnly());
    check(validator.validateOp(Op.newBuilder().setRange(proto).build(), ""));
    return Query.newBuilder()
        .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
        .setRange(proto)
        .build()
        .toByteArray();
  }

  /**
   * RaftNode.decode to KvService.range's answer: one 1 KB row, decoded, converted twice, encoded.
   */
  @Benchmark
  public byte[] serverRangeReply() throws InvalidProtocolBufferException {
    QueryResult q = QueryResult.parseFrom(rangeReplyInRatis.asReadOnlyByteBuffer());
    if (q.hasError()) {
      throw ApiCodec.exception(q.getError());
    }
    RangeResult result = ApiCodec.rangeResult(header(q.getRevision()), q.getRange());
    return WireCodec.rangeResponse(result).toByteArray();
  }

  // ---- the client's ends ----

  /** ClusterDbClient.put: the wire request with its request id, encoded as gRPC would. */
  @Benchmark
  public byte[] clientPutRequest() {
    return WireCodec.putRequest(BenchData.TABLE, key, value).toBuilder()
        .setRequestId(WireCodec.requestId(requestId))
        .build()
        .toByteArray();
  }

  /** ClusterDbClient.range: the wire reply decoded to the API result. */
  @Benchmark
  public RangeResult clientRangeReply() throws InvalidProtocolBufferException {
    return WireCodec.rangeResult(RangeResponse.parseFrom(rangeResponse));
  }

  private LogEntry logEntry() {
    return BenchData.putEntry(keyBytes, valueBytes).toBuilder().setRequestId(logRequestId).build();
  }

  /** As ClusterDb.header builds it for a cluster table. */
  private static Header header(long revision) {
    return new Header("bench-cluster", "member-1", revision, TERM);
  }

  private static void check(Optional<Failure> invalid) {
    if (invalid.isPresent()) {
      throw ApiCodec.exception(invalid.get());
    }
  }
}
