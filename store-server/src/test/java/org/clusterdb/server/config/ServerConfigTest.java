package org.clusterdb.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.config.WritePolicy;
import org.clusterdb.server.config.ConfigException.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The record built in code: defaults, validation, the embedded member's view, the log line. */
@Timeout(30)
class ServerConfigTest {
  private static final List<PeerEndpoint> PEERS =
      List.of(
          new PeerEndpoint("p1", "10.0.0.1", 7001, 7101),
          new PeerEndpoint("p2", "10.0.0.2", 7001, 7101),
          new PeerEndpoint("p3", "::1", 7003, 7103));

  private static ServerConfig.Builder valid() {
    return ServerConfig.builder()
        .clusterName("c1")
        .memberId("p2")
        .peers(PEERS)
        .dataDir(Path.of("/var/lib/clusterdb/p2"));
  }

  @Test
  void builderDefaultsTheBindHostToTheMembersHost() {
    ServerConfig c = valid().build();

    assertThat(c.clientBindHost()).isEqualTo("10.0.0.2");
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(valid().clientBindHost("0.0.0.0").build().clientBindHost()).isEqualTo("0.0.0.0");
  }

  @Test
  void httpIsOffByDefaultAndBindsTheClientBindHostUnlessTold() {
    assertThat(valid().build().httpPort()).isZero();
    assertThat(valid().clientBindHost("0.0.0.0").build().httpBindHost()).isEqualTo("0.0.0.0");
    assertThat(valid().httpPort(9100).httpBindHost("127.0.0.1").build())
        .satisfies(
            c -> {
              assertThat(c.httpPort()).isEqualTo(9100);
              assertThat(c.httpBindHost()).isEqualTo("127.0.0.1");
              assertThat(c.toYaml()).contains("httpPort: 9100", "httpBindHost: 127.0.0.1");
            });
  }

  @Test
  void httpPortOutOfRangeOrTakenByThisPeerAndAnEmptyHttpBindHostAreProblems() {
    assertThat(valid().httpPort(-1).httpBindHost(" ").buildUnvalidated().problems())
        .containsExactly(
            new Problem("server.httpPort", 0, "must be 0 (off) or 1..65535, was -1"),
            new Problem("server.httpBindHost", 0, "must not be empty"));
    assertThat(valid().httpPort(65536).buildUnvalidated().problems())
        .containsExactly(
            new Problem("server.httpPort", 0, "must be 0 (off) or 1..65535, was 65536"));
    assertThat(valid().httpPort(7101).buildUnvalidated().problems())
        .containsExactly(
            new Problem(
                "server.httpPort",
                0,
                "10.0.0.2:7101 is already used by cluster.peers[1].clientPort"));
  }

  @Test
  void toBuilderCopiesEveryField() {
    ServerConfig c =
        valid()
            .primary(3)
            .writePolicy(WritePolicy.ANY_LEADER)
            .maxTxnOps(7)
            .shutdownGrace(Duration.ofMillis(1))
            .httpPort(9100)
            .httpBindHost("127.0.0.1")
            .tlsMode(ClusteringSettings.TlsMode.ENFORCE)
            .ipVersion(ClusteringSettings.IpVersion.IPV6)
            .platform("Appliance")
            .optionKeys(List.of("k2", "k1"))
            .softwareVersion("2.0")
            .maxRoundTrip(Duration.ofMillis(20))
            .factoryResetKeeps(List.of("ssh-keys", "network"))
            .factoryResetRemoves(List.of(Path.of("/tls/server.key"), Path.of("ca.pem")))
            .build();

    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void toClusterDbConfigUsesTheRaftPorts() {
    ClusterDbConfig core =
        valid().requestTimeout(Duration.ofSeconds(3)).build().toClusterDbConfig();

    assertThat(core.peers())
        .containsExactly(
            new PeerAddress("p1", "10.0.0.1", 7001),
            new PeerAddress("p2", "10.0.0.2", 7001),
            new PeerAddress("p3", "::1", 7003));
    assertThat(core.memberId()).isEqualTo("p2");
    assertThat(core.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(core.primary()).isEqualTo(ClusterDbConfig.DEFAULT_PRIMARY);
    assertThat(core.writePolicy()).isEqualTo(ClusterDbConfig.DEFAULT_WRITE_POLICY);
    assertThat(core.validate()).isEqualTo(core);
  }

  @Test
  void toClusterDbConfigCarriesThePrimaryAndWritePolicy() {
    ClusterDbConfig core =
        valid().primary(3).writePolicy(WritePolicy.ANY_LEADER).build().toClusterDbConfig();

    assertThat(core.primary()).isEqualTo(3);
    assertThat(core.primaryPeer()).isEqualTo(new PeerAddress("p3", "::1", 7003));
    assertThat(core.writePolicy()).isEqualTo(WritePolicy.ANY_LEADER);
  }

  @Test
  void toClusterDbConfigCarriesTheClusteringSeedsAndJoinChecks() {
    ClusterDbConfig core =
        valid()
            .tlsMode(ClusteringSettings.TlsMode.ENFORCE)
            .ipVersion(ClusteringSettings.IpVersion.IPV6)
            .platform("Appliance")
            .optionKeys(List.of("k2", "k1"))
            .softwareVersion("2.0")
            .maxRoundTrip(Duration.ofMillis(20))
            .build()
            .toClusterDbConfig();

    assertThat(core.tlsMode()).isEqualTo(ClusteringSettings.TlsMode.ENFORCE);
    assertThat(core.ipVersion()).isEqualTo(ClusteringSettings.IpVersion.IPV6);
    assertThat(core.platform()).isEqualTo("Appliance");
    assertThat(core.optionKeys()).containsExactlyInAnyOrder("k1", "k2");
    assertThat(core.softwareVersion()).isEqualTo("2.0");
    assertThat(core.maxRoundTrip()).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void toClusterDbConfigCarriesTheFactoryResetLists() {
    ClusterDbConfig core =
        valid()
            .factoryResetKeeps(List.of("ssh-keys", "network"))
            .factoryResetRemoves(List.of(Path.of("/tls/server.key"), Path.of("/tls/ca.pem")))
            .build()
            .toClusterDbConfig();

    assertThat(core.factoryResetKeeps()).containsExactlyInAnyOrder("network", "ssh-keys");
    assertThat(core.factoryResetRemoves())
        .containsExactly(Path.of("/tls/server.key"), Path.of("/tls/ca.pem"));
    assertThat(valid().build().toClusterDbConfig().factoryResetKeeps()).isEmpty();
    assertThat(valid().build().toClusterDbConfig().factoryResetRemoves()).isEmpty();
  }

  @Test
  void defaultsAreTheEmbeddedMembersDefaults() {
    ClusterDbConfig fromServer = valid().build().toClusterDbConfig();
    ClusterDbConfig fromCore =
        ClusterDbConfig.builder()
            .clusterName("c1")
            .memberId("p2")
            .peers(PEERS.stream().map(PeerEndpoint::peerAddress).toList())
            .dataDir(Path.of("/var/lib/clusterdb/p2"))
            .build();

    assertThat(fromServer).isEqualTo(fromCore);
  }

  @Test
  void clusteringProblemsUseTheFileNames() {
    assertThat(
            valid()
                .tlsMode(null)
                .ipVersion(null)
                .platform(" ")
                .optionKeys(List.of("k1", "", "k1"))
                .softwareVersion("")
                .maxRoundTrip(Duration.ZERO)
                .buildUnvalidated()
                .problems())
        .containsExactly(
            new Problem("cluster.optionKeys[1]", 0, "must not be empty"),
            new Problem("cluster.optionKeys[2]", 0, "duplicate option key 'k1'"),
            new Problem("cluster.maxRoundTrip", 0, "must be a positive duration"),
            new Problem("cluster.tlsMode", 0, "required"),
            new Problem("cluster.ipVersion", 0, "required"),
            new Problem("cluster.platform", 0, "must not be empty"),
            new Problem("cluster.softwareVersion", 0, "must not be empty"));
  }

  @Test
  void factoryResetProblemsUseTheFileNames() {
    assertThat(
            valid()
                .factoryResetKeeps(List.of("network", "", "1st", "bad name", "network"))
                .factoryResetRemoves(
                    List.of(Path.of("/tls/ca.pem"), Path.of(""), Path.of("/tls/./ca.pem")))
                .buildUnvalidated()
                .problems())
        .containsExactly(
            new Problem("cluster.factoryResetKeeps[1]", 0, "must not be empty"),
            new Problem(
                "cluster.factoryResetKeeps[2]",
                0,
                "'1st' is not a valid table name ([A-Za-z][A-Za-z0-9_.-]{0,63})"),
            new Problem(
                "cluster.factoryResetKeeps[3]",
                0,
                "'bad name' is not a valid table name ([A-Za-z][A-Za-z0-9_.-]{0,63})"),
            new Problem("cluster.factoryResetKeeps[4]", 0, "duplicate table 'network'"),
            new Problem("cluster.factoryResetRemoves[1]", 0, "must not be empty"),
            new Problem("cluster.factoryResetRemoves[2]", 0, "duplicate file '/tls/./ca.pem'"));
  }

  @Test
  void primaryAndWritePolicyProblemsUseTheFileNames() {
    assertThat(valid().primary(4).writePolicy(null).buildUnvalidated().problems())
        .containsExactly(
            new Problem("cluster.primary", 0, "must be a peer index, 1 to 3, was 4"),
            new Problem("cluster.writePolicy", 0, "required"));
    assertThat(valid().primary(0).buildUnvalidated().problems())
        .containsExactly(new Problem("cluster.primary", 0, "must be a peer index, 1 to 3, was 0"));
  }

  @Test
  void anEmptyPeerListIsReportedWithoutAPrimaryProblem() {
    assertThat(valid().memberId("p1").peers(List.of()).buildUnvalidated().problems())
        .extracting(Problem::field)
        .containsExactly("cluster.peers");
  }

  @Test
  void selfIsTheMembersPeer() {
    assertThat(valid().build().self()).isEqualTo(PEERS.get(1));
    assertThatThrownBy(() -> valid().memberId("p9").buildUnvalidated().self())
        .isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void peerEndpointAddresses() {
    assertThat(PEERS.get(0).clientAddress()).isEqualTo("10.0.0.1:7101");
    assertThat(PEERS.get(2).clientAddress()).isEqualTo("[::1]:7103");
    assertThat(PEERS.get(2).peerAddress().address()).isEqualTo("[::1]:7003");
    assertThat(PEERS.get(2)).hasToString("p3@[::1]:7003/7103");
  }

  @Test
  void buildReportsEveryProblemWithoutLines() {
    assertThatThrownBy(
            () ->
                valid()
                    .memberId("p9")
                    .peers(
                        List.of(
                            new PeerEndpoint("p1", "h", 7001, 7001),
                            new PeerEndpoint("p2", "h", 0, 7102)))
                    .dataDir(null)
                    .shutdownGrace(Duration.ofSeconds(-1))
                    .electionTimeoutMin(Duration.ofNanos(1))
                    .build())
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        new Problem(
                            "cluster.peers[0].clientPort",
                            0,
                            "h:7001 is already used by cluster.peers[0].peerPort"),
                        new Problem("cluster.peers[1].peerPort", 0, "must be 1..65535, was 0"),
                        new Problem(
                            "raft.electionTimeoutMin",
                            0,
                            "must be a whole number of milliseconds, was PT0.000000001S"),
                        new Problem("server.shutdownGrace", 0, "must be a duration of 0s or more"),
                        new Problem("member", 0, "'p9' is not one of the peers"),
                        new Problem("dataDir", 0, "required")))
        .hasMessageStartingWith(
            "ServerConfig: cluster.peers[0].clientPort: h:7001 is already used by");
  }

  @Test
  void theLogFilesTotalMustHoldAtLeastOneFileAndItRoundTripsThroughTheFile() {
    assertThatThrownBy(() -> valid().logMaxFileBytes(1 << 20).logTotalBytes(1 << 19).build())
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        new Problem(
                            "log.totalSize",
                            0,
                            "must be at least log.maxFileSize (1MiB), was 512KiB")));
    ServerConfig c = valid().logDir(Path.of("/var/log/clusterdb")).logTotalBytes(1L << 30).build();
    assertThat(ConfigLoader.parse(c.toYaml(), "generated")).isEqualTo(c);
    assertThat(c.describe())
        .endsWith("log.dir=/var/log/clusterdb log.maxFileSize=10MiB log.totalSize=1GiB");
  }

  @Test
  void hostNamesDifferingOnlyInCaseCollide() {
    ServerConfig c =
        valid()
            .memberId("p1")
            .peers(
                List.of(
                    new PeerEndpoint("p1", "Node1", 7001, 7101),
                    new PeerEndpoint("p2", "node1", 7101, 7102)))
            .buildUnvalidated();

    assertThat(c.problems())
        .containsExactly(
            new Problem(
                "cluster.peers[1].peerPort",
                0,
                "node1:7101 is already used by cluster.peers[0].clientPort"));
  }

  @Test
  void describeIsOneLineOfEveryKey() {
    String line = valid().dataDir(Path.of("/srv/my data")).build().describe();

    assertThat(line)
        .isEqualTo(
            "cluster.name=c1"
                + " cluster.peers=p1@10.0.0.1:7001/7101,p2@10.0.0.2:7001/7101,p3@[::1]:7003/7103"
                + " cluster.primary=1 cluster.writePolicy=PRIMARY_ONLY"
                + " cluster.healthCheckInterval=1s cluster.peerFailureTimeout=5s"
                + " cluster.syncCheckInterval=2m cluster.tlsMode=PERMISSIVE cluster.ipVersion=IPV4"
                + " cluster.addressMapping=false cluster.mappings={} cluster.platform=VM"
                + " cluster.optionKeys=[] cluster.maxRoundTrip=80ms cluster.factoryResetKeeps=[]"
                + " cluster.factoryResetRemoves=[] member=p2 dataDir=\"/srv/my data\""
                + " raft.electionTimeoutMin=300ms raft.electionTimeoutMax=600ms"
                + " raft.snapshotEveryEntries=10000 raft.snapshotsRetained=2"
                + " raft.logSegmentBytes=8MiB raft.logPurgeGap=1024 requests.timeout=10s"
                + " requests.maxKeyBytes=4KiB requests.maxValueBytes=1MiB requests.maxTxnOps=128"
                + " requests.maxRequestBytes=2MiB watch.historyRevisions=10000"
                + " watch.historyBytes=64MiB watch.maxPendingBytes=128MiB"
                + " server.clientBindHost=10.0.0.2 server.shutdownGrace=10s server.httpPort=0"
                + " server.httpBindHost=10.0.0.2 server.httpTls=false log.maxFileSize=10MiB"
                + " log.totalSize=100MiB");
  }
}
