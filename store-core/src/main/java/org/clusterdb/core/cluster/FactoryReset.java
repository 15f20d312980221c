package org.clusterdb.core.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.clusterdb.core.auth.AccountStore;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.local.PeerStore;
import org.clusterdb.core.security.PeerTls;
import org.clusterdb.core.storage.FileOps;
import org.clusterdb.proto.log.v1.DropTable;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.TableMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's factory reset, run at the start after an admin cleared every peer address: the
 * cluster's data, every peer table but the basic network settings the configuration names, and the
 * server certificate, key and CA trust store, and the system key, are deleted. The peer then starts
 * as a cluster of one.
 */
public final class FactoryReset {
  private static final Logger LOG = LoggerFactory.getLogger(FactoryReset.class);

  private FactoryReset() {}

  /** Resets this peer; {@code peerStore} stays open, with only the kept tables. */
  public static void run(ClusterDbConfig config, PeerStore peerStore) throws IOException {
    LOG.warn(
        "factory reset: every peer address was cleared; deleting this peer's configuration"
            + " member={} keeps={} removes={}",
        config.memberId(),
        config.factoryResetKeeps(),
        config.factoryResetRemoves());
    AccountStore.keepForReset(peerStore, config.dataDir());
    List<String> dropped =
        peerStore.read(r -> r.tables().stream().map(TableMeta::getName).toList()).stream()
            .filter(t -> !config.factoryResetKeeps().contains(t))
            // The seed's reset keeps the admin accounts.
            .filter(t -> !t.equals(AccountStore.COPY_TABLE))
            .toList();
    for (String table : dropped) {
      peerStore
          .apply(
              LogEntry.newBuilder()
                  .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
                  .setDropTable(DropTable.newBuilder().setName(table))
                  .build())
          .join();
    }
    for (Path file : config.factoryResetRemoves()) {
      if (Files.deleteIfExists(file)) {
        LOG.warn("factory reset: deleted member={} file={}", config.memberId(), file);
      }
    }
    FileOps.deleteRecursively(config.dataDir().resolve("raft"));
    FileOps.deleteRecursively(config.dataDir().resolve("state"));
    // The seed's reset removes the server certificate and key: a self-signed one is made anew.
    FileOps.deleteRecursively(config.dataDir().resolve(PeerTls.DIR));
    // And the sensitive data: the system key goes, the new cluster of one makes its own.
    SystemKeyManager.deleteKeyFile(config.dataDir());
    LOG.warn("factory reset done member={} droppedtables={}", config.memberId(), dropped);
  }
}
