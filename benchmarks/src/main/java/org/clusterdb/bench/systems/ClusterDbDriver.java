package org.clusterdb.bench.systems;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.bench.Driver;
import org.clusterdb.client.ClusterDbClient;

/** The harness's client of clusterdb: store-client over gRPC, one cluster table. */
final class ClusterDbDriver implements Driver {
  private static final String MARKER = "watch-marker";

  private final ClusterDbClient client;

  ClusterDbDriver(ClusterDbClient client) {
    this.client = client;
  }

  @Override
  public CompletableFuture<?> write(String key, byte[] value) {
    return client.put(ClusterDbSystem.TABLE, Bytes.of(key), Bytes.wrap(value));
  }

  @Override
  public CompletableFuture<byte[]> read(String key) {
    return client
        .get(ClusterDbSystem.TABLE, Bytes.of(key), Consistency.LINEARIZABLE)
        .thenApply(kv -> kv.map(x -> x.value().toByteArray()).orElse(null));
  }

  @Override
  public CompletableFuture<?> localRead(String key) {
    return client.get(ClusterDbSystem.TABLE, Bytes.of(key), Consistency.LOCAL);
  }

  /** Returns once a marker written after the watch started has come through it. */
  @Override
  public AutoCloseable watch(Consumer<String> onEvent) throws Exception {
    CountDownLatch marked = new CountDownLatch(1);
    Watch w =
        client.watch(
            WatchRequest.table(ClusterDbSystem.TABLE),
            new WatchListener() {
              @Override
              public void onEvents(long revision, List<WatchEvent> events) {
                for (WatchEvent e : events) {
                  String key = new String(e.kv().key().toByteArray(), StandardCharsets.UTF_8);
                  if (key.equals(MARKER)) {
                    marked.countDown();
                  } else if (e.type() == WatchEvent.Type.PUT) {
                    onEvent.accept(key);
                  }
                }
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!marked.await(200, TimeUnit.MILLISECONDS)) {
      if (System.nanoTime() > deadline) {
        w.close();
        throw new IllegalStateException("the watch saw no marker within 30 s");
      }
      write(MARKER, new byte[] {1}).get(10, TimeUnit.SECONDS);
    }
    return w::close;
  }

  @Override
  public void close() {
    client.close();
  }
}
