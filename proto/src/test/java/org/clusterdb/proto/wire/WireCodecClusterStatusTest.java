package org.clusterdb.proto.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.PeerStatus;
import org.junit.jupiter.api.Test;

/** A cluster status crosses the wire unchanged, each peer's certificate status included. */
class WireCodecClusterStatusTest {
  @Test
  void aStatusWithAndWithoutCertificatesRoundTrips() {
    ClusterStatus s =
        new ClusterStatus(
            "p1",
            1,
            "p1",
            1,
            ClusterStatus.Database.ACTIVE,
            10,
            10,
            -1,
            List.of(
                new PeerStatus(
                    1,
                    "p1",
                    "p1.example.com:7001",
                    PeerStatus.State.THIS_SYSTEM,
                    Optional.empty(),
                    10,
                    0,
                    Optional.of("Valid")),
                new PeerStatus(
                    2,
                    "p2",
                    "p2.example.com:7002",
                    PeerStatus.State.ACTIVE,
                    Optional.of("10.0.0.2"),
                    10,
                    0,
                    Optional.of("Invalid (Common Name in certificate does not match)")),
                new PeerStatus(
                    3,
                    "p3",
                    "p3.example.com:7003",
                    PeerStatus.State.FAILED,
                    Optional.empty(),
                    -1,
                    -1)));

    ClusterStatus back = WireCodec.clusterStatus(WireCodec.clusterStatus(null, s));

    assertThat(back).isEqualTo(s);
    assertThat(back.peers().get(2).certificate()).isEmpty();
  }
}
