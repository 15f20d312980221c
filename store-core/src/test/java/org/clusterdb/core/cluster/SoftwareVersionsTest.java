package org.clusterdb.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.clusterdb.api.PeerStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SoftwareVersionsTest {
  private static PeerStatus peer(int i, String version) {
    return new PeerStatus(
            i, "p" + i, "h:" + i, PeerStatus.State.ACTIVE, Optional.empty(), 1, 0, Optional.empty())
        .withSoftwareVersion(Optional.ofNullable(version));
  }

  @Test
  void peersOnOneVersionAgree() {
    assertThat(SoftwareVersions.mismatch(List.of(peer(1, "1.0"), peer(2, "1.0")))).isEmpty();
  }

  @Test
  void onePeerOnAnotherVersionIsAMismatchNamingEachPeersVersion() {
    assertThat(SoftwareVersions.mismatch(List.of(peer(1, "1.0"), peer(2, "1.0"), peer(3, "1.1"))))
        .contains("p1=1.0, p2=1.0, p3=1.1");
  }

  @Test
  void aPeerThatPublishedNoVersionCountsForNeither() {
    assertThat(SoftwareVersions.mismatch(List.of(peer(1, "1.0"), peer(2, null)))).isEmpty();
    assertThat(SoftwareVersions.mismatch(List.of(peer(1, "1.0"), peer(2, null), peer(3, "2.0"))))
        .contains("p1=1.0, p3=2.0");
  }
}
