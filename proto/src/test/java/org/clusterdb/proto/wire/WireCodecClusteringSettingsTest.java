package org.clusterdb.proto.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Header;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.proto.api.v1.GetClusteringSettingsResponse;
import org.clusterdb.proto.api.v1.SaveClusteringSettingsRequest;
import org.junit.jupiter.api.Test;

/** Clustering settings cross the wire unchanged, both ways, and bad enums name their field. */
class WireCodecClusteringSettingsTest {
  private static final ClusteringSettings FULL =
      new ClusteringSettings(
          "expc-cluster.example.com",
          2,
          ClusteringSettings.TlsMode.ENFORCE,
          ClusteringSettings.IpVersion.IPV6,
          List.of(
              new PeerAddress("p1", "fd00::1", 7001),
              new PeerAddress("p2", "fd00::2", 7002),
              new PeerAddress("p3", "peer3.example.com", 7003)),
          true,
          Map.of("peer3.example.com", "fd00::3", "dns.example.com", "10.0.0.53"));

  private static final ClusteringSettings LEFT =
      new ClusteringSettings(
          "c1",
          0,
          ClusteringSettings.TlsMode.PERMISSIVE,
          ClusteringSettings.IpVersion.IPV4,
          List.of(),
          false,
          Map.of());

  private static ClusteringSettings roundTrip(ClusteringSettings s) {
    byte[] bytes = WireCodec.clusteringSettings(s).toByteArray();
    try {
      return WireCodec.clusteringSettings(
          org.clusterdb.proto.api.v1.ClusteringSettings.parseFrom(bytes), "settings");
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void settingsRoundTripWithEveryFieldSet() {
    assertThat(roundTrip(FULL)).isEqualTo(FULL);
    assertThat(roundTrip(FULL).peers()).containsExactlyElementsOf(FULL.peers());
  }

  @Test
  void settingsWithoutPeersRoundTrip() {
    assertThat(roundTrip(LEFT)).isEqualTo(LEFT);
    assertThat(roundTrip(ClusteringSettings.of("c1", 1, List.of(new PeerAddress("p1", "h", 1)))))
        .isEqualTo(ClusteringSettings.of("c1", 1, List.of(new PeerAddress("p1", "h", 1))));
  }

  @Test
  void enumsMapByName() {
    org.clusterdb.proto.api.v1.ClusteringSettings wire = WireCodec.clusteringSettings(FULL);

    assertThat(wire.getTlsMode())
        .isEqualTo(org.clusterdb.proto.api.v1.ClusteringSettings.TlsMode.ENFORCE);
    assertThat(wire.getIpVersion())
        .isEqualTo(org.clusterdb.proto.api.v1.ClusteringSettings.IpVersion.IPV6);
    for (ClusteringSettings.TlsMode m : ClusteringSettings.TlsMode.values()) {
      ClusteringSettings s =
          new ClusteringSettings(
              "c", 0, m, ClusteringSettings.IpVersion.IPV4, List.of(), false, Map.of());
      assertThat(roundTrip(s).tlsMode()).isEqualTo(m);
    }
    for (ClusteringSettings.IpVersion v : ClusteringSettings.IpVersion.values()) {
      ClusteringSettings s =
          new ClusteringSettings(
              "c", 0, ClusteringSettings.TlsMode.PERMISSIVE, v, List.of(), false, Map.of());
      assertThat(roundTrip(s).ipVersion()).isEqualTo(v);
    }
  }

  @Test
  void unsetEnumsAreInvalidArgumentsNamingTheField() {
    org.clusterdb.proto.api.v1.ClusteringSettings noTls =
        WireCodec.clusteringSettings(FULL).toBuilder()
            .setTlsMode(org.clusterdb.proto.api.v1.ClusteringSettings.TlsMode.TLS_MODE_UNSPECIFIED)
            .build();
    org.clusterdb.proto.api.v1.ClusteringSettings badIp =
        WireCodec.clusteringSettings(FULL).toBuilder().setIpVersionValue(42).build();

    assertThatThrownBy(() -> WireCodec.clusteringSettings(noTls, "settings"))
        .isInstanceOfSatisfying(
            ClusterDbException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.field()).contains("settings.tls_mode");
            });
    assertThatThrownBy(() -> WireCodec.clusteringSettings(badIp, "own"))
        .isInstanceOfSatisfying(
            ClusterDbException.class, e -> assertThat(e.field()).contains("own.ip_version"));
  }

  @Test
  void getResponseRoundTripsWithAndWithoutTheClustersSettings() {
    Header header = new Header("c1", "p2", 7, 3);

    GetClusteringSettingsResponse both =
        WireCodec.clusteringSettingsResponse(header, "p2", FULL, Optional.of(FULL.withPrimary(1)));
    GetClusteringSettingsResponse ownOnly =
        WireCodec.clusteringSettingsResponse(null, "p2", LEFT, Optional.empty());

    assertThat(WireCodec.header(both.getHeader())).isEqualTo(header);
    assertThat(both.getMemberId()).isEqualTo("p2");
    assertThat(WireCodec.ownSettings(both)).isEqualTo(FULL);
    assertThat(WireCodec.clusterSettings(both)).contains(FULL.withPrimary(1));
    assertThat(ownOnly.hasHeader()).isFalse();
    assertThat(ownOnly.hasCluster()).isFalse();
    assertThat(WireCodec.ownSettings(ownOnly)).isEqualTo(LEFT);
    assertThat(WireCodec.clusterSettings(ownOnly)).isEmpty();
    assertThatThrownBy(
            () -> WireCodec.ownSettings(GetClusteringSettingsResponse.getDefaultInstance()))
        .isInstanceOfSatisfying(
            ClusterDbException.class, e -> assertThat(e.field()).contains("own"));
  }

  @Test
  void saveRequestRoundTripsAndRequiresSettings() {
    SaveClusteringSettingsRequest r = WireCodec.saveClusteringSettingsRequest("p2", FULL);

    assertThat(r.getMemberId()).isEqualTo("p2");
    assertThat(WireCodec.clusteringSettings(r)).isEqualTo(FULL);
    assertThat(WireCodec.saveClusteringSettingsRequest("", LEFT).getMemberId()).isEmpty();
    assertThatThrownBy(
            () -> WireCodec.clusteringSettings(SaveClusteringSettingsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            ClusterDbException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.field()).contains("settings");
            });
  }
}
