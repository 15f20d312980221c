package org.clusterdb.core.fsm;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.proto.log.v1.Failure;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.TableMeta;
import org.clusterdb.proto.log.v1.Txn;

/**
 * The rule of tables with peer-owned rows: member {@code m} owns the key {@code m} and every key
 * under {@code m/}, and a transaction may write (put or delete) only rows its proposer owns. Reads
 * and comparisons are free. This is the only write the leader takes from any member while the
 * configuration primary is not leading, so it is checked again where it applies.
 */
public final class PeerOwnedRows {
  private PeerOwnedRows() {}

  /** Whether {@code member} owns {@code key}. */
  public static boolean owns(String member, byte[] key) {
    if (member.isEmpty()) {
      return false;
    }
    byte[] id = member.getBytes(StandardCharsets.UTF_8);
    if (Arrays.equals(id, key)) {
      return true;
    }
    return key.length > id.length
        && key[id.length] == '/'
        && Arrays.equals(id, 0, id.length, key, 0, id.length);
  }

  /**
   * Whether every key of {@code [start, end)} (a single key when {@code end} is empty) is owned by
   * {@code member}: the key itself, or a bounded range within its {@code m/} prefix.
   */
  public static boolean ownsRange(String member, byte[] start, byte[] end) {
    if (KeyRanges.isSingleKey(end)) {
      return owns(member, start);
    }
    if (member.isEmpty() || KeyRanges.isUnbounded(end)) {
      return false;
    }
    byte[] prefix = (member + "/").getBytes(StandardCharsets.UTF_8);
    byte[] after = (member + "0").getBytes(StandardCharsets.UTF_8); // '0' follows '/'
    return Arrays.compare(start, prefix) >= 0 && Arrays.compare(end, after) <= 0;
  }

  /** Why {@code txn}, proposed by {@code proposer}, may not apply; empty if it may. */
  public static Optional<Failure> refusal(Txn txn, String proposer, StateReader state) {
    Optional<Failure> f = refusal(txn.getSuccessList(), "txn.success", proposer, state);
    return f.isPresent() ? f : refusal(txn.getFailureList(), "txn.failure", proposer, state);
  }

  private static Optional<Failure> refusal(
      List<Op> ops, String name, String proposer, StateReader state) {
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      String table;
      boolean owned;
      String field;
      if (op.hasPut()) {
        table = op.getPut().getTable();
        owned = owns(proposer, op.getPut().getKey().toByteArray());
        field = name + "[" + i + "].put.key";
      } else if (op.hasDeleteRange()) {
        table = op.getDeleteRange().getTable();
        owned =
            ownsRange(
                proposer,
                op.getDeleteRange().getKey().toByteArray(),
                op.getDeleteRange().getRangeEnd().toByteArray());
        field = name + "[" + i + "].delete.key";
      } else {
        continue;
      }
      if (!owned && peerOwned(table, state)) {
        return CommandValidator.fail(
            ErrorCode.PERMISSION_DENIED,
            field,
            "table '"
                + table
                + "' has peer-owned rows: member '"
                + proposer
                + "' writes only the key '"
                + proposer
                + "' and keys under '"
                + proposer
                + "/'");
      }
    }
    return Optional.empty();
  }

  /** Whether {@code txn} writes at least one row, and only rows of tables with peer-owned rows. */
  public static boolean writesOnlyOwnedRows(Txn txn, StateReader state) {
    int writes = 0;
    for (List<Op> ops : List.of(txn.getSuccessList(), txn.getFailureList())) {
      for (Op op : ops) {
        String table;
        if (op.hasPut()) {
          table = op.getPut().getTable();
        } else if (op.hasDeleteRange()) {
          table = op.getDeleteRange().getTable();
        } else {
          continue;
        }
        if (!peerOwned(table, state)) {
          return false;
        }
        writes++;
      }
    }
    return writes > 0;
  }

  private static boolean peerOwned(String table, StateReader state) {
    return state.table(table).map(TableMeta::getPeerOwnedRows).orElse(false);
  }
}
