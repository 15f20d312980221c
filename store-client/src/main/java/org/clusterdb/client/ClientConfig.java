package org.clusterdb.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;

/**
 * The one configuration of a {@link ClusterDbClient}. Immutable; usually built with {@link
 * ClusterDbClient#builder()}. {@link #validate()} reports every problem at once, each naming its
 * field.
 *
 * @param endpoints the members' client addresses, {@code host:port} (IPv6 hosts in brackets), in
 *     order of preference; at least one
 * @param requestTimeout deadline of one operation across all its attempts; a write with no definite
 *     outcome by then fails with {@link ErrorCode#TIMEOUT} and {@code definite() == false}
 * @param attemptTimeout deadline of one attempt on one endpoint, capped by what remains of the
 *     request timeout
 * @param backoffInitial pause before the first retry; later pauses double, with jitter
 * @param backoffMax longest pause between retries and watch reconnects
 * @param tls how the client checks members and whether it presents a certificate; the client port
 *     always speaks TLS
 * @param credentials the user name and password sent with every call, or null for none (the cluster
 *     then serves this client only while it does not require accounts, or by certificate)
 */
public record ClientConfig(
    List<String> endpoints,
    Duration requestTimeout,
    Duration attemptTimeout,
    Duration backoffInitial,
    Duration backoffMax,
    ClientTls tls,
    Credentials credentials) {

  /** As the server's own request timeout: a write survives one leader failover. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Half the request timeout: a member that hangs costs one attempt, leaving time for another. */
  public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(5);

  /** Short enough that a refused connection moves on to the next member at once. */
  public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(50);

  /** About one election timeout: retries keep pace with a leader election without hammering. */
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(1);

  private static final Pattern ENDPOINT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_][A-Za-z0-9_.-]*):([0-9]{1,5})");

  public ClientConfig {
    endpoints = endpoints == null ? null : List.copyOf(endpoints);
    tls = tls == null ? ClientTls.UNVERIFIED : tls;
  }

  /** Encrypted, with the server unverified and no credentials. */
  public ClientConfig(
      List<String> endpoints,
      Duration requestTimeout,
      Duration attemptTimeout,
      Duration backoffInitial,
      Duration backoffMax) {
    this(
        endpoints,
        requestTimeout,
        attemptTimeout,
        backoffInitial,
        backoffMax,
        ClientTls.UNVERIFIED,
        null);
  }

  /** Every problem with this configuration, each starting with its field; empty when valid. */
  public List<String> problems() {
    return findProblems().stream().map(p -> p.field() + ": " + p.message()).toList();
  }

  /**
   * Throws {@link ErrorCode#INVALID_ARGUMENT} listing every problem, with {@link
   * ClusterDbException#field()} naming the first bad field.
   */
  public ClientConfig validate() {
    List<Problem> found = findProblems();
    if (!found.isEmpty()) {
      throw new ClusterDbException(
          ErrorCode.INVALID_ARGUMENT,
          "invalid client configuration: " + String.join("; ", problems()),
          found.get(0).field(),
          true,
          null);
    }
    return this;
  }

  /** Why {@code address} is not a usable {@code host:port}, if it is not. */
  static Optional<String> endpointProblem(String address) {
    if (address == null) {
      return Optional.of("must not be null");
    }
    Matcher m = ENDPOINT.matcher(address);
    if (!m.matches()) {
      return Optional.of("must be host:port, was '" + address + "'");
    }
    int port = Integer.parseInt(m.group(2));
    if (port < 1 || port > 65535) {
      return Optional.of("port must be 1..65535, was " + port);
    }
    return Optional.empty();
  }

  private List<Problem> findProblems() {
    List<Problem> p = new ArrayList<>();
    if (endpoints == null || endpoints.isEmpty()) {
      p.add(new Problem("endpoints", "at least one endpoint is required"));
    } else {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < endpoints.size(); i++) {
        String field = "endpoints[" + i + "]";
        String e = endpoints.get(i);
        endpointProblem(e).ifPresent(m -> p.add(new Problem(field, m)));
        if (e != null && !seen.add(e)) {
          p.add(new Problem(field, "duplicate endpoint " + e));
        }
      }
    }
    positive(p, "requestTimeout", requestTimeout);
    positive(p, "attemptTimeout", attemptTimeout);
    positive(p, "backoffInitial", backoffInitial);
    positive(p, "backoffMax", backoffMax);
    if (backoffInitial != null && backoffMax != null && backoffMax.compareTo(backoffInitial) < 0) {
      p.add(new Problem("backoffMax", "must not be less than backoffInitial"));
    }
    tls.problems("tls.").forEach(f -> p.add(new Problem(f[0], f[1])));
    if (credentials != null) {
      credentials.problems("credentials.").forEach(f -> p.add(new Problem(f[0], f[1])));
    }
    return p;
  }

  private static void positive(List<Problem> p, String field, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      p.add(new Problem(field, "must be a positive duration"));
    }
  }

  private record Problem(String field, String message) {}
}
