package org.clusterdb.client;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.proto.api.v1.ErrorDetail;
import org.clusterdb.proto.api.v1.Event;
import org.clusterdb.proto.api.v1.WatchCreateRequest;
import org.clusterdb.proto.api.v1.WatchGrpc;
import org.clusterdb.proto.api.v1.WatchResponse;
import org.clusterdb.proto.wire.WireCodec;
import org.clusterdb.proto.wire.WireErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch over the Watch stream of some member, moved to another member whenever the stream or
 * its member fails: it resumes from one past the last delivered revision and drops any batch it
 * already delivered, so the listener sees every revision once, in order. It ends on close, on a
 * server's cancel (COMPACTED, SLOW_WATCHER, a bad request), or when the client closes.
 *
 * <p>Listener calls are made under {@link #delivery}, one at a time; {@link #close()} takes the
 * same lock, so once it returns no call starts. Stream callbacks of an abandoned stream are told
 * apart by their generation and ignored.
 */
final class ClientWatch implements Watch {
  private static final Logger LOG = LoggerFactory.getLogger(ClientWatch.class);

  private final WatchRequest request;
  private final WatchListener listener;
  private final Endpoints endpoints;
  private final ScheduledExecutorService timer;
  private final ExecutorService worker;
  private final Backoff backoff;
  private final Consumer<ClientWatch> onEnd;

  private final ReentrantLock delivery = new ReentrantLock();
  // Guarded by delivery.
  private long lastDelivered;
  private volatile long nextRevision;

  // Guarded by this.
  private boolean ended;
  private int generation;
  private int failures;
  private String address;
  private ClientCall<org.clusterdb.proto.api.v1.WatchRequest, WatchResponse> call;

  ClientWatch(
      WatchRequest request,
      WatchListener listener,
      Endpoints endpoints,
      ScheduledExecutorService timer,
      ExecutorService worker,
      Backoff backoff,
      Consumer<ClientWatch> onEnd) {
    this.request = Objects.requireNonNull(request, "request");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.endpoints = endpoints;
    this.timer = timer;
    this.worker = worker;
    this.backoff = backoff;
    this.onEnd = onEnd;
    this.nextRevision = request.startRevision();
  }

  void start() {
    connect(endpoints.first(false));
  }

  @Override
  public long nextRevision() {
    return nextRevision;
  }

  @Override
  public void close() {
    ClientCall<?, ?> c;
    delivery.lock();
    try {
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
        c = call;
        call = null;
      }
    } finally {
      delivery.unlock();
    }
    if (c != null) {
      c.cancel("watch closed", null);
    }
    onEnd.accept(this);
  }

  /** Ends the watch with {@code error} to the listener, whatever stream is current. */
  void end(ClusterDbException error) {
    fail(-1, error);
  }

  private void connect(String target) {
    ClientCall<org.clusterdb.proto.api.v1.WatchRequest, WatchResponse> c;
    int gen;
    synchronized (this) {
      if (ended) {
        return;
      }
      try {
        c = endpoints.channel(target).newCall(WatchGrpc.getWatchMethod(), CallOptions.DEFAULT);
      } catch (ClusterDbException closed) {
        return;
      }
      gen = ++generation;
      address = target;
      call = c;
      // Started under the lock so that close() cannot cancel a call that is not yet started;
      // gRPC runs the callbacks on its executor, never inside these calls.
      StreamObserver<org.clusterdb.proto.api.v1.WatchRequest> requests =
          ClientCalls.asyncBidiStreamingCall(c, new Responses(gen));
      requests.onNext(createRequest(nextRevision));
    }
    LOG.debug(
        "watch stream opened table={} endpoint={} fromRevision={}",
        request.table(),
        target,
        nextRevision);
  }

  private org.clusterdb.proto.api.v1.WatchRequest createRequest(long from) {
    return org.clusterdb.proto.api.v1.WatchRequest.newBuilder()
        .setCreate(
            WatchCreateRequest.newBuilder()
                .setTable(request.table())
                .setKeyPrefix(WireCodec.bytes(request.prefix()))
                .setStartRevision(from))
        .build();
  }

  private synchronized boolean current(int gen) {
    return !ended && (gen < 0 || gen == generation);
  }

  private void created(int gen, WatchResponse r) {
    synchronized (this) {
      if (!current(gen)) {
        return;
      }
      failures = 0;
    }
    delivery.lock();
    try {
      // "From the next write" means from after the revision the member had when the watch was
      // created; pinning it lets a reconnect before the first event resume without a gap.
      if (lastDelivered == 0 && nextRevision == 0 && r.getHeader().getRevision() > 0) {
        nextRevision = r.getHeader().getRevision() + 1;
      }
    } finally {
      delivery.unlock();
    }
  }

  private void events(int gen, WatchResponse r) {
    long revision =
        r.getHeader().getRevision() > 0
            ? r.getHeader().getRevision()
            : r.getEvents(0).getKv().getModRevision();
    List<WatchEvent> events = new ArrayList<>(r.getEventsCount());
    for (Event e : r.getEventsList()) {
      events.add(WireCodec.event(e));
    }
    delivery.lock();
    try {
      if (!current(gen)) {
        return;
      }
      if (revision <= lastDelivered) {
        // A member we resumed on replayed what the previous one had delivered.
        LOG.debug(
            "dropping already delivered watch revision table={} revision={} lastDelivered={}",
            request.table(),
            revision,
            lastDelivered);
        return;
      }
      try {
        listener.onEvents(revision, List.copyOf(events));
      } catch (RuntimeException e) {
        LOG.warn(
            "watch listener failed, watch stopped table={} revision={} error={}",
            request.table(),
            revision,
            e.toString());
        close();
        return;
      }
      lastDelivered = revision;
      nextRevision = revision + 1;
    } finally {
      delivery.unlock();
    }
  }

  private void canceled(int gen, WatchResponse r) {
    ClusterDbException e;
    if (r.hasCancelReason()) {
      e = WireErrors.fromDetail(r.getCancelReason(), r.getCancelMessage());
    } else if (r.getCompactRevision() > 0) {
      e =
          WireErrors.fromDetail(
              ErrorDetail.newBuilder()
                  .setCode(ErrorCode.COMPACTED.number())
                  .setDefinite(true)
                  .setOldestRevision(r.getCompactRevision())
                  .build(),
              r.getCancelMessage().isEmpty()
                  ? "watch start revision compacted"
                  : r.getCancelMessage());
    } else {
      e =
          new ClusterDbException(
              ErrorCode.UNAVAILABLE, "the member canceled the watch without a reason");
    }
    if (isEndpointFailure(e)) {
      streamFailed(gen, e);
    } else {
      fail(gen, e);
    }
  }

  private void streamError(int gen, Throwable t) {
    ClusterDbException e = WireErrors.fromStatus(t, false);
    if (isEndpointFailure(e)) {
      streamFailed(gen, e);
    } else {
      fail(gen, e);
    }
  }

  /** The stream or its member failed: resume on another member after a pause. */
  private void streamFailed(int gen, ClusterDbException e) {
    ClientCall<?, ?> old;
    String failed;
    String next;
    long delay;
    synchronized (this) {
      if (!current(gen)) {
        return;
      }
      // Abandon the stream now, so nothing it still sends is delivered.
      generation++;
      old = call;
      call = null;
      failed = address;
      next = endpoints.next(failed, false);
      delay = backoff.delayMillis(failures++);
    }
    if (old != null) {
      old.cancel("abandoned after a failure", null);
    }
    endpoints.failed(failed, e);
    LOG.info(
        "watch stream failed, resuming table={} endpoint={} next={} fromRevision={} delayMs={}"
            + " code={}",
        request.table(),
        failed,
        next,
        nextRevision,
        delay,
        e.code());
    try {
      timer.schedule(() -> worker.execute(() -> connect(next)), delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // The client is closing; it ends this watch itself.
    }
  }

  /** Ends the watch: the listener gets {@code error} unless the watch already ended. */
  private void fail(int gen, ClusterDbException error) {
    ClientCall<?, ?> c;
    delivery.lock();
    try {
      synchronized (this) {
        if (!current(gen)) {
          return;
        }
        ended = true;
        c = call;
        call = null;
      }
      LOG.info(
          "watch ended table={} nextRevision={} code={}",
          request.table(),
          nextRevision,
          error.code());
      try {
        listener.onError(error);
      } catch (RuntimeException e) {
        LOG.warn("watch listener failed on error table={} error={}", request.table(), e.toString());
      }
    } finally {
      delivery.unlock();
    }
    if (c != null) {
      c.cancel("watch ended", null);
    }
    onEnd.accept(this);
  }

  /**
   * Errors that say the member or the stream could not serve the watch, rather than that the watch
   * itself cannot go on: another member may serve it. INTERNAL counts, since a transport that
   * breaks mid-stream (a reset, a protocol error) surfaces as INTERNAL.
   */
  private static boolean isEndpointFailure(ClusterDbException e) {
    return switch (e.code()) {
      case UNAVAILABLE, NOT_LEADER, NO_LEADER, TIMEOUT, INTERNAL -> true;
      default -> false;
    };
  }

  private final class Responses implements StreamObserver<WatchResponse> {
    private final int gen;

    Responses(int gen) {
      this.gen = gen;
    }

    @Override
    public void onNext(WatchResponse r) {
      // A create refused at once (say COMPACTED) may come as created and canceled together.
      if (r.getCanceled()) {
        canceled(gen, r);
        return;
      }
      if (r.getCreated()) {
        created(gen, r);
      }
      if (r.getEventsCount() > 0) {
        events(gen, r);
      }
    }

    @Override
    public void onError(Throwable t) {
      streamError(gen, t);
    }

    @Override
    public void onCompleted() {
      streamFailed(
          gen, new ClusterDbException(ErrorCode.UNAVAILABLE, "the member ended the watch stream"));
    }
  }
}
