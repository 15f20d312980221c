package org.clusterdb.core.fsm;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.clusterdb.proto.log.v1.DedupRecord;
import org.clusterdb.proto.log.v1.HistoryRecord;
import org.clusterdb.proto.log.v1.StoredValue;
import org.clusterdb.proto.log.v1.TableMeta;

/**
 * A consistent view of one store's state, as the apply logic sees it. Implementations are not
 * required to be thread-safe; one view is used by one thread.
 */
public interface StateReader {

  /** The store revision: +1 per committed write; 0 for an empty store. */
  long revision();

  /** The oldest revision from which the watch history is complete. */
  long historyOldest();

  /** The serialized size of all retained history records. */
  long historyBytes();

  Optional<StoredValue> get(String table, byte[] key);

  /**
   * Visits the rows of {@code table} with keys in {@code [start, end)} in key order; {@code end}
   * null means to the end of the table. Stops when the visitor returns false.
   */
  void scan(String table, byte[] start, byte[] end, RowVisitor visitor);

  Optional<TableMeta> table(String name);

  /** Every table, by name. */
  List<TableMeta> tables();

  /** The first history record at or after {@code revision}, if any. */
  Optional<HistoryEntry> historyAtOrAfter(long revision);

  /** The remembered outcome of request {@code (clientId, seq)}, if any. */
  Optional<DedupRecord> dedup(byte[] clientId, long seq);

  /** How many request outcomes are remembered. */
  long dedupCount();

  /** The remembered seqs of {@code clientId} in {@code [from, below)}, ascending. */
  List<Long> dedupSeqs(byte[] clientId, long from, long below);

  /** The remembered request of {@code clientId} with the highest seq, if any. */
  Optional<DedupRecord> latestDedup(byte[] clientId);

  /** The remembered request that was applied longest ago. */
  Optional<DedupKey> oldestDedup();

  /**
   * The highest {@code acked_below} applied for {@code clientId}: none of its requests below it is
   * remembered. Empty for a client not seen since this was first recorded.
   */
  OptionalLong dedupFloor(byte[] clientId);

  /** The revision at which request {@code (clientId, seq)} is remembered, if it is. */
  OptionalLong dedupRevision(byte[] clientId, long seq);

  /** The number of the next audit row: how many were ever written. */
  long auditNext();

  /** The serialized size of the history record at exactly {@code revision}; -1 if there is none. */
  int historySize(long revision);

  /** Receives rows during a scan. */
  @FunctionalInterface
  interface RowVisitor {
    /** Returns false to stop the scan. */
    boolean visit(byte[] key, StoredValue value);
  }

  /** A retained history record with its revision and serialized size. */
  record HistoryEntry(long revision, HistoryRecord record, int size) {}

  /** A remembered request and the revision it was remembered at. */
  record DedupKey(byte[] clientId, long seq, long revision) {}
}
