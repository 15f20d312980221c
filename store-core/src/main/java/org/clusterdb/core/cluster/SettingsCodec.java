package org.clusterdb.core.cluster;

import java.util.ArrayList;
import java.util.List;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.PeerAddress;

/** Clustering settings to and from their stored form. */
public final class SettingsCodec {
  private SettingsCodec() {}

  public static org.clusterdb.proto.log.v1.ClusteringSettings encode(ClusteringSettings s) {
    org.clusterdb.proto.log.v1.ClusteringSettings.Builder b =
        org.clusterdb.proto.log.v1.ClusteringSettings.newBuilder()
            .setName(s.name())
            .setPrimary(s.primary())
            .setTlsMode(
                s.tlsMode() == ClusteringSettings.TlsMode.ENFORCE
                    ? org.clusterdb.proto.log.v1.ClusteringSettings.TlsMode.TLS_MODE_ENFORCE
                    : org.clusterdb.proto.log.v1.ClusteringSettings.TlsMode.TLS_MODE_PERMISSIVE)
            .setIpVersion(
                s.ipVersion() == ClusteringSettings.IpVersion.IPV6
                    ? org.clusterdb.proto.log.v1.ClusteringSettings.IpVersion.IP_VERSION_IPV6
                    : org.clusterdb.proto.log.v1.ClusteringSettings.IpVersion.IP_VERSION_IPV4)
            .setAddressMapping(s.addressMapping())
            .putAllMappings(s.mappings());
    for (PeerAddress p : s.peers()) {
      b.addPeers(
          org.clusterdb.proto.log.v1.PeerAddress.newBuilder()
              .setId(p.id())
              .setHost(p.host())
              .setPort(p.port()));
    }
    return b.build();
  }

  public static ClusteringSettings decode(org.clusterdb.proto.log.v1.ClusteringSettings s) {
    List<PeerAddress> peers = new ArrayList<>();
    for (org.clusterdb.proto.log.v1.PeerAddress p : s.getPeersList()) {
      peers.add(new PeerAddress(p.getId(), p.getHost(), p.getPort()));
    }
    return new ClusteringSettings(
        s.getName(),
        s.getPrimary(),
        s.getTlsMode() == org.clusterdb.proto.log.v1.ClusteringSettings.TlsMode.TLS_MODE_ENFORCE
            ? ClusteringSettings.TlsMode.ENFORCE
            : ClusteringSettings.TlsMode.PERMISSIVE,
        s.getIpVersion() == org.clusterdb.proto.log.v1.ClusteringSettings.IpVersion.IP_VERSION_IPV6
            ? ClusteringSettings.IpVersion.IPV6
            : ClusteringSettings.IpVersion.IPV4,
        peers,
        s.getAddressMapping(),
        s.getMappingsMap());
  }
}
