package org.clusterdb.core.cluster;

import com.google.protobuf.ByteString;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.local.PeerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This peer's own clustering settings, as an admin enters them on this peer: kept in the peer's
 * reserved table, never replicated. The configuration file seeds them when the peer first starts;
 * from then on they change only through the API. Thread-safe.
 */
public final class PeerSettings {
  /** The reserved peer table holding the settings. */
  public static final String TABLE = "clusterdb.settings";

  private static final String PRIMARY = "primary";
  private static final Logger LOG = LoggerFactory.getLogger(PeerSettings.class);

  private final PeerStore store;
  private String primaryId;

  private PeerSettings(PeerStore store, String primaryId) {
    this.store = store;
    this.primaryId = primaryId;
  }

  /** Opens the settings of this peer, seeding them from {@code config} the first time. */
  public static PeerSettings open(PeerStore store, ClusterDbConfig config) {
    store.ensureTable(TABLE);
    String seeded = config.primaryPeer().id();
    String stored = store.get(TABLE, PRIMARY).map(ByteString::toStringUtf8).orElse(null);
    boolean known = stored != null && config.peers().stream().anyMatch(p -> p.id().equals(stored));
    if (!known) {
      store.put(TABLE, PRIMARY, ByteString.copyFromUtf8(seeded));
      return new PeerSettings(store, seeded);
    }
    if (!stored.equals(seeded)) {
      LOG.info(
          "own primary setting differs from the configuration file; the setting applies"
              + " member={} primary={} fileprimary={}",
          config.memberId(),
          stored,
          seeded);
    }
    return new PeerSettings(store, stored);
  }

  /** The member this peer's admin named configuration primary. */
  public synchronized String primaryId() {
    return primaryId;
  }

  /** Durably names {@code id} configuration primary on this peer. */
  public synchronized void setPrimaryId(String id) {
    store.put(TABLE, PRIMARY, ByteString.copyFromUtf8(id));
    primaryId = id;
  }
}
