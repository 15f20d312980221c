package org.clusterdb.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.PeerAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The mapping comes before DNS, only while it is on; {@code .test} names DNS never answers. */
@Timeout(30)
class PeerResolverTest {
  private static ClusteringSettings settings(boolean on, Map<String, String> mappings) {
    return new ClusteringSettings(
        "c.test",
        1,
        ClusteringSettings.TlsMode.PERMISSIVE,
        ClusteringSettings.IpVersion.IPV4,
        List.of(new PeerAddress("p1", "p1.clusterdb.test", 7001)),
        on,
        mappings);
  }

  private final AtomicReference<ClusteringSettings> current =
      new AtomicReference<>(settings(true, Map.of("P1.Clusterdb.Test", "127.0.0.7")));
  private final PeerResolver resolver = new PeerResolver("p1", current::get);

  @Test
  void aMappedNameResolvesToItsAddressWhateverItsCaseOrTrailingDot() throws Exception {
    for (String name : List.of("p1.clusterdb.test", "P1.CLUSTERDB.TEST", "p1.clusterdb.test.")) {
      InetAddress a = resolver.resolve(name);
      assertThat(a.getHostAddress()).isEqualTo("127.0.0.7");
      assertThat(a.getHostName()).isEqualTo(name);
    }
  }

  @Test
  void theMappingOffOrWithoutTheNameLeavesItToDns() {
    assertThat(resolver.mapped("p2.clusterdb.test")).isEmpty();
    assertThatThrownBy(() -> resolver.resolve("p2.clusterdb.test"))
        .isInstanceOf(UnknownHostException.class);

    current.set(settings(false, Map.of("p1.clusterdb.test", "127.0.0.7")));

    assertThat(resolver.mapped("p1.clusterdb.test")).isEmpty();
    assertThatThrownBy(() -> resolver.resolve("p1.clusterdb.test"))
        .isInstanceOf(UnknownHostException.class);
  }

  @Test
  void aChangedMappingAppliesAtTheNextLookup() throws Exception {
    current.set(settings(true, Map.of("p1.clusterdb.test", "::1")));

    assertThat(resolver.resolve("p1.clusterdb.test")).isEqualTo(InetAddress.getByName("::1"));
  }

  @Test
  void ipLiteralsResolveAsThemselves() throws Exception {
    assertThat(resolver.resolve("127.0.0.3").getHostAddress()).isEqualTo("127.0.0.3");
  }
}
