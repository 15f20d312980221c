package org.clusterdb.core.watch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.CompactedException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.core.codec.ApiCodec;
import org.clusterdb.core.fsm.StateReader;
import org.clusterdb.proto.log.v1.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one store's changes to its watchers, with none missing or repeated.
 *
 * <p>The store's single writer calls {@link #publish} after each commit, in revision order.
 * Registration and publication share one lock, and each watcher remembers the next revision it
 * needs; so a revision read from history during registration is never published to it again, and
 * one committed after is never missed. Delivery runs on an executor, serially per watcher.
 */
public final class WatchHub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);

  private final String name;
  private final Executor executor;
  private final long maxPendingBytes;
  private final Object lock = new Object();
  private final Set<Watcher> watchers = new LinkedHashSet<>();
  private boolean closed;

  /**
   * @param name for logs
   * @param executor runs listener calls
   * @param maxPendingBytes a watcher whose undelivered events exceed this is stopped with {@link
   *     ErrorCode#SLOW_WATCHER}
   */
  public WatchHub(String name, Executor executor, long maxPendingBytes) {
    this.name = Objects.requireNonNull(name, "name");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.maxPendingBytes = maxPendingBytes;
  }

  /**
   * Registers a watch. {@code state} must be a consistent view no older than the last published
   * revision; the caller closes it after this returns.
   */
  public Watch register(WatchRequest request, WatchListener listener, StateReader state) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      long current = state.revision();
      long start = request.startRevision() == 0 ? current + 1 : request.startRevision();
      Watcher w = new Watcher(request, listener, start);
      if (closed) {
        w.fail(new ClusterDbException(ErrorCode.UNAVAILABLE, "the store is closed"));
        return w;
      }
      if (!catchUp(w, state)) {
        return w;
      }
      watchers.add(w);
      return w;
    }
  }

  /** Delivers the events of a newly committed revision. Called by the store's writer only. */
  public void publish(long revision, List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    synchronized (lock) {
      for (Watcher w : watchers) {
        if (revision >= w.next) {
          w.offer(revision, events);
          w.next = revision + 1;
        }
      }
      watchers.removeIf(w -> w.closed);
    }
  }

  /**
   * After the store's state was replaced wholesale (snapshot install): replays to each watcher the
   * revisions it has not seen, from the new state's history, or fails it with {@link
   * ErrorCode#COMPACTED} if they are no longer retained.
   */
  public void resync(StateReader state) {
    synchronized (lock) {
      for (Watcher w : new ArrayList<>(watchers)) {
        if (!catchUp(w, state)) {
          watchers.remove(w);
        }
      }
    }
  }

  /** Ends every watch with {@link ErrorCode#UNAVAILABLE}. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      for (Watcher w : watchers) {
        w.fail(new ClusterDbException(ErrorCode.UNAVAILABLE, "the store is closed"));
      }
      watchers.clear();
    }
  }

  /** Number of live watches. */
  public int size() {
    synchronized (lock) {
      return watchers.size();
    }
  }

  /** Replays history up to the state's revision; false if the watcher failed. Holds the lock. */
  private boolean catchUp(Watcher w, StateReader state) {
    long current = state.revision();
    if (w.next <= current) {
      long oldest = state.historyOldest();
      if (w.next < oldest) {
        w.fail(new CompactedException(w.next, oldest));
        return false;
      }
      long r = w.next;
      while (r <= current && !w.closed) {
        var entry = state.historyAtOrAfter(r);
        if (entry.isEmpty() || entry.get().revision() > current) {
          break;
        }
        w.offer(entry.get().revision(), entry.get().record().getEventsList());
        r = entry.get().revision() + 1;
      }
      w.next = current + 1;
    }
    return !w.closed;
  }

  private final class Watcher implements Watch, Runnable {
    private final WatchRequest request;
    private final WatchListener listener;

    /** Next revision to offer; guarded by the hub lock. */
    private long next;

    private final ArrayDeque<Batch> queue = new ArrayDeque<>();
    private long pendingBytes;
    private boolean scheduled;
    private ClusterDbException failure;
    private volatile boolean closed;
    private volatile long resumeFrom;
    private final ReentrantLock delivery = new ReentrantLock();

    Watcher(WatchRequest request, WatchListener listener, long start) {
      this.request = request;
      this.listener = listener;
      this.next = start;
      this.resumeFrom = start;
    }

    void offer(long revision, List<Event> events) {
      List<WatchEvent> matching = new ArrayList<>();
      long bytes = 0;
      for (Event e : events) {
        if (e.getTable().equals(request.table()) && startsWith(e, request.prefix())) {
          matching.add(ApiCodec.event(e));
          bytes += e.getSerializedSize();
        }
      }
      synchronized (this) {
        if (closed) {
          return;
        }
        if (matching.isEmpty()) {
          if (queue.isEmpty()) {
            resumeFrom = Math.max(resumeFrom, revision + 1);
          }
          return;
        }
        queue.add(new Batch(revision, matching, bytes));
        pendingBytes += bytes;
        if (pendingBytes > maxPendingBytes) {
          long resume = queue.peek().revision;
          queue.clear();
          pendingBytes = 0;
          resumeFrom = resume;
          failLocked(
              new ClusterDbException(
                  ErrorCode.SLOW_WATCHER,
                  "watch on table '"
                      + request.table()
                      + "' fell more than "
                      + maxPendingBytes
                      + " bytes behind; resume from revision "
                      + resume));
          return;
        }
        schedule();
      }
    }

    void fail(ClusterDbException e) {
      synchronized (this) {
        if (!closed) {
          queue.clear();
          pendingBytes = 0;
          failLocked(e);
        }
      }
    }

    private void failLocked(ClusterDbException e) {
      closed = true;
      failure = e;
      schedule();
    }

    private void schedule() {
      if (!scheduled) {
        scheduled = true;
        try {
          executor.execute(this);
        } catch (RejectedExecutionException e) {
          scheduled = false;
          closed = true;
          queue.clear();
        }
      }
    }

    /** Drains the queue; only one drain per watcher runs at a time. */
    @Override
    public void run() {
      while (true) {
        // Held across the listener call so that close() waits for a call in progress.
        delivery.lock();
        try {
          Batch batch;
          ClusterDbException error;
          synchronized (this) {
            batch = queue.poll();
            error = batch == null ? failure : null;
            if (batch == null) {
              failure = null;
              if (error == null) {
                scheduled = false;
                return;
              }
            } else {
              pendingBytes -= batch.bytes();
            }
          }
          if (batch != null) {
            listener.onEvents(batch.revision(), batch.events());
            resumeFrom = Math.max(resumeFrom, batch.revision() + 1);
          } else {
            listener.onError(error);
          }
        } catch (RuntimeException e) {
          LOG.warn(
              "watch listener failed, watch stopped hub={} table={} error={}",
              name,
              request.table(),
              e.toString());
          synchronized (this) {
            closed = true;
            queue.clear();
            failure = null;
          }
        } finally {
          delivery.unlock();
        }
      }
    }

    @Override
    public long nextRevision() {
      return resumeFrom;
    }

    @Override
    public void close() {
      delivery.lock();
      try {
        synchronized (this) {
          closed = true;
          queue.clear();
          pendingBytes = 0;
          failure = null;
        }
      } finally {
        delivery.unlock();
      }
      synchronized (lock) {
        watchers.remove(this);
      }
    }
  }

  private static boolean startsWith(Event e, Bytes prefix) {
    return prefix.isEmpty() || e.getKv().getKey().startsWith(ApiCodec.bytes(prefix));
  }

  private record Batch(long revision, List<WatchEvent> events, long bytes) {}
}
