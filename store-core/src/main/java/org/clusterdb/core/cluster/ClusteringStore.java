package org.clusterdb.core.cluster;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Optional;
import java.util.function.Supplier;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.fsm.TableNames;
import org.clusterdb.core.local.PeerStore;
import org.clusterdb.proto.log.v1.AuditContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This peer's own clustering settings, as its admin enters them: kept in the peer's reserved table,
 * never replicated. The configuration seeds them when the peer first starts (and after a factory
 * reset); from then on they change only through the API. Also keeps the settings this peer last
 * started with, which is what a restart would change. Thread-safe.
 */
public final class ClusteringStore {
  /** The reserved peer table holding the settings. */
  public static final String TABLE = TableNames.PEER_SETTINGS;

  private static final String OWN = TableNames.OWN_SETTINGS_KEY;
  private static final String STARTED = "started";
  private static final String CLUSTER = "cluster";
  private static final Logger LOG = LoggerFactory.getLogger(ClusteringStore.class);

  private final PeerStore store;
  private final ClusteringSettings started;
  private final Optional<ClusteringSettings> previousStart;
  private ClusteringSettings own;
  private AuditContext savedBy;
  private Optional<ClusteringSettings> lastCluster;
  private volatile Supplier<Optional<ClusteringSettings>> cluster = Optional::empty;

  private ClusteringStore(
      PeerStore store,
      ClusteringSettings own,
      Optional<ClusteringSettings> previousStart,
      Optional<ClusteringSettings> lastCluster) {
    this.store = store;
    this.own = own;
    this.started = own;
    this.previousStart = previousStart;
    this.lastCluster = lastCluster;
  }

  /** Whether this peer's admin cleared every peer address: its next start resets it. */
  public static boolean resetPending(PeerStore store) {
    return store.read(r -> r.table(TABLE).isPresent())
        && read(store, OWN).map(s -> s.peers().isEmpty()).orElse(false);
  }

  /**
   * Opens this peer's settings, seeding them with {@code seed} the first time, and records them as
   * the settings of this start.
   */
  public static ClusteringStore open(
      PeerStore store, ClusterDbConfig config, ClusteringSettings seed) {
    store.ensureTable(TABLE);
    Optional<ClusteringSettings> stored = read(store, OWN);
    ClusteringSettings own;
    if (stored.isEmpty()) {
      own = seed;
      store.put(TABLE, OWN, SettingsCodec.encode(own).toByteString());
      LOG.info(
          "clustering settings seeded from the configuration member={} settings={}",
          config.memberId(),
          own);
    } else {
      own = stored.get();
      if (!own.equals(seed(config))) {
        LOG.info(
            "own clustering settings differ from the configuration file; the settings apply"
                + " member={} settings={}",
            config.memberId(),
            own);
      }
    }
    Optional<ClusteringSettings> previous = read(store, STARTED);
    store.put(TABLE, STARTED, SettingsCodec.encode(own).toByteString());
    return new ClusteringStore(store, own, previous, read(store, CLUSTER));
  }

  /** A cluster of one of this peer alone: what a peer is after a factory reset. */
  public static ClusteringSettings alone(ClusterDbConfig config) {
    return new ClusteringSettings(
        config.clusterName(),
        1,
        config.tlsMode(),
        config.ipVersion(),
        java.util.List.of(config.self()),
        config.addressMapping(),
        config.mappings());
  }

  /** The settings {@code config} describes. */
  public static ClusteringSettings seed(ClusterDbConfig config) {
    return new ClusteringSettings(
        config.clusterName(),
        config.primary(),
        config.tlsMode(),
        config.ipVersion(),
        config.peers(),
        config.addressMapping(),
        config.mappings());
  }

  /**
   * The own settings (and the cluster's as this peer last saw them) saved in {@code store}, read
   * without changing it: what a peer whose cluster database failed can still show.
   */
  public static Optional<Saved> saved(PeerStore store) {
    return read(store, OWN).map(own -> new Saved(own, read(store, CLUSTER)));
  }

  /** This peer's own settings, and the cluster's as it last saw them. */
  public record Saved(ClusteringSettings own, Optional<ClusteringSettings> cluster) {}

  private static Optional<ClusteringSettings> read(PeerStore store, String key) {
    return store.get(TABLE, key).map(ClusteringStore::parse);
  }

  private static ClusteringSettings parse(ByteString b) {
    try {
      return SettingsCodec.decode(org.clusterdb.proto.log.v1.ClusteringSettings.parseFrom(b));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored clustering settings are unreadable", e);
    }
  }

  /** The settings as the admin last saved them on this peer. */
  public synchronized ClusteringSettings own() {
    return own;
  }

  /** The settings this process started with. */
  public ClusteringSettings started() {
    return started;
  }

  /** The settings the previous start of this peer used; empty on the first start. */
  public Optional<ClusteringSettings> previousStart() {
    return previousStart;
  }

  /**
   * Durably replaces this peer's own settings, as an admin does: audited in this peer's audit table
   * with {@code audit} (who asked, from where, when), one row per changed field.
   */
  public synchronized void save(ClusteringSettings settings, AuditContext audit) {
    store.put(TABLE, OWN, SettingsCodec.encode(settings).toByteString(), audit);
    own = settings;
    savedBy = audit;
  }

  /**
   * Who last saved the own settings while this process ran; empty when they are still those it
   * started with (the configuration file's, or those saved before a restart).
   */
  public synchronized Optional<AuditContext> savedBy() {
    return Optional.ofNullable(savedBy);
  }

  /** Sets where the cluster's settings are read, as this replica holds them. */
  public void followCluster(Supplier<Optional<ClusteringSettings>> clusterSettings) {
    cluster = clusterSettings;
  }

  /**
   * Keeps {@code clusterSettings}, the cluster's as this replica has them, for this peer's next
   * start: a restarting peer needs the cluster's address mapping to listen and dial before its
   * replica is readable. Writes only when they changed.
   */
  public synchronized void rememberCluster(ClusteringSettings clusterSettings) {
    if (!lastCluster.equals(Optional.of(clusterSettings))) {
      store.put(TABLE, CLUSTER, SettingsCodec.encode(clusterSettings).toByteString());
      lastCluster = Optional.of(clusterSettings);
    }
  }

  /**
   * The settings whose address mapping applies now: the cluster's, as this replica has them or else
   * as this peer last saw them; this peer's own before it ever saw the cluster's (seeded from the
   * configuration, so that a new peer can reach its primary by a name only the mapping knows).
   */
  public ClusteringSettings mappingSource() {
    Optional<ClusteringSettings> live;
    try {
      live = cluster.get();
    } catch (RuntimeException e) {
      // Closing, or removed from the group: the last seen ones still apply.
      live = Optional.empty();
    }
    if (live.isPresent()) {
      return live.get();
    }
    synchronized (this) {
      return lastCluster.orElse(own);
    }
  }

  /** The member this peer's admin named configuration primary; empty with no peers. */
  public synchronized Optional<String> primaryId() {
    return own.primaryPeer().map(p -> p.id());
  }
}
