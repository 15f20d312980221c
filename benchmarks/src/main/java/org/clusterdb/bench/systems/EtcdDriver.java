package org.clusterdb.bench.systems;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.clusterdb.bench.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The harness's client of etcd: jetcd over gRPC, keys under {@value #PREFIX}. Futures complete on
 * jetcd's threads, so whatever the caller chains onto them must not block.
 */
public final class EtcdDriver implements Driver {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdDriver.class);

  static final String PREFIX = "/bench/";
  private static final ByteSequence PREFIX_BYTES = bytes(PREFIX);
  // jetcd waits for a connection with no deadline; a call to a dead member would never complete.
  // Longer than etcd's own request timeout (7 s with the default election timeout), so that
  // etcd's error is the one the caller sees.
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration WATCH_CREATE_TIMEOUT = Duration.ofSeconds(30);
  // Explicit, though it is jetcd's default: a serializable get would answer from the member's
  // possibly stale state.
  private static final GetOption LINEARIZABLE = GetOption.builder().withSerializable(false).build();

  private final List<URI> endpoints;
  private final Client client;
  private final KV kv;

  /** A client of every member in {@code endpoints}, requests spread over them. */
  public EtcdDriver(List<URI> endpoints) {
    this.endpoints = List.copyOf(endpoints);
    this.client = newClient(this.endpoints, true);
    this.kv = client.getKVClient();
  }

  /**
   * A jetcd client whose unary calls time out after {@link #CALL_TIMEOUT}. Round robin over the
   * endpoints, as etcd's own Go client does, rather than jetcd's default pick-first. Without {@code
   * waitForReady} a call to a member that is down fails at once instead of waiting.
   */
  static Client newClient(List<URI> endpoints, boolean waitForReady) {
    return Client.builder()
        .endpoints(endpoints.toArray(URI[]::new))
        .loadBalancerPolicy("round_robin")
        .waitForReady(waitForReady)
        .connectTimeout(Duration.ofSeconds(2))
        .interceptor(new UnaryDeadline(CALL_TIMEOUT))
        .build();
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static ByteSequence key(String key) {
    return bytes(PREFIX + key);
  }

  @Override
  public CompletableFuture<Void> write(String key, byte[] value) {
    try {
      return kv.put(key(key), ByteSequence.from(value)).thenApply(r -> null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** A linearizable get; completes with the value, or null if the key does not exist. */
  @Override
  public CompletableFuture<byte[]> read(String key) {
    try {
      return kv.get(key(key), LINEARIZABLE)
          .thenApply(r -> r.getKvs().isEmpty() ? null : r.getKvs().get(0).getValue().getBytes());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * A watch on every key under {@value #PREFIX}; returns once etcd has confirmed it, so every write
   * acknowledged afterwards is seen. jetcd resumes the watch after a lost connection from the last
   * revision it delivered.
   */
  @Override
  public AutoCloseable watch(Consumer<String> onEvent) throws Exception {
    CompletableFuture<Void> created = new CompletableFuture<>();
    WatchOption option =
        WatchOption.builder()
            .isPrefix(true)
            .withNoDelete(true)
            // jetcd hands etcd's "created" answer to the listener only when asked to.
            .withCreateNotify(true)
            .build();
    Watch.Listener listener =
        new Watch.Listener() {
          @Override
          public void onNext(WatchResponse response) {
            if (response.isCreatedNotify()) {
              created.complete(null);
              return;
            }
            for (WatchEvent e : response.getEvents()) {
              if (e.getEventType() == WatchEvent.EventType.PUT) {
                String k = e.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
                onEvent.accept(k.substring(PREFIX.length()));
              }
            }
          }

          @Override
          public void onError(Throwable t) {
            if (!created.completeExceptionally(t)) {
              // jetcd resumes the watch by itself unless the error is final.
              LOG.warn("etcd watch error endpoints={} error={}", endpoints, t.toString());
            }
          }

          @Override
          public void onCompleted() {
            created.completeExceptionally(new IllegalStateException("etcd watch ended"));
          }
        };
    Watch.Watcher watcher = client.getWatchClient().watch(PREFIX_BYTES, option, listener);
    try {
      created.get(WATCH_CREATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      watcher.close();
      throw new IllegalStateException("etcd watch on " + endpoints + " failed", e.getCause());
    } catch (TimeoutException e) {
      watcher.close();
      throw new IllegalStateException(
          "etcd watch on " + endpoints + " not created within " + WATCH_CREATE_TIMEOUT, e);
    } catch (InterruptedException e) {
      watcher.close();
      Thread.currentThread().interrupt();
      throw e;
    }
    return watcher::close;
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "EtcdDriver" + endpoints;
  }

  /** Puts a deadline on every unary call; streams (watches) are left open-ended. */
  private static final class UnaryDeadline implements ClientInterceptor {
    private final Duration timeout;

    UnaryDeadline(Duration timeout) {
      this.timeout = timeout;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      if (method.getType() == MethodDescriptor.MethodType.UNARY && options.getDeadline() == null) {
        options = options.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      return next.newCall(method, options);
    }
  }
}
