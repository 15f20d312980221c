package org.clusterdb.examples.appliance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.clusterdb.api.Admission;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.api.RangeResult;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.UsageReport;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.core.ClusterDb;
import org.clusterdb.core.config.ClusterDbConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer of a clustered appliance that keeps its configuration in clusterdb.
 *
 * <ul>
 *   <li>Zones and search rules are cluster configuration: cluster tables, replicated to every peer,
 *       and edited only on the configuration primary, as the appliance's admin pages allow.
 *   <li>LAN settings belong to this peer: a peer table, never replicated.
 *   <li>The routing view ({@link #zones()}, {@link #searchRules()}, {@link #route}) is rebuilt from
 *       watch events as replicated changes arrive, whichever peer they were made on.
 *   <li>{@link #clusteringPage()} is the data of this peer's System &gt; Clustering page.
 *   <li>Endpoint registrations are shared runtime state: each peer counts its own in its usage row
 *       (on its own lease, so a dead peer's go with it), and admits a new one only if the cluster's
 *       pooled registration licences and capacity allow it ({@link #register}).
 * </ul>
 *
 * <p>Thread-safe. Close it to stop the peer; its data directory keeps everything for a restart.
 */
public final class AppliancePeer implements AutoCloseable {
  static final String ZONES = "zones";
  static final String SEARCH_RULES = "search_rules";
  static final String LAN = "lan";

  private static final Logger LOG = LoggerFactory.getLogger(AppliancePeer.class);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

  private final ClusterDb db;
  private final Object viewLock = new Object();

  /** The routing view, by zone and by rule name; guarded by viewLock. */
  private final Map<String, String> zones = new TreeMap<>();

  private final Map<String, SearchRule> rules = new TreeMap<>();
  private final AtomicLong reloads = new AtomicLong();
  private final List<Watch> watches = new ArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final ExecutorService init =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "appliance-init");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean closed;

  private AppliancePeer(ClusterDb db) {
    this.db = db;
  }

  /**
   * Starts the embedded clusterdb member and returns at once; the routing view fills in the
   * background once the cluster serves, as the other peers start in their own time. The primary
   * creates the cluster tables on first start; a subordinate picks them up as they replicate.
   */
  public static AppliancePeer start(ClusterDbConfig config) {
    ClusterDb db = ClusterDb.start(config);
    AppliancePeer peer = new AppliancePeer(db);
    peer.init.execute(peer::initialize);
    return peer;
  }

  /** Whether the routing view follows the replicated configuration yet. */
  public boolean isReady() {
    return ready.getCount() == 0;
  }

  /** Waits until {@link #isReady()}; false if {@code timeout} passed first. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void initialize() {
    try {
      ensureTables();
      follow(ZONES);
      follow(SEARCH_RULES);
      joinUsage();
      ready.countDown();
      LOG.info("appliance peer ready member={}", db.config().memberId());
    } catch (ClusterDbException e) {
      if (e.code() != ErrorCode.UNAVAILABLE) {
        LOG.error("appliance peer failed to start member={} error={}", db.config().memberId(), e);
      }
    }
  }

  /** The embedded store, for what this example does not wrap. */
  public ClusterDb store() {
    return db;
  }

  // ---- cluster configuration: edited on the primary only ----

  /** Adds or changes a zone. Only on the configuration primary, as on the appliance. */
  public void putZone(String name, String type) {
    requirePrimary();
    db.blocking().put(ZONES, name, type);
  }

  /** Removes a zone. Only on the configuration primary. */
  public void deleteZone(String name) {
    requirePrimary();
    db.blocking().delete(ZONES, Bytes.of(name));
  }

  /** Adds or changes a search rule. Only on the configuration primary. */
  public void putSearchRule(SearchRule rule) {
    requirePrimary();
    db.blocking().put(SEARCH_RULES, rule.name(), rule.encode());
  }

  // ---- the routing view, rebuilt from replicated changes ----

  /** Every zone and its type, as this peer's replica has them now. */
  public Map<String, String> zones() {
    synchronized (viewLock) {
      return Map.copyOf(zones);
    }
  }

  /** Every search rule, by priority. */
  public List<SearchRule> searchRules() {
    synchronized (viewLock) {
      List<SearchRule> out = new ArrayList<>(rules.values());
      out.sort(Comparator.comparingInt(SearchRule::priority).thenComparing(SearchRule::name));
      return out;
    }
  }

  /** The zone the first matching search rule sends {@code alias} to, if any rule matches. */
  public Optional<String> route(String alias) {
    synchronized (viewLock) {
      return searchRules().stream()
          .filter(r -> alias.matches(r.pattern()) && zones.containsKey(r.targetZone()))
          .map(SearchRule::targetZone)
          .findFirst();
    }
  }

  /** How many replicated changes the view has applied since start. */
  public long reloads() {
    return reloads.get();
  }

  // ---- this peer's own settings ----

  /** Sets one of this peer's LAN settings; never replicated. */
  public void setLan(String key, String value) {
    db.blocking().put(LAN, key, value);
  }

  public Optional<String> lan(String key) {
    return db.blocking()
        .get(LAN, Bytes.of(key), Consistency.LOCAL)
        .map(kv -> kv.value().toString());
  }

  // ---- shared runtime state: registrations against the pooled licences ----

  /** The kind of usage a registration is, as the capacity table counts it. */
  static final String REGISTRATIONS = "registrations";

  /** The endpoints registered on this peer; guarded by itself. */
  private final Set<String> registered = new TreeSet<>();

  /**
   * Registers {@code endpoint} on this peer if the cluster has a registration left: its pooled room
   * and desktop registration licences and its capacity, across every live peer. Admission is one
   * transaction on every peer's usage row, so peers admitting at once never exceed the pool.
   *
   * @return whether the endpoint is registered here
   */
  public boolean register(String endpoint) {
    synchronized (registered) {
      if (registered.contains(endpoint)) {
        return true;
      }
      Admission a = BlockingKeyValueStore.await(db.usage().admit(REGISTRATIONS, 1));
      if (a.admitted()) {
        registered.add(endpoint);
      } else {
        LOG.info(
            "registration refused endpoint={} used={} limit={}", endpoint, a.used(), a.limit());
      }
      return a.admitted();
    }
  }

  /** Unregisters {@code endpoint}, giving its registration back to the cluster. */
  public void unregister(String endpoint) {
    synchronized (registered) {
      if (registered.remove(endpoint)) {
        BlockingKeyValueStore.await(db.usage().release(REGISTRATIONS, 1));
      }
    }
  }

  /** The endpoints registered on this peer. */
  public Set<String> registrations() {
    synchronized (registered) {
      return Set.copyOf(registered);
    }
  }

  /** The cluster's usage as the live peers publish it: totals, pooled licences, what remains. */
  public UsageReport clusterUsage() {
    return BlockingKeyValueStore.await(db.usage().report());
  }

  // ---- System > Clustering ----

  /** This peer's clustering page: one line per peer, then the database state and alarms. */
  public List<String> clusteringPage() {
    ClusterStatus s = db.clusterStatus();
    List<String> lines = new ArrayList<>();
    lines.add("Configuration primary: peer " + s.primary() + " (" + s.primaryId() + ")");
    for (PeerStatus p : s.peers()) {
      lines.add("Peer " + p.index() + " address " + p.address() + ": " + p.display());
    }
    lines.add("Cluster database: " + s.database().display());
    db.alarms().stream()
        .filter(a -> a.active())
        .forEach(a -> lines.add("Alarm " + a.id() + ": " + a.detail()));
    return lines;
  }

  /** Whether this peer is the configuration primary, as the cluster has it now. */
  public boolean isPrimary() {
    ClusterStatus s = db.clusterStatus();
    return s.primaryId().equals(s.memberId());
  }

  @Override
  public void close() {
    closed = true;
    init.shutdownNow();
    synchronized (watches) {
      watches.forEach(Watch::close);
      watches.clear();
    }
    db.close();
  }

  private void requirePrimary() {
    ClusterStatus s = db.clusterStatus();
    if (!s.primaryId().equals(s.memberId())) {
      throw ClusterDbException.invalid(
          "peer",
          "configuration is made on the configuration primary, peer "
              + s.primary()
              + " ("
              + s.primaryId()
              + "), not here");
    }
  }

  private void ensureTables() {
    if (db.config().primaryPeer().id().equals(db.config().memberId())) {
      createIfMissing(ZONES, TableScope.CLUSTER);
      createIfMissing(SEARCH_RULES, TableScope.CLUSTER);
    }
    createIfMissing(LAN, TableScope.PEER);
  }

  /** Publishes this peer's (empty) usage row, so its licences join the cluster's pool at once. */
  private void joinUsage() {
    while (true) {
      try {
        BlockingKeyValueStore.await(db.usage().publish(Map.of()));
        return;
      } catch (ClusterDbException e) {
        if (!e.retryable() || closed) {
          throw e;
        }
        pause();
      }
    }
  }

  private void createIfMissing(String table, TableScope scope) {
    while (true) {
      try {
        db.blocking().createTable(table, scope);
        return;
      } catch (ClusterDbException e) {
        if (e.code() == ErrorCode.TABLE_EXISTS) {
          return;
        }
        // The cluster may still be forming: retry what is retryable until closed.
        if (!e.retryable() || closed) {
          throw e;
        }
        pause();
      }
    }
  }

  /**
   * Loads {@code table} from this replica, then follows its changes from the next revision: a table
   * created later (on a subordinate, before it has replicated) arrives through the watch.
   */
  private void follow(String table) {
    long revision;
    List<KeyValue> rows;
    try {
      RangeResult r =
          db.blocking()
              .range(table, KeyRange.all(), ReadOptions.DEFAULT.withConsistency(Consistency.LOCAL));
      rows = r.kvs();
      revision = r.header().revision();
    } catch (ClusterDbException e) {
      if (e.code() != ErrorCode.UNKNOWN_TABLE) {
        throw e;
      }
      rows = List.of();
      revision = db.currentHeader().revision();
    }
    synchronized (viewLock) {
      clear(table);
      rows.forEach(kv -> apply(table, WatchEvent.Type.PUT, kv));
    }
    Watch w =
        db.watch(
            WatchRequest.table(table).fromRevision(revision + 1),
            new WatchListener() {
              @Override
              public void onEvents(long rev, List<WatchEvent> events) {
                synchronized (viewLock) {
                  events.forEach(e -> apply(e.table(), e.type(), e.kv()));
                }
                reloads.incrementAndGet();
              }

              @Override
              public void onError(ClusterDbException error) {
                if (error.code() == ErrorCode.UNAVAILABLE) {
                  return;
                }
                // Fell behind the retained history: reload from the replica and follow again.
                LOG.info("reloading table={} reason={}", table, error.code());
                follow(table);
              }
            });
    synchronized (watches) {
      watches.add(w);
    }
  }

  private void clear(String table) {
    if (table.equals(ZONES)) {
      zones.clear();
    } else {
      rules.clear();
    }
  }

  private void apply(String table, WatchEvent.Type type, KeyValue kv) {
    String key = kv.key().toString();
    if (table.equals(ZONES)) {
      if (type == WatchEvent.Type.PUT) {
        zones.put(key, kv.value().toString());
      } else {
        zones.remove(key);
      }
    } else if (type == WatchEvent.Type.PUT) {
      rules.put(key, SearchRule.decode(key, kv.value().toString()));
    } else {
      rules.remove(key);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterDbException(ErrorCode.UNAVAILABLE, "interrupted while starting");
    }
  }
}
