package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.ClusteringSettings.TlsMode;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.api.PeerStatus;
import org.clusterdb.api.TableScope;
import org.clusterdb.core.config.TlsFiles;
import org.clusterdb.core.security.CertificateAuthority;
import org.clusterdb.core.security.CertificateStatus;
import org.clusterdb.core.security.KeyType;
import org.clusterdb.core.security.SubjectNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster whose peers are named by FQDNs only the address mapping resolves ({@code .test} is
 * reserved: DNS never answers it), mapped to loopback addresses.
 */
@Timeout(120)
class AddressMappingTest {
  @TempDir Path dir;

  private final CertificateAuthority ca =
      CertificateAuthority.create("test CA", TestCertificates.YEAR, KeyType.EC, Instant.now());

  private static String fqdn(int i) {
    return "p" + (i + 1) + ".mapping.clusterdb.test";
  }

  private static String ip(int i) {
    return "127.0.0." + (i + 1);
  }

  private static final Map<String, String> MAPPINGS =
      Map.of(fqdn(0), ip(0), fqdn(1), ip(1), fqdn(2), ip(2));

  /** Three peers named p1..p3.mapping.clusterdb.test; peer N's certificate names {@code san}. */
  private MiniCluster cluster(TlsMode mode, boolean mapping, SanOf san) {
    return MiniCluster.start(
        3,
        dir.resolve("data"),
        AddressMappingTest::fqdn,
        (self, b) -> {
          try {
            return b.tlsMode(mode)
                .addressMapping(mapping)
                .mappings(MAPPINGS)
                .tls(certificate(self, san.names(self)));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  interface SanOf {
    SubjectNames names(PeerAddress self);
  }

  private TlsFiles certificate(PeerAddress self, SubjectNames names) throws Exception {
    return TestCertificates.write(dir.resolve("certs"), self.id(), names, ca, ca);
  }

  /** The FQDN only: the peer's SAN holds no IP address. */
  private static SubjectNames fqdnOnly(PeerAddress self) {
    return SubjectNames.of(List.of(self.host()), List.of());
  }

  private static boolean has(MiniCluster c, int i, String key) {
    return c.holds(i, "t", key);
  }

  private static void writeAndAwaitEverywhere(MiniCluster c, String key) {
    ClusterDb leader = c.member(c.awaitLeader());
    leader.blocking().createTable("t", TableScope.CLUSTER);
    leader.blocking().put("t", key, "v");
    for (int i = 0; i < c.size(); i++) {
      int member = i;
      await().atMost(Duration.ofSeconds(30)).until(() -> has(c, member, key));
    }
  }

  @Test
  void peersNamedByFqdnsOnlyTheMappingKnowsFormAClusterAndShowTheMappedAddresses() {
    try (MiniCluster c = cluster(TlsMode.PERMISSIVE, true, AddressMappingTest::fqdnOnly)) {
      writeAndAwaitEverywhere(c, "k");
      assertThat(c.member(0).membership().orElseThrow().voters())
          .extracting(PeerAddress::host)
          .containsExactly(fqdn(0), fqdn(1), fqdn(2));
      // What each reports of itself, for "suggest mappings".
      for (int i = 0; i < c.size(); i++) {
        assertThat(c.member(i).listenAddress()).isEqualTo(ip(i));
      }
      // The clustering page's "Resolved" column, from the mapping.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                ClusterStatus s = c.member(1).clusterStatus();
                return s.database() == ClusterStatus.Database.ACTIVE
                    && s.peers().stream()
                        .allMatch(
                            p ->
                                p.resolvedAddress().equals(Optional.of(ip(p.index() - 1)))
                                    && (p.state() == PeerStatus.State.ACTIVE
                                        || p.state() == PeerStatus.State.THIS_SYSTEM));
              });
    }
  }

  @Test
  void aPeerMovedFromItsIpToItsFqdnIsAtItsFqdnInTheRaftGroupThePrimaryIncluded() {
    try (MiniCluster c =
        MiniCluster.start(
            3,
            dir.resolve("data"),
            AddressMappingTest::ip,
            (self, b) -> b.addressMapping(true).mappings(MAPPINGS))) {
      writeAndAwaitEverywhere(c, "k");
      // Peer 1, the primary, then peer 2: changed on every peer, the primary first, then
      // restarted, as the seed's procedure does it.
      for (int moved : new int[] {0, 1}) {
        for (int i = 0; i < c.size(); i++) {
          ClusterDb db = c.member(i);
          List<PeerAddress> peers = new java.util.ArrayList<>(db.clusteringSettings().peers());
          PeerAddress p = peers.get(moved);
          peers.set(moved, new PeerAddress(p.id(), fqdn(moved), p.port()));
          db.saveClusteringSettings(db.clusteringSettings().withPeers(peers)).join();
        }
        c.restart(moved);
        int changed = moved;
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    c.member(0)
                        .membership()
                        .map(
                            m ->
                                m.voters().size() == 3
                                    && m.voters().get(changed).host().equals(fqdn(changed)))
                        .orElse(false));
      }
      c.member(0).blocking().put("t", "k2", "v");
      for (int i = 0; i < c.size(); i++) {
        int member = i;
        await().atMost(Duration.ofSeconds(30)).until(() -> has(c, member, "k2"));
      }
      assertThat(c.member(0).membership().orElseThrow().voters())
          .extracting(PeerAddress::host)
          .containsExactly(fqdn(0), fqdn(1), ip(2));
    }
  }

  @Test
  void enforceChecksEachPeersSanAgainstItsFqdnNotTheMappedAddress() {
    try (MiniCluster c = cluster(TlsMode.ENFORCE, true, AddressMappingTest::fqdnOnly)) {
      writeAndAwaitEverywhere(c, "k");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  c.member(0).clusterStatus().peers().stream()
                      .allMatch(p -> p.certificate().equals(Optional.of("Valid"))));
      assertThat(c.member(0).certificateCheck(fqdn(1)))
          .hasValueSatisfying(v -> assertThat(v.status()).isEqualTo(CertificateStatus.VALID));
    }
  }

  @Test
  void enforceRefusesAPeerWhoseSanNamesOnlyTheMappedAddress() {
    // p3's certificate names 127.0.0.3, the address its FQDN maps to, and not the FQDN.
    try (MiniCluster c =
        cluster(
            TlsMode.ENFORCE,
            true,
            self ->
                self.id().equals("p3")
                    ? SubjectNames.of(List.of(), List.of(ip(2)))
                    : fqdnOnly(self))) {
      ClusterDb p1 = c.member(0);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  p1.certificateCheck(fqdn(2))
                      .map(v -> v.status() == CertificateStatus.NAME_MISMATCH)
                      .orElse(false));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> p1.membership().map(m -> m.voters().size() == 2).orElse(false));
      p1.blocking().createTable("t", TableScope.CLUSTER);
      p1.blocking().put("t", "k", "v");
      await().atMost(Duration.ofSeconds(30)).until(() -> has(c, 1, "k"));
      assertThat(has(c, 2, "k")).isFalse();
    }
  }
}
