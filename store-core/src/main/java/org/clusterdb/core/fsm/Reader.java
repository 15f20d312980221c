package org.clusterdb.core.fsm;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.Optional;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.proto.log.v1.Failure;
import org.clusterdb.proto.log.v1.KeyValue;
import org.clusterdb.proto.log.v1.LeaseInfo;
import org.clusterdb.proto.log.v1.LeaseRecord;
import org.clusterdb.proto.log.v1.LeasedKey;
import org.clusterdb.proto.log.v1.Query;
import org.clusterdb.proto.log.v1.QueryResult;
import org.clusterdb.proto.log.v1.Range;
import org.clusterdb.proto.log.v1.RangeResult;
import org.clusterdb.proto.log.v1.StoredValue;
import org.clusterdb.proto.log.v1.TableList;

/** The read side of the apply logic: ranges and catalog reads over a {@link StateReader}. */
public final class Reader {
  private Reader() {}

  /** Answers a query; business failures (unknown table) are results. */
  public static QueryResult query(Query query, StateReader state) {
    QueryResult.Builder result = QueryResult.newBuilder().setRevision(state.revision());
    switch (query.getQueryCase()) {
      case RANGE -> {
        Range r = query.getRange();
        if (state.table(r.getTable()).isEmpty()) {
          result.setError(unknownTable(r.getTable(), "table"));
        } else {
          result.setRange(range(r, state));
        }
      }
      case LIST_TABLES -> result.setTables(TableList.newBuilder().addAllTables(state.tables()));
      case LEASE -> {
        long id = query.getLease().getId();
        Optional<LeaseRecord> record = Applier.leaseRecord(id, state);
        if (record.isEmpty()) {
          result.setError(Applier.leaseNotFound(id, "id"));
        } else {
          result.setLease(leaseInfo(record.get(), state));
        }
      }
      case QUERY_NOT_SET ->
          result.setError(
              CommandValidator.fail(ErrorCode.INVALID_ARGUMENT, "query", "no query set")
                  .orElseThrow());
    }
    return result.build();
  }

  /** A lease's record and the keys still attached to it, in index order. */
  static LeaseInfo leaseInfo(LeaseRecord record, StateReader state) {
    LeaseInfo.Builder info = LeaseInfo.newBuilder().setRecord(record);
    state.scan(
        TableNames.LEASE_KEYS,
        LeaseKeys.first(record.getId()),
        LeaseKeys.end(record.getId()),
        (row, value) -> {
          LeaseKeys.Attached a = LeaseKeys.decode(row);
          // The index may outlive a dropped table; only the keys still attached count.
          if (state.table(a.table()).isPresent()
              && state
                  .get(a.table(), a.key())
                  .map(v -> v.getLease() == record.getId())
                  .orElse(false)) {
            info.addKeys(LeasedKey.newBuilder().setTable(a.table()).setKey(wrap(a.key())));
          }
          return true;
        });
    return info.build();
  }

  /** Reads a range of an existing table; the caller checks that the table exists. */
  public static RangeResult range(Range r, StateReader state) {
    RangeResult.Builder out = RangeResult.newBuilder();
    byte[] start = r.getKey().toByteArray();
    byte[] end = r.getRangeEnd().toByteArray();
    long limit = r.getLimit();
    if (KeyRanges.isSingleKey(end)) {
      state
          .get(r.getTable(), start)
          .ifPresent(
              v -> {
                out.setCount(1);
                if (!r.getCountOnly()) {
                  out.addKvs(toKeyValue(start, v));
                }
              });
      return out.build();
    }
    long[] count = {0};
    state.scan(
        r.getTable(),
        start,
        KeyRanges.scanEnd(end),
        (key, value) -> {
          count[0]++;
          if (!r.getCountOnly()) {
            if (limit == 0 || out.getKvsCount() < limit) {
              out.addKvs(toKeyValue(key, value));
            } else {
              out.setMore(true);
            }
          }
          return true;
        });
    return out.setCount(count[0]).build();
  }

  public static KeyValue toKeyValue(byte[] key, StoredValue v) {
    return KeyValue.newBuilder()
        .setKey(wrap(key))
        .setValue(v.getValue())
        .setCreateRevision(v.getCreateRevision())
        .setModRevision(v.getModRevision())
        .setVersion(v.getVersion())
        .setLease(v.getLease())
        .build();
  }

  static ByteString wrap(byte[] bytes) {
    return UnsafeByteOperations.unsafeWrap(bytes);
  }

  static Failure unknownTable(String table, String field) {
    return Failure.newBuilder()
        .setCode(ErrorCode.UNKNOWN_TABLE.number())
        .setField(field)
        .setMessage(field + ": table '" + table + "' does not exist")
        .build();
  }
}
