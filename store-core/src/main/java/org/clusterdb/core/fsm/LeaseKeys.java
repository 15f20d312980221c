package org.clusterdb.core.fsm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys of {@link TableNames#LEASES} and {@link TableNames#LEASE_KEYS}. A lease id is 8 bytes,
 * big-endian, so one lease's attached keys are one contiguous range; a table name is ASCII without
 * a zero byte, so the zero byte after it cannot be part of it.
 */
public final class LeaseKeys {
  private LeaseKeys() {}

  /** A key of the attachment index, decoded. */
  public record Attached(long lease, String table, byte[] key) {}

  /** The row of lease {@code id} in {@link TableNames#LEASES}. */
  public static byte[] lease(long id) {
    return ByteBuffer.allocate(Long.BYTES).putLong(id).array();
  }

  /** The lease id of a row of {@link TableNames#LEASES}. */
  public static long leaseId(byte[] row) {
    return ByteBuffer.wrap(row).getLong();
  }

  /** The index row saying that {@code key} of {@code table} is attached to {@code lease}. */
  public static byte[] attached(long lease, String table, byte[] key) {
    byte[] name = table.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(Long.BYTES + name.length + 1 + key.length)
        .putLong(lease)
        .put(name)
        .put((byte) 0)
        .put(key)
        .array();
  }

  /** The first index row of {@code lease}. */
  public static byte[] first(long lease) {
    return lease(lease);
  }

  /** The index row just past the last of {@code lease}; null after the last lease id. */
  public static byte[] end(long lease) {
    return lease == -1L ? null : lease(lease + 1);
  }

  /** Decodes an index row. */
  public static Attached decode(byte[] row) {
    ByteBuffer b = ByteBuffer.wrap(row);
    long lease = b.getLong();
    int zero = Long.BYTES;
    while (row[zero] != 0) {
      zero++;
    }
    String table = new String(row, Long.BYTES, zero - Long.BYTES, StandardCharsets.US_ASCII);
    return new Attached(lease, table, Arrays.copyOfRange(row, zero + 1, row.length));
  }
}
