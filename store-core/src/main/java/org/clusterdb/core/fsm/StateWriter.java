package org.clusterdb.core.fsm;

import org.clusterdb.proto.log.v1.DedupRecord;
import org.clusterdb.proto.log.v1.HistoryRecord;
import org.clusterdb.proto.log.v1.StoredValue;
import org.clusterdb.proto.log.v1.TableMeta;

/**
 * A batch of changes over a {@link StateReader}. Reads see the batch's own writes; nothing is
 * visible to others until the owner commits the batch, which happens all-or-nothing.
 */
public interface StateWriter extends StateReader {

  void put(String table, byte[] key, StoredValue value);

  void delete(String table, byte[] key);

  void putTable(TableMeta table);

  void deleteTable(String name);

  void setRevision(long revision);

  void putHistory(long revision, HistoryRecord record);

  void deleteHistory(long revision);

  void setHistoryOldest(long revision);

  void setHistoryBytes(long bytes);

  /** Remembers the outcome of request {@code (clientId, seq)}. */
  void putDedup(byte[] clientId, long seq, DedupRecord record);

  /** Forgets request {@code (clientId, seq)}, remembered at {@code revision}. */
  void deleteDedup(byte[] clientId, long seq, long revision);

  void setDedupCount(long count);

  void setAuditNext(long next);

  /** Records {@code ackedBelow} as the floor of {@code clientId}'s remembered requests. */
  void setDedupFloor(byte[] clientId, long ackedBelow);

  /**
   * Records that every remembered request applied before {@code revision} is forgotten, so that the
   * next search for the oldest starts there instead of stepping over their tombstones.
   */
  void setDedupOrderFrom(long revision);
}
