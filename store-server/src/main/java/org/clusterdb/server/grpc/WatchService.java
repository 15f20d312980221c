package org.clusterdb.server.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.CompactedException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Header;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.core.ClusterDb;
import org.clusterdb.proto.api.v1.WatchCreateRequest;
import org.clusterdb.proto.api.v1.WatchGrpc;
import org.clusterdb.proto.api.v1.WatchResponse;
import org.clusterdb.proto.wire.WireCodec;
import org.clusterdb.proto.wire.WireErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Watch service: one bidirectional stream carries many watches. Each create is answered with
 * {@code created} and its id before any event; then one response per revision, in order. A watch
 * the member has to end is answered with {@code canceled} and the typed reason.
 *
 * <p>Flow control: a listener waits while the client's stream is not ready, so a slow client holds
 * back only its own watches; if it stays behind, the member stops the watch with {@code
 * SLOW_WATCHER} and the revision to resume from.
 */
public final class WatchService extends WatchGrpc.WatchImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(WatchService.class);
  private static final long READY_WAIT_MS = 100;

  private final ClusterDb db;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();

  public WatchService(ClusterDb db) {
    this.db = db;
  }

  @Override
  public StreamObserver<org.clusterdb.proto.api.v1.WatchRequest> watch(
      StreamObserver<WatchResponse> responses) {
    Stream s = new Stream((ServerCallStreamObserver<WatchResponse>) responses);
    streams.add(s);
    return s;
  }

  /**
   * Ends every stream with UNAVAILABLE, so clients resume their watches on another member rather
   * than wait for this one: watch streams never finish by themselves.
   */
  public void shutdown() {
    ClusterDbException leaving =
        new ClusterDbException(ErrorCode.UNAVAILABLE, "the member is shutting down");
    for (Stream s : streams) {
      s.fail(leaving);
    }
  }

  private final class Stream implements StreamObserver<org.clusterdb.proto.api.v1.WatchRequest> {
    private final ServerCallStreamObserver<WatchResponse> out;
    private final Map<Long, Watch> watches = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final Object ready = new Object();
    private volatile boolean closed;

    Stream(ServerCallStreamObserver<WatchResponse> out) {
      this.out = out;
      out.setOnReadyHandler(
          () -> {
            synchronized (ready) {
              ready.notifyAll();
            }
          });
      out.setOnCancelHandler(this::closeAll);
    }

    @Override
    public void onNext(org.clusterdb.proto.api.v1.WatchRequest request) {
      switch (request.getRequestCase()) {
        case CREATE -> create(request.getCreate());
        case CANCEL -> {
          long id = request.getCancel().getWatchId();
          Watch w = watches.remove(id);
          if (w != null) {
            w.close();
          }
          send(
              WatchResponse.newBuilder()
                  .setHeader(WireCodec.header(db.currentHeader()))
                  .setWatchId(id)
                  .setCanceled(true)
                  .build());
        }
        case REQUEST_NOT_SET -> {
          ClusterDbException e = ClusterDbException.invalid("request", "no request set");
          send(canceled(0, e));
        }
      }
    }

    private void create(WatchCreateRequest c) {
      long id = nextId.getAndIncrement();
      WatchRequest request;
      try {
        request =
            new WatchRequest(c.getTable(), WireCodec.bytes(c.getKeyPrefix()), c.getStartRevision());
      } catch (IllegalArgumentException e) {
        send(canceled(id, ClusterDbException.invalid("start_revision", e.getMessage())));
        return;
      }
      // Sent before registering, so it precedes every event of this watch.
      send(
          WatchResponse.newBuilder()
              .setHeader(WireCodec.header(db.currentHeader()))
              .setWatchId(id)
              .setCreated(true)
              .build());
      try {
        watches.put(id, db.watch(request, new Listener(id)));
      } catch (ClusterDbException e) {
        send(canceled(id, e));
      }
      if (closed) {
        closeAll();
      }
    }

    private final class Listener implements WatchListener {
      private final long id;

      Listener(long id) {
        this.id = id;
      }

      @Override
      public void onEvents(long revision, List<WatchEvent> events) {
        awaitReady();
        Header header = db.currentHeader();
        WatchResponse.Builder r =
            WatchResponse.newBuilder()
                .setHeader(
                    WireCodec.header(
                        new Header(header.clusterId(), header.memberId(), revision, header.term())))
                .setWatchId(id);
        events.forEach(e -> r.addEvents(WireCodec.event(e)));
        send(r.build());
      }

      @Override
      public void onError(ClusterDbException error) {
        watches.remove(id);
        send(canceled(id, error));
      }
    }

    private WatchResponse canceled(long id, ClusterDbException e) {
      WatchResponse.Builder r =
          WatchResponse.newBuilder()
              .setHeader(WireCodec.header(db.currentHeader()))
              .setWatchId(id)
              .setCanceled(true)
              .setCancelReason(WireErrors.detail(e))
              .setCancelMessage(String.valueOf(e.getMessage()));
      if (e instanceof CompactedException ce) {
        r.setCompactRevision(ce.oldestRevision());
      }
      return r.build();
    }

    /** Holds this watch's delivery while the client is not reading; the hub bounds the backlog. */
    private void awaitReady() {
      synchronized (ready) {
        while (!closed && !out.isReady()) {
          try {
            ready.wait(READY_WAIT_MS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }

    private void send(WatchResponse response) {
      synchronized (out) {
        if (closed) {
          return;
        }
        try {
          out.onNext(response);
        } catch (RuntimeException e) {
          // The call was cancelled under us: the client is gone.
          LOG.debug("watch stream send failed error={}", e.toString());
          closeAll();
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      closeAll();
    }

    void fail(ClusterDbException e) {
      closeAll();
      synchronized (out) {
        try {
          out.onError(WireErrors.toStatus(e));
        } catch (RuntimeException ignored) {
          // Already finished.
        }
      }
    }

    @Override
    public void onCompleted() {
      closeAll();
      synchronized (out) {
        try {
          out.onCompleted();
        } catch (RuntimeException e) {
          LOG.debug("watch stream completion failed error={}", e.toString());
        }
      }
    }

    private void closeAll() {
      closed = true;
      streams.remove(this);
      for (Long id : watches.keySet()) {
        Watch w = watches.remove(id);
        if (w != null) {
          w.close();
        }
      }
      synchronized (ready) {
        ready.notifyAll();
      }
    }
  }
}
