package org.clusterdb.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchListener;
import org.clusterdb.core.cluster.AlarmDefinition;
import org.clusterdb.core.security.SystemKey;
import org.clusterdb.proto.log.v1.Compare;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.OpResult;
import org.clusterdb.proto.log.v1.Put;
import org.clusterdb.proto.log.v1.PutResult;
import org.clusterdb.proto.log.v1.RangeResult;
import org.clusterdb.proto.log.v1.TableMeta;
import org.clusterdb.proto.log.v1.Txn;
import org.clusterdb.proto.log.v1.TxnResult;

/**
 * Seals the values of sensitive tables where a write enters this member, before it is proposed or
 * applied, and opens them where results leave it: reads, transaction results, previous values and
 * watch events. So the log and every store hold only ciphertext. Tables that are not sensitive pass
 * through untouched, and need no key. Thread-safe.
 */
final class SensitiveValues {
  private final String memberId;
  private final Function<String, Optional<TableMeta>> tables;
  private final Supplier<Optional<SystemKey>> key;

  /**
   * @param tables a table's catalog entry as this member knows it, either scope
   * @param key the system key, if this member holds it
   */
  SensitiveValues(
      String memberId,
      Function<String, Optional<TableMeta>> tables,
      Supplier<Optional<SystemKey>> key) {
    this.memberId = memberId;
    this.tables = tables;
    this.key = key;
  }

  boolean sensitive(String table) {
    return tables.apply(table).map(TableMeta::getSensitive).orElse(false);
  }

  /**
   * {@code txn} with its puts to sensitive tables sealed.
   *
   * @throws ClusterDbException {@link ErrorCode#INVALID_ARGUMENT} naming the compare of a sensitive
   *     table's value; {@link ErrorCode#UNAVAILABLE} if this member holds no key
   */
  Txn seal(Txn txn) {
    for (int i = 0; i < txn.getComparesCount(); i++) {
      Compare c = txn.getCompares(i);
      if (c.getTarget() == Compare.Target.VALUE && sensitive(c.getTable())) {
        throw ClusterDbException.invalid(
            "txn.compare[" + i + "].target",
            "table '"
                + c.getTable()
                + "' is sensitive: its values are stored encrypted and cannot be compared;"
                + " compare the version or mod revision instead");
      }
    }
    Txn.Builder b = txn.toBuilder().clearSuccess().clearFailure();
    txn.getSuccessList().forEach(op -> b.addSuccess(seal(op)));
    txn.getFailureList().forEach(op -> b.addFailure(seal(op)));
    return b.build();
  }

  /** {@code op}, sealed if it puts to a sensitive table. */
  Op seal(Op op) {
    if (!op.hasPut() || !sensitive(op.getPut().getTable())) {
      return op;
    }
    Put p = op.getPut();
    byte[] sealed =
        require(p.getTable())
            .seal(p.getTable(), p.getKey().toByteArray(), p.getValue().toByteArray());
    return Op.newBuilder()
        .setPut(p.toBuilder().setValue(UnsafeByteOperations.unsafeWrap(sealed)).setSealed(true))
        .build();
  }

  /** The results of {@code sealedTxn}, as {@link #seal} made it, with their values opened. */
  TxnResult open(Txn sealedTxn, TxnResult r) {
    List<Op> branch = r.getSucceeded() ? sealedTxn.getSuccessList() : sealedTxn.getFailureList();
    TxnResult.Builder b = r.toBuilder().clearResults();
    for (int i = 0; i < r.getResultsCount(); i++) {
      OpResult o = r.getResults(i);
      Op op = i < branch.size() ? branch.get(i) : Op.getDefaultInstance();
      if (o.hasPut() && op.hasPut()) {
        o = OpResult.newBuilder().setPut(open(op.getPut().getTable(), o.getPut())).build();
      } else if (o.hasRange() && op.hasRange()) {
        o = OpResult.newBuilder().setRange(open(op.getRange().getTable(), o.getRange())).build();
      }
      b.addResults(o);
    }
    return b.build();
  }

  PutResult open(String table, PutResult r) {
    if (!r.hasPrev() || !sensitive(table)) {
      return r;
    }
    return r.toBuilder().setPrev(open(table, r.getPrev())).build();
  }

  RangeResult open(String table, RangeResult r) {
    if (r.getKvsCount() == 0 || !sensitive(table)) {
      return r;
    }
    RangeResult.Builder b = r.toBuilder().clearKvs();
    for (org.clusterdb.proto.log.v1.KeyValue kv : r.getKvsList()) {
      b.addKvs(open(table, kv));
    }
    return b.build();
  }

  private org.clusterdb.proto.log.v1.KeyValue open(
      String table, org.clusterdb.proto.log.v1.KeyValue kv) {
    byte[] plain = open(table, kv.getKey().toByteArray(), kv.getValue().toByteArray());
    return kv.toBuilder().setValue(ByteString.copyFrom(plain)).build();
  }

  /**
   * {@code listener} with the values of its events opened, if {@code table} is sensitive. An event
   * that does not open ends the watch with the error.
   *
   * @throws ClusterDbException {@link ErrorCode#UNAVAILABLE} if the table is sensitive and this
   *     member holds no key
   */
  WatchListener open(String table, WatchListener listener) {
    if (!sensitive(table)) {
      return listener;
    }
    require(table);
    AtomicBoolean failed = new AtomicBoolean();
    return new WatchListener() {
      @Override
      public void onEvents(long revision, List<WatchEvent> events) {
        if (failed.get()) {
          return;
        }
        List<WatchEvent> opened = new ArrayList<>(events.size());
        try {
          for (WatchEvent e : events) {
            opened.add(e.type() == WatchEvent.Type.PUT ? open(e) : e);
          }
        } catch (ClusterDbException e) {
          failed.set(true);
          listener.onError(e);
          return;
        }
        listener.onEvents(revision, opened);
      }

      @Override
      public void onError(ClusterDbException error) {
        if (failed.compareAndSet(false, true)) {
          listener.onError(error);
        }
      }
    };
  }

  private WatchEvent open(WatchEvent e) {
    KeyValue kv = e.kv();
    byte[] plain = open(e.table(), kv.key().toByteArray(), kv.value().toByteArray());
    return new WatchEvent(
        e.type(),
        e.table(),
        new KeyValue(
            kv.key(), Bytes.wrap(plain), kv.createRevision(), kv.modRevision(), kv.version()));
  }

  private byte[] open(String table, byte[] rowKey, byte[] sealed) {
    try {
      return require(table).open(table, rowKey, sealed);
    } catch (SystemKey.SealedValueException e) {
      throw new ClusterDbException(
          e.otherKey() ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL,
          "a value of sensitive table '"
              + table
              + "' does not open on "
              + memberId
              + ": "
              + e.getMessage(),
          "table",
          true,
          null);
    }
  }

  private SystemKey require(String table) {
    return key.get()
        .orElseThrow(
            () ->
                new ClusterDbException(
                    ErrorCode.UNAVAILABLE,
                    "this peer ("
                        + memberId
                        + ") has no system key (alarm "
                        + AlarmDefinition.SYSTEM_KEY.id()
                        + ") and cannot seal or open the values of sensitive table '"
                        + table
                        + "': use another peer, or run ForceSystemKeyUpdate on one",
                    "table",
                    true,
                    null));
  }
}
