package org.clusterdb.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.clusterdb.core.util.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's HTTP listener, plain or HTTPS: read-only endpoints, each at one exact path,
 * answering GET and HEAD. Endpoints are registered with {@link #register} before or after {@link
 * #start}; a path left unregistered answers 404, another method 405, an endpoint that throws 500, a
 * guarded endpoint whose {@link Gate} refuses the caller 401 with a Basic challenge. Thread-safe.
 */
public final class HttpEndpoints implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);

  /** Scrapes and probes are small and rare: two threads keep a slow client from blocking both. */
  private static final int THREADS = 2;

  /** What an endpoint answers to one request. */
  public record Response(int status, String contentType, byte[] body) {
    /** A UTF-8 plain-text answer. */
    public static Response text(int status, String text) {
      return new Response(
          status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Who may read a guarded endpoint. */
  @FunctionalInterface
  public interface Gate {
    /** Every caller. */
    Gate OPEN = request -> Optional.empty();

    /** Empty if {@code request} may read; else why not, for the 401's body. */
    Optional<String> refusal(HttpExchange request);
  }

  /** One endpoint: its answer to a GET of its path, built afresh for each request. */
  @FunctionalInterface
  public interface Endpoint {
    Response answer(HttpExchange request) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private HttpEndpoints(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Listens on {@code address} (port 0: any free port) and serves what is registered.
   *
   * @throws IOException if the address cannot be bound
   */
  public static HttpEndpoints start(InetSocketAddress address, String memberId) throws IOException {
    return start(address, memberId, null);
  }

  /**
   * As {@link #start(InetSocketAddress, String)}, speaking HTTPS with {@code tls} unless it is
   * null.
   */
  public static HttpEndpoints start(InetSocketAddress address, String memberId, SSLContext tls)
      throws IOException {
    HttpServer server;
    if (tls == null) {
      server = HttpServer.create(address, 0);
    } else {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(THREADS, DaemonThreads.numbered("clusterdb-http-" + memberId));
    server.setExecutor(executor);
    server.start();
    return new HttpEndpoints(server, executor);
  }

  /**
   * Serves {@code endpoint} at {@code path} (exactly: {@code /} is the root page only).
   *
   * @throws IllegalArgumentException if {@code path} is taken or does not start with {@code /}
   */
  public void register(String path, Endpoint endpoint) {
    register(path, Gate.OPEN, endpoint);
  }

  /** As {@link #register(String, Endpoint)}, answering only callers {@code gate} lets in. */
  public void register(String path, Gate gate, Endpoint endpoint) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + path);
    }
    server.createContext(path, exchange -> handle(path, gate, endpoint, exchange));
  }

  private static void handle(String path, Gate gate, Endpoint endpoint, HttpExchange exchange)
      throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      Response r;
      if (!exchange.getRequestURI().getPath().equals(path)) {
        r = Response.text(404, "not found\n");
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        r = Response.text(405, "method not allowed: use GET\n");
      } else {
        try {
          Optional<String> refused = gate.refusal(exchange);
          if (refused.isPresent()) {
            exchange
                .getResponseHeaders()
                .set("WWW-Authenticate", "Basic realm=\"clusterdb\", charset=\"UTF-8\"");
            r = Response.text(401, "unauthorized: " + refused.get() + "\n");
          } else {
            r = endpoint.answer(exchange);
          }
        } catch (IOException | RuntimeException e) {
          LOG.warn("http endpoint failed path={} error={}", path, e.toString());
          r = Response.text(500, "internal error\n");
        }
      }
      exchange.getResponseHeaders().set("Content-Type", r.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      boolean head = method.equals("HEAD");
      exchange.sendResponseHeaders(r.status(), head ? -1 : r.body().length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(r.body());
        }
      }
    }
  }

  /** The address it listens on, with the port it got. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Stops listening; requests in flight get a second to finish. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }
}
