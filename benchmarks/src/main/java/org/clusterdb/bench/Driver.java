package org.clusterdb.bench;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One client of a system under test, as the load generator sees it. Every operation is asynchronous
 * so that one generator thread can keep N requests in flight; a future completes when the system
 * has acknowledged the operation (a write is durable on a quorum, a read is answered). Thread-safe.
 */
public interface Driver extends AutoCloseable {
  /** Sets {@code key} to {@code value}. */
  CompletableFuture<?> write(String key, byte[] value);

  /**
   * Reads {@code key} linearizably: the answer reflects every write acknowledged before. Completes
   * with the value, or null if the key does not exist.
   */
  CompletableFuture<byte[]> read(String key);

  /**
   * Reads {@code key} from the replica the client talks to, without a round trip through the
   * leader; throws {@link UnsupportedOperationException} if the system has no such read.
   */
  default CompletableFuture<?> localRead(String key) {
    throw new UnsupportedOperationException("no local read");
  }

  /**
   * Starts watching every key under the benchmark's key space; {@code onEvent} gets the key of each
   * change, on the client's thread. Returns once the watch is registered.
   */
  AutoCloseable watch(Consumer<String> onEvent) throws Exception;

  @Override
  void close();
}
