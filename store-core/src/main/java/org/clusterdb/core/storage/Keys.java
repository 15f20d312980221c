package org.clusterdb.core.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * RocksDB key encoding. A row key is {@code [name length][table name][user key]}: the length prefix
 * keeps one table's rows contiguous and apart from every other table's, whatever the user keys
 * hold. History keys are big-endian revisions, so they sort numerically.
 */
final class Keys {
  private Keys() {}

  static byte[] tablePrefix(String table) {
    byte[] name = table.getBytes(StandardCharsets.US_ASCII);
    byte[] prefix = new byte[name.length + 1];
    prefix[0] = (byte) name.length;
    System.arraycopy(name, 0, prefix, 1, name.length);
    return prefix;
  }

  static byte[] row(byte[] tablePrefix, byte[] key) {
    byte[] row = Arrays.copyOf(tablePrefix, tablePrefix.length + key.length);
    System.arraycopy(key, 0, row, tablePrefix.length, key.length);
    return row;
  }

  /** The smallest row key after every row of the table (names are ASCII: no carry). */
  static byte[] tableEnd(byte[] tablePrefix) {
    byte[] end = tablePrefix.clone();
    end[end.length - 1]++;
    return end;
  }

  static byte[] userKey(byte[] tablePrefix, byte[] row) {
    return Arrays.copyOfRange(row, tablePrefix.length, row.length);
  }

  /** {@code [id length][client id][seq]}: one client's requests sort together, by seq. */
  static byte[] dedup(byte[] clientId, long seq) {
    byte[] key = new byte[1 + clientId.length + 8];
    key[0] = (byte) clientId.length;
    System.arraycopy(clientId, 0, key, 1, clientId.length);
    System.arraycopy(revision(seq), 0, key, 1 + clientId.length, 8);
    return key;
  }

  /** The meta key holding the highest acked_below applied for {@code clientId}. */
  static byte[] dedupFloor(byte[] clientId) {
    byte[] prefix = StateStore.META_DEDUP_FLOOR_PREFIX.getBytes(StandardCharsets.US_ASCII);
    byte[] key = Arrays.copyOf(prefix, prefix.length + clientId.length);
    System.arraycopy(clientId, 0, key, prefix.length, clientId.length);
    return key;
  }

  static byte[] dedupPrefix(byte[] clientId) {
    byte[] key = new byte[1 + clientId.length];
    key[0] = (byte) clientId.length;
    System.arraycopy(clientId, 0, key, 1, clientId.length);
    return key;
  }

  /** {@code [revision][dedup key]}: requests in the order they were applied. */
  static byte[] dedupOrder(long revision, byte[] clientId, long seq) {
    byte[] dedup = dedup(clientId, seq);
    byte[] key = Arrays.copyOf(revision(revision), 8 + dedup.length);
    System.arraycopy(dedup, 0, key, 8, dedup.length);
    return key;
  }

  static byte[] dedupClient(byte[] dedupKey) {
    return Arrays.copyOfRange(dedupKey, 1, 1 + (dedupKey[0] & 0xff));
  }

  static long dedupSeq(byte[] dedupKey) {
    return revision(Arrays.copyOfRange(dedupKey, dedupKey.length - 8, dedupKey.length));
  }

  static byte[] revision(long revision) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) revision;
      revision >>>= 8;
    }
    return b;
  }

  static long revision(byte[] key) {
    long r = 0;
    for (int i = 0; i < 8; i++) {
      r = (r << 8) | (key[i] & 0xff);
    }
    return r;
  }
}
