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
