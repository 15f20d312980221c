package org.clusterdb.client;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.NotLeaderException;
import org.clusterdb.proto.wire.WireErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one logical unary operation as a series of attempts, each with its own deadline, until an
 * answer, an error that retrying cannot fix, or the operation's deadline.
 *
 * <p>A write is sent unchanged on every attempt, so its {@code RequestId} makes the cluster apply
 * it at most once. A write's error is definite only when every attempt surely had no effect: an
 * attempt that never reached a transport is definite whatever the status says, one that did and
 * then failed without a server's answer is not. Thread-safe.
 */
final class RetryingCaller {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingCaller.class);

  /** Below this an attempt could not even complete a round trip; the deadline counts as passed. */
  private static final long MIN_ATTEMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** How an operation may be retried and where it goes first. */
  enum Kind {
    /**
     * Safe to repeat and served by any member: LOCAL reads, status, membership, snapshots. Goes
     * first to the endpoint that last answered.
     */
    READ(false, false),
    /** A linearizable read: any member serves it through a read-index round. */
    LEADER_READ(false, false),
    /**
     * Safe to repeat but about the member it is sent to, such as a change of that member's own
     * settings: retried on the same member only, never elsewhere.
     */
    MEMBER(false, false),
    /**
     * A write carrying a request id; may be indeterminate. Sent to the member the client talks to,
     * which forwards it to the leader: going to the leader directly would send peer-table writes to
     * the wrong member.
     */
    WRITE(false, true);

    final boolean prefersLeader;
    final boolean write;

    Kind(boolean prefersLeader, boolean write) {
      this.prefersLeader = prefersLeader;
      this.write = write;
    }
  }

  private final Endpoints endpoints;
  private final ScheduledExecutorService timer;
  private final ExecutorService worker;
  private final Backoff backoff;
  private final long requestTimeoutNanos;
  private final long attemptTimeoutNanos;
  private final Set<Operation<?, ?, ?>> running = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  RetryingCaller(
      ClientConfig config,
      Endpoints endpoints,
      ScheduledExecutorService timer,
      ExecutorService worker) {
    this.endpoints = endpoints;
    this.timer = timer;
    this.worker = worker;
    this.backoff = new Backoff(config.backoffInitial(), config.backoffMax());
    this.requestTimeoutNanos = config.requestTimeout().toNanos();
    this.attemptTimeoutNanos = config.attemptTimeout().toNanos();
  }

  /**
   * Runs {@code request} until it has an outcome. The future fails only with a {@link
   * ClusterDbException}; cancelling it cancels the attempt in flight (a write's outcome is then
   * unknown).
   *
   * @param decode turns the response into the result; a failure there is the operation's failure
   */
  <Req, Resp, T> CompletableFuture<T> call(
      MethodDescriptor<Req, Resp> method, Req request, Kind kind, Function<Resp, T> decode) {
    Operation<Req, Resp, T> op =
        new Operation<>(method, request, kind, decode, System.nanoTime() + requestTimeoutNanos);
    if (closed) {
      return CompletableFuture.failedFuture(
          new ClusterDbException(ErrorCode.UNAVAILABLE, "the client is closed", null, true, null));
    }
    running.add(op);
    op.result.whenComplete((r, e) -> running.remove(op));
    op.attempt(endpoints.first(kind.prefersLeader));
    return op.result;
  }

  /** Fails every operation in progress with UNAVAILABLE; later calls fail at once. */
  void close() {
    closed = true;
    for (Operation<?, ?, ?> op : running) {
      op.abort();
    }
  }

  private final class Operation<Req, Resp, T> {
    private final MethodDescriptor<Req, Resp> method;
    private final Req request;
    private final Kind kind;
    private final Function<Resp, T> decode;
    private final long deadline;
    private final CompletableFuture<T> result = new CompletableFuture<>();

    // Guarded by this.
    private int failures;
    private int hintsFollowed;
    private boolean indeterminate;
    private ClusterDbException last;
    private ClientCall<Req, Resp> inFlight;

    Operation(
        MethodDescriptor<Req, Resp> method,
        Req request,
        Kind kind,
        Function<Resp, T> decode,
        long deadline) {
      this.method = method;
      this.request = request;
      this.kind = kind;
      this.decode = decode;
      this.deadline = deadline;
      result.whenComplete(
          (r, e) -> {
            if (result.isCancelled()) {
              cancelInFlight("cancelled by the caller");
            }
          });
    }

    void attempt(String address) {
      AtomicBoolean sent = new AtomicBoolean();
      ClientCall<Req, Resp> call;
      ClusterDbException stop = null;
      synchronized (this) {
        if (result.isDone()) {
          return;
        }
        long remaining = deadline - System.nanoTime();
        if (closed) {
          stop = closedError();
        } else if (remaining < MIN_ATTEMPT_NANOS) {
          stop = deadlineError();
        }
        if (stop == null) {
          try {
            call =
                endpoints
                    .channel(address)
                    .newCall(
                        method,
                        CallOptions.DEFAULT
                            .withDeadlineAfter(
                                Math.min(remaining, attemptTimeoutNanos), TimeUnit.NANOSECONDS)
                            .withStreamTracerFactory(new SentTracer(sent)));
          } catch (ClusterDbException e) {
            call = null;
            stop = closedError();
          }
        } else {
          call = null;
        }
        inFlight = call;
      }
      if (stop != null) {
        result.completeExceptionally(stop);
        return;
      }
      try {
        ClientCalls.asyncUnaryCall(
            call,
            request,
            new StreamObserver<>() {
              @Override
              public void onNext(Resp response) {
                succeeded(address, response);
              }

              @Override
              public void onError(Throwable t) {
                failed(address, sent.get(), t);
              }

              @Override
              public void onCompleted() {}
            });
      } catch (RuntimeException e) {
        // A close or a caller's cancel got to the call before it started; the outcome is settled.
        if (!result.isDone()) {
          failed(address, sent.get(), e);
        }
      }
    }

    private void succeeded(String address, Resp response) {
      endpoints.succeeded(address);
      synchronized (this) {
        inFlight = null;
      }
      T value;
      try {
        value = decode.apply(response);
      } catch (RuntimeException e) {
        ClusterDbException bad =
            new ClusterDbException(
                ErrorCode.INTERNAL,
                "malformed response from " + address + ": " + e.getMessage(),
                null,
                !kind.write,
                e);
        result.completeExceptionally(bad);
        return;
      }
      result.complete(value);
    }

    private void failed(String address, boolean sent, Throwable t) {
      ClusterDbException e = WireErrors.fromStatus(t, kind.write);
      if (!sent && !e.definite()) {
        // No stream was ever created on a transport: no server saw this attempt.
        e = withDefinite(e, true);
      }
      endpoints.failed(address, e);
      ClusterDbException stop = null;
      String next = null;
      long delay = 0;
      synchronized (this) {
        inFlight = null;
        if (result.isDone()) {
          return;
        }
        last = e;
        if (kind.write && !e.definite()) {
          indeterminate = true;
        }
        if (closed) {
          stop = closedError();
        } else if (!e.retryable()) {
          stop = settled(e);
        } else {
          Optional<String> hint = leaderHint(e, address);
          if (kind == Kind.MEMBER) {
            next = address;
            delay = backoff.delayMillis(failures++);
          } else if (hint.isPresent()) {
            endpoints.leaderIs(hint.get());
            next = hint.get();
            // Follow a fresh hint at once; a chain of hints means an election, so back off.
            delay = hintsFollowed++ == 0 ? 0 : backoff.delayMillis(failures++);
          } else {
            hintsFollowed = 0;
            next = endpoints.next(address, kind.prefersLeader);
            delay = backoff.delayMillis(failures++);
          }
          long remainingMillis =
              TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime()));
          delay = Math.min(delay, remainingMillis);
        }
      }
      if (stop != null) {
        result.completeExceptionally(stop);
        return;
      }
      LOG.debug(
          "attempt failed, retrying method={} endpoint={} next={} code={} definite={} delayMs={}",
          method.getBareMethodName(),
          address,
          next,
          e.code(),
          e.definite(),
          delay);
      retryAfter(next, delay);
    }

    private void retryAfter(String next, long delayMillis) {
      try {
        if (delayMillis == 0) {
          worker.execute(() -> attempt(next));
        } else {
          // The timer only hands over: the attempt, and whatever continuation completing the
          // caller's future runs, must not hold up the one timer thread every operation shares.
          timer.schedule(
              () -> worker.execute(() -> attempt(next)), delayMillis, TimeUnit.MILLISECONDS);
        }
      } catch (RejectedExecutionException closing) {
        abort();
      }
    }

    /** Fails the operation because the client is closing. */
    void abort() {
      ClusterDbException error;
      synchronized (this) {
        if (result.isDone()) {
          return;
        }
        // Even an attempt not yet on a transport may get there before the cancel below does.
        if (kind.write && inFlight != null) {
          indeterminate = true;
        }
        error = closedError();
      }
      result.completeExceptionally(error);
      cancelInFlight("the client is closed");
    }

    private void cancelInFlight(String why) {
      ClientCall<Req, Resp> call;
      synchronized (this) {
        call = inFlight;
        inFlight = null;
      }
      if (call != null) {
        call.cancel(why, null);
      }
    }

    /** The error when the deadline passed; holds this. */
    private ClusterDbException deadlineError() {
      if (indeterminate) {
        return new ClusterDbException(
            ErrorCode.TIMEOUT,
            "no definite outcome within the request timeout; the write may have been applied"
                + (last == null ? "" : " (last error: " + last.getMessage() + ")"),
            null,
            false,
            last);
      }
      if (last != null) {
        return last;
      }
      return new ClusterDbException(
          ErrorCode.TIMEOUT, "the request timeout passed before any attempt", null, true, null);
    }

    /** The error when the client closed; holds this. */
    private ClusterDbException closedError() {
      return new ClusterDbException(
          ErrorCode.UNAVAILABLE, "the client is closed", null, !indeterminate, last);
    }

    /** {@code e} as the operation's final error; holds this. */
    private ClusterDbException settled(ClusterDbException e) {
      // An earlier attempt may have been applied even though this one surely was not.
      return indeterminate && e.definite() ? withDefinite(e, false) : e;
    }
  }

  /** The leader address a NOT_LEADER error names, if it names another, usable one. */
  private static Optional<String> leaderHint(ClusterDbException e, String from) {
    if (!(e instanceof NotLeaderException nle)) {
      return Optional.empty();
    }
    return nle.leaderAddress()
        .filter(a -> !a.equals(from))
        .filter(a -> ClientConfig.endpointProblem(a).isEmpty());
  }

  private static ClusterDbException withDefinite(ClusterDbException e, boolean definite) {
    return new ClusterDbException(
        e.code(),
        e.getMessage(),
        e.field().orElse(null),
        definite,
        e.getCause() != null ? e.getCause() : e);
  }

  /** Records whether an attempt's stream was ever created on a transport. */
  private static final class SentTracer extends ClientStreamTracer.Factory {
    private final AtomicBoolean sent;

    SentTracer(AtomicBoolean sent) {
      this.sent = sent;
    }

    @Override
    public ClientStreamTracer newClientStreamTracer(
        ClientStreamTracer.StreamInfo info, Metadata headers) {
      return new ClientStreamTracer() {
        @Override
        public void streamCreated(Attributes transportAttrs, Metadata headers) {
          sent.set(true);
        }
      };
    }
  }
}
