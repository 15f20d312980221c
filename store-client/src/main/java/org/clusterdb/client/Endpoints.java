package org.clusterdb.client;

import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints of one client: a channel per address, and which address to try next: the known
 * leader for calls that prefer it, else the last endpoint that answered, else the configured ones
 * in order. An address learned from the cluster (a leader hint) gets a channel of its own even if
 * it was not configured. Thread-safe.
 */
final class Endpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);

  /**
   * How long a known leader is trusted: a deposed leader keeps answering (it forwards to the new
   * one), so the client asks again now and then instead of paying the extra hop for good.
   */
  static final Duration LEADER_REFRESH_INTERVAL = Duration.ofSeconds(10);

  private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

  private final List<String> configured;
  private final ChannelFactory factory;
  private final long leaderRetryNanos;
  private final Map<String, ManagedChannel> channels = new HashMap<>();
  private boolean closed;

  private volatile String leader;
  private volatile String lastGood;
  private volatile int cursor;
  private final AtomicLong lastLeaderRefresh;

  /**
   * @param leaderRetry how soon to ask for the leader again after it became unknown
   */
  Endpoints(List<String> configured, ChannelFactory factory, Duration leaderRetry) {
    this.configured = List.copyOf(configured);
    this.factory = factory;
    this.leaderRetryNanos = leaderRetry.toNanos();
    this.lastLeaderRefresh = new AtomicLong(System.nanoTime() - LEADER_REFRESH_INTERVAL.toNanos());
    for (String address : this.configured) {
      channels.put(address, factory.open(address));
    }
  }

  List<String> configured() {
    return configured;
  }

  /** The endpoint for the first attempt of an operation. */
  String first(boolean preferLeader) {
    String l = leader;
    if (preferLeader && l != null) {
      return l;
    }
    String g = lastGood;
    return g != null ? g : configured.get(Math.floorMod(cursor, configured.size()));
  }

  /** The endpoint to try after {@code failed}: the leader if it is another one, else the next. */
  String next(String failed, boolean preferLeader) {
    String l = leader;
    if (preferLeader && l != null && !l.equals(failed)) {
      return l;
    }
    int i = configured.indexOf(failed);
    int from = i >= 0 ? i + 1 : cursor;
    return configured.get(Math.floorMod(from, configured.size()));
  }

  /** {@code address} answered. */
  void succeeded(String address) {
    lastGood = address;
  }

  /** {@code address} failed with {@code e}; forget it as leader or favourite if it is gone. */
  void failed(String address, ClusterDbException e) {
    if (!saysEndpointUnusable(e)) {
      return;
    }
    int i = configured.indexOf(address);
    if (i >= 0) {
      cursor = i + 1;
    }
    if (address.equals(lastGood)) {
      lastGood = null;
    }
    if (address.equals(leader)) {
      leader = null;
      LOG.debug("leader forgotten endpoint={} code={}", address, e.code());
    }
  }

  /** The cluster named {@code address} as its leader; ignored if it is not a usable address. */
  void leaderIs(String address) {
    if (ClientConfig.endpointProblem(address).isPresent()) {
      LOG.debug("ignoring unusable leader address address={}", address);
      return;
    }
    String previous = leader;
    leader = address;
    if (!address.equals(previous)) {
      LOG.info("leader endpoint learned leader={} previous={}", address, previous);
    }
  }

  void leaderUnknown() {
    leader = null;
  }

  Optional<String> leader() {
    return Optional.ofNullable(leader);
  }

  /**
   * True when the caller should ask the cluster for its leader now: none is known and the last try
   * was a while ago, or the known one is due for a check. At most one caller per interval wins.
   */
  boolean claimLeaderRefresh() {
    long now = System.nanoTime();
    long last = lastLeaderRefresh.get();
    long interval = leader == null ? leaderRetryNanos : LEADER_REFRESH_INTERVAL.toNanos();
    return now - last >= interval && lastLeaderRefresh.compareAndSet(last, now);
  }

  /**
   * The channel to {@code address}, opened on first use.
   *
   * @throws ClusterDbException UNAVAILABLE when the client is closed
   */
  ManagedChannel channel(String address) {
    synchronized (channels) {
      if (closed) {
        throw new ClusterDbException(
            ErrorCode.UNAVAILABLE, "the client is closed", null, true, null);
      }
      return channels.computeIfAbsent(address, factory::open);
    }
  }

  /** Shuts every channel down, cancelling calls still in flight. Idempotent. */
  void close() {
    List<ManagedChannel> open;
    synchronized (channels) {
      closed = true;
      open = new ArrayList<>(channels.values());
      channels.clear();
    }
    open.forEach(ManagedChannel::shutdownNow);
    long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
    for (ManagedChannel c : open) {
      try {
        c.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Errors that say the endpoint could not serve the request, rather than that it was wrong. */
  private static boolean saysEndpointUnusable(ClusterDbException e) {
    return switch (e.code()) {
      case UNAVAILABLE, TIMEOUT, NOT_LEADER, NO_LEADER -> true;
      default -> false;
    };
  }
}
