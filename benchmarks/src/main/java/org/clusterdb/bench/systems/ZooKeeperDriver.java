package org.clusterdb.bench.systems;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.Watcher.WatcherType;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.clusterdb.bench.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ZooKeeper session whose keys are the children of {@value #ROOT}. Every future completes on the
 * session's event thread, so whatever the caller chains onto it must not block.
 */
public final class ZooKeeperDriver implements Driver {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperDriver.class);

  static final String ROOT = "/bench";
  private static final String PREFIX = ROOT + "/";
  // Long enough to outlive a leader election, short enough that a dead session is noticed.
  private static final int SESSION_TIMEOUT_MS = 15_000;
  // A create/setData race with another writer retries; nothing in the benchmark deletes keys.
  private static final int UPSERT_ATTEMPTS = 4;

  private final String connectString;
  private final ZooKeeper zk;

  /**
   * Opens a session on {@code connectString} and creates {@value #ROOT} if it is missing; fails if
   * the session is not connected within {@code connectTimeout}.
   */
  public ZooKeeperDriver(String connectString, Duration connectTimeout) {
    this.connectString = connectString;
    CountDownLatch connected = new CountDownLatch(1);
    try {
      zk = new ZooKeeper(connectString, SESSION_TIMEOUT_MS, event -> onState(event, connected));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a ZooKeeper session on " + connectString, e);
    }
    try {
      if (!connected.await(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "no ZooKeeper session on " + connectString + " within " + connectTimeout);
      }
      createRoot(connectTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted connecting to " + connectString, e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void onState(WatchedEvent event, CountDownLatch connected) {
    KeeperState state = event.getState();
    if (state == KeeperState.SyncConnected) {
      connected.countDown();
    } else if (state == KeeperState.Expired) {
      // Every later operation fails with SESSIONEXPIRED; the caller opens a new driver.
      LOG.warn("zookeeper session expired servers={}", connectString);
    } else if (state == KeeperState.Disconnected) {
      LOG.info("zookeeper session disconnected servers={}", connectString);
    }
  }

  private void createRoot(Duration timeout) throws InterruptedException {
    CompletableFuture<Void> done = new CompletableFuture<>();
    zk.create(
        ROOT,
        new byte[0],
        ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT,
        (rc, path, ctx, name) -> {
          Code code = Code.get(rc);
          if (code == Code.OK || code == Code.NODEEXISTS) {
            done.complete(null);
          } else {
            done.completeExceptionally(KeeperException.create(code, path));
          }
        },
        null);
    await(done, timeout, "create " + ROOT);
  }

  static String path(String key) {
    return PREFIX + key;
  }

  /** Upsert: setData, and on NONODE create; completes with the znode's new {@link Stat}. */
  @Override
  public CompletableFuture<Stat> write(String key, byte[] value) {
    CompletableFuture<Stat> result = new CompletableFuture<>();
    try {
      setData(path(key), value, result, UPSERT_ATTEMPTS);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  private void setData(String path, byte[] value, CompletableFuture<Stat> result, int attempts) {
    zk.setData(
        path,
        value,
        -1,
        (rc, p, ctx, stat) -> {
          Code code = Code.get(rc);
          if (code == Code.OK) {
            result.complete(stat);
          } else if (code == Code.NONODE && attempts > 1) {
            create(path, value, result, attempts - 1);
          } else {
            result.completeExceptionally(KeeperException.create(code, p));
          }
        },
        null);
  }

  private void create(String path, byte[] value, CompletableFuture<Stat> result, int attempts) {
    zk.create(
        path,
        value,
        ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT,
        (rc, p, ctx, name, stat) -> {
          Code code = Code.get(rc);
          if (code == Code.OK) {
            result.complete(stat);
          } else if (code == Code.NODEEXISTS && attempts > 1) {
            // Another writer created it between our setData and create.
            setData(path, value, result, attempts - 1);
          } else {
            result.completeExceptionally(KeeperException.create(code, p));
          }
        },
        null);
  }

  /**
   * sync, then getData, pipelined: the server answers a session's requests in order, so the read
   * sees everything committed before the sync. Completes with the value, or null if the key does
   * not exist.
   */
  @Override
  public CompletableFuture<byte[]> read(String key) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    String path = path(key);
    // Callbacks of one session run in order on its event thread: the sync's comes first.
    AtomicReference<KeeperException> syncFailure = new AtomicReference<>();
    try {
      zk.sync(
          path,
          (rc, p, ctx) -> {
            if (rc != Code.OK.intValue()) {
              syncFailure.set(KeeperException.create(Code.get(rc), p));
            }
          },
          null);
      zk.getData(
          path,
          false,
          (rc, p, ctx, data, stat) -> {
            Code code = Code.get(rc);
            if (syncFailure.get() != null) {
              result.completeExceptionally(syncFailure.get());
            } else if (code == Code.OK) {
              result.complete(data);
            } else if (code == Code.NONODE) {
              result.complete(null);
            } else {
              result.completeExceptionally(KeeperException.create(code, p));
            }
          },
          null);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  /**
   * A persistent recursive watch on {@value #ROOT}: {@code onEvent} gets the key of every create
   * and every data change, on the session's event thread.
   */
  @Override
  public AutoCloseable watch(Consumer<String> onEvent) throws Exception {
    Watcher watcher =
        event -> {
          EventType type = event.getType();
          String path = event.getPath();
          if ((type == EventType.NodeDataChanged || type == EventType.NodeCreated)
              && path != null
              && path.startsWith(PREFIX)) {
            onEvent.accept(path.substring(PREFIX.length()));
          }
        };
    CompletableFuture<Void> added = new CompletableFuture<>();
    zk.addWatch(
        ROOT,
        watcher,
        AddWatchMode.PERSISTENT_RECURSIVE,
        (rc, path, ctx) -> {
          if (rc == Code.OK.intValue()) {
            added.complete(null);
          } else {
            added.completeExceptionally(KeeperException.create(Code.get(rc), path));
          }
        },
        null);
    await(added, Duration.ofMillis(SESSION_TIMEOUT_MS), "addWatch " + ROOT);
    return () -> removeWatch(watcher);
  }

  private void removeWatch(Watcher watcher) throws KeeperException, InterruptedException {
    try {
      zk.removeWatches(ROOT, watcher, WatcherType.Any, false);
    } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException e) {
      // The server dropped the watch with the connection; drop the client's copy so a reconnect
      // does not register it again.
      zk.removeWatches(ROOT, watcher, WatcherType.Any, true);
    }
  }

  private static <T> T await(CompletableFuture<T> future, Duration timeout, String what)
      throws InterruptedException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + " failed", e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " did not complete within " + timeout, e);
    }
  }

  @Override
  public void close() {
    try {
      zk.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ZooKeeperDriver[" + connectString + "]";
  }
}
