package org.clusterdb.core.fsm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.clusterdb.proto.log.v1.TableMeta;

/**
 * A digest of a replica's tables and rows, equal on two replicas exactly when they hold the same
 * data: the revision, every table with its creation revision, and every row with its value and MVCC
 * metadata, in key order. The watch history and request-dedup records are left out: they are not
 * what clients read.
 */
public final class StateDigest {
  private StateDigest() {}

  /** SHA-256 over {@code state}; reads every row, so it costs a full scan. */
  public static byte[] of(StateReader state) {
    return of(state, () -> false).orElseThrow();
  }

  /**
   * As {@link #of(StateReader)}, but gives up, returning empty, as soon as {@code stop} answers
   * true: a long scan must not hold up closing the store.
   */
  public static Optional<byte[]> of(StateReader state, BooleanSupplier stop) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    ByteBuffer number = ByteBuffer.allocate(Long.BYTES);
    update(sha, number, state.revision());
    for (TableMeta t : state.tables()) {
      bytes(sha, number, t.getName().getBytes(StandardCharsets.UTF_8));
      update(sha, number, t.getCreateRevision());
      state.scan(
          t.getName(),
          new byte[0],
          null,
          (key, value) -> {
            if (stop.getAsBoolean()) {
              return false;
            }
            bytes(sha, number, key);
            bytes(sha, number, value.getValue().toByteArray());
            update(sha, number, value.getCreateRevision());
            update(sha, number, value.getModRevision());
            update(sha, number, value.getVersion());
            return true;
          });
    }
    return stop.getAsBoolean() ? Optional.empty() : Optional.of(sha.digest());
  }

  private static void bytes(MessageDigest sha, ByteBuffer number, byte[] b) {
    // Length-prefixed, so that no two different sequences of fields hash alike.
    update(sha, number, b.length);
    sha.update(b);
  }

  private static void update(MessageDigest sha, ByteBuffer number, long v) {
    number.clear();
    number.putLong(v);
    sha.update(number.array());
  }
}
