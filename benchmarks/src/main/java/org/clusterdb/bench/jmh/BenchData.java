package org.clusterdb.bench.jmh;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.fsm.Applier;
import org.clusterdb.core.fsm.CommandValidator;
import org.clusterdb.core.fsm.HistoryPolicy;
import org.clusterdb.core.fsm.RequestLimits;
import org.clusterdb.proto.log.v1.AuditContext;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.Put;
import org.clusterdb.proto.log.v1.RequestId;
import org.clusterdb.proto.log.v1.Txn;

/** The data and the production-configured pieces the microbenchmarks share. */
final class BenchData {
  static final String TABLE = "bench";
  static final int KEYS = 10_000;
  static final int VALUE_BYTES = 1024;

  /** A client's random id has this size in store-client's RequestIds. */
  static final int CLIENT_ID_BYTES = 16;

  private BenchData() {}

  /** Keys shaped like configuration paths, so their length is not a toy's. */
  static byte[] key(int i) {
    return String.format("config/key-%05d", i).getBytes(StandardCharsets.UTF_8);
  }

  /** Random, so RocksDB's block compression cannot shrink it below its real size. */
  static byte[] value(long seed) {
    byte[] v = new byte[VALUE_BYTES];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < v.length; i++) {
      v[i] = (byte) random.nextInt(256);
    }
    return v;
  }

  static byte[] clientId() {
    return Arrays.copyOf(value(42), CLIENT_ID_BYTES);
  }

  /** A single put as ClusterDb.single proposes it: a one-op transaction, no request id yet. */
  static LogEntry putEntry(ByteString key, ByteString value) {
    return LogEntry.newBuilder()
        .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
        .setTxn(
            Txn.newBuilder()
                .addSuccess(
                    Op.newBuilder()
                        .setPut(Put.newBuilder().setTable(TABLE).setKey(key).setValue(value))))
        .build();
  }

  /**
   * {@code entry} with the request id a remote client sends. Protobuf merges concatenated
   * encodings, so appending the id field to a pre-encoded entry yields the same bytes as encoding
   * the whole entry, without re-encoding the 1 KB value on the benchmark's clock.
   */
  static byte[] withRequestId(byte[] entry, ByteString clientId, long seq) {
    // A client that waits for each write: its only outstanding seq is the current one.
    RequestId id =
        RequestId.newBuilder().setClientId(clientId).setSeq(seq).setAckedBelow(seq).build();
    return appended(entry, LogEntry.REQUEST_ID_FIELD_NUMBER, id);
  }

  /** The audit context a server attaches for a remote caller, as {@link #withRequestId} does. */
  static final AuditContext AUDIT =
      AuditContext.newBuilder()
          .setUser("admin")
          .setSourceIp("192.0.2.10")
          .setSourcePort(53155)
          .setTimeMillis(1_795_000_000_000L)
          .setMemberId("p1")
          .build();

  /** {@code entry} with {@link #AUDIT}, appended as {@link #withRequestId} appends the id. */
  static byte[] withAudit(byte[] entry) {
    return appended(entry, LogEntry.AUDIT_FIELD_NUMBER, AUDIT);
  }

  private static byte[] appended(byte[] entry, int field, MessageLite message) {
    int size = CodedOutputStream.computeMessageSize(field, message);
    byte[] out = new byte[entry.length + size];
    System.arraycopy(entry, 0, out, 0, entry.length);
    CodedOutputStream cos = CodedOutputStream.newInstance(out, entry.length, size);
    try {
      cos.writeMessage(field, message);
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The applier as ClusterDb builds it, with the default watch history. */
  static Applier applier() {
    return new Applier(
        new HistoryPolicy(
            ClusterDbConfig.DEFAULT_WATCH_HISTORY_REVISIONS,
            ClusterDbConfig.DEFAULT_WATCH_HISTORY_BYTES));
  }

  /** The validator as ClusterDb builds it, with the default limits. */
  static CommandValidator validator() {
    return new CommandValidator(
        new RequestLimits(
            ClusterDbConfig.DEFAULT_MAX_KEY_BYTES,
            ClusterDbConfig.DEFAULT_MAX_VALUE_BYTES,
            ClusterDbConfig.DEFAULT_MAX_TXN_OPS,
            ClusterDbConfig.DEFAULT_MAX_REQUEST_BYTES));
  }
}
