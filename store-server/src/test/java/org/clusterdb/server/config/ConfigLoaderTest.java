package org.clusterdb.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.config.SoftwareVersion;
import org.clusterdb.core.config.TlsFiles;
import org.clusterdb.core.config.WritePolicy;
import org.clusterdb.server.config.ConfigException.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Valid files load to the values they state, defaults fill the rest, and toYaml reads back. */
@Timeout(30)
class ConfigLoaderTest {
  @TempDir Path dir;

  static String fixture(String name) {
    try (InputStream in = ConfigLoaderTest.class.getResourceAsStream("/config/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ServerConfig minimalFile() {
    return ConfigLoader.parse(fixture("minimal.yaml"), "minimal.yaml");
  }

  @Test
  void fullFileLoadsEveryValue() {
    ServerConfig config = ConfigLoader.parse(fixture("full.yaml"), "full.yaml");

    assertThat(config)
        .isEqualTo(
            ServerConfig.builder()
                .clusterName("expc-cluster.example.com")
                .memberId("p2")
                .peers(
                    List.of(
                        new PeerEndpoint("p1", "127.0.0.1", 7001, 7101),
                        new PeerEndpoint("p2", "127.0.0.1", 7002, 7102),
                        new PeerEndpoint("p3", "127.0.0.1", 7003, 7103)))
                .primary(3)
                .writePolicy(WritePolicy.ANY_LEADER)
                .tlsMode(ClusteringSettings.TlsMode.ENFORCE)
                .ipVersion(ClusteringSettings.IpVersion.IPV6)
                .platform("Appliance")
                .optionKeys(List.of("116341G00-1-AAAA0000", "116341E00-1-BBBB1111"))
                .softwareVersion("9.9.9-test")
                .maxRoundTrip(Duration.ofMillis(40))
                .factoryResetKeeps(List.of("network", "admin.accounts", "ssh-keys"))
                .factoryResetRemoves(
                    List.of(
                        Path.of("/etc/clusterdb/tls/server.pem"),
                        Path.of("/etc/clusterdb/tls/server.key"),
                        Path.of("/etc/clusterdb/tls/ca.pem")))
                .dataDir(Path.of("/var/lib/clusterdb/p2"))
                .electionTimeoutMin(Duration.ofMillis(1500))
                .electionTimeoutMax(Duration.ofSeconds(3))
                .snapshotEveryEntries(20_000)
                .snapshotsRetained(3)
                .logSegmentBytes(16L * 1024 * 1024)
                .logPurgeGap(2048)
                .requestTimeout(Duration.ofMinutes(2))
                .maxKeyBytes(8 * 1024)
                .maxValueBytes(2 * 1024 * 1024)
                .maxTxnOps(64)
                .maxRequestBytes(3 * 1024 * 1024)
                .watchHistoryRevisions(5000)
                .watchHistoryBytes(1L << 30)
                .watchMaxPendingBytes(1L << 30)
                .clientBindHost("0.0.0.0")
                .shutdownGrace(Duration.ofHours(1))
                .logDir(Path.of("/var/log/clusterdb"))
                .logMaxFileBytes(20L * 1024 * 1024)
                .logTotalBytes(1L << 30)
                .httpPort(7202)
                .httpBindHost("127.0.0.1")
                .build());
    assertThat(config.self()).isEqualTo(new PeerEndpoint("p2", "127.0.0.1", 7002, 7102));
  }

  @Test
  void minimalFileGetsEveryDefault() {
    ServerConfig c = minimalFile();

    assertThat(c.clusterName()).isEqualTo("c1");
    assertThat(c.memberId()).isEqualTo("p1");
    assertThat(c.peers()).containsExactly(new PeerEndpoint("p1", "10.1.2.3", 7001, 7101));
    assertThat(c.primary()).isEqualTo(ClusterDbConfig.DEFAULT_PRIMARY);
    assertThat(c.writePolicy()).isEqualTo(ClusterDbConfig.DEFAULT_WRITE_POLICY);
    assertThat(c.tlsMode()).isEqualTo(ServerConfig.DEFAULT_TLS_MODE);
    assertThat(c.ipVersion()).isEqualTo(ServerConfig.DEFAULT_IP_VERSION);
    assertThat(c.platform()).isEqualTo(ClusterDbConfig.DEFAULT_PLATFORM);
    assertThat(c.optionKeys()).isEmpty();
    assertThat(c.softwareVersion()).isNull();
    assertThat(c.effectiveSoftwareVersion()).isEqualTo(SoftwareVersion.CURRENT);
    assertThat(c.maxRoundTrip()).isEqualTo(ClusterDbConfig.DEFAULT_MAX_ROUND_TRIP);
    assertThat(c.factoryResetKeeps()).isEmpty();
    assertThat(c.factoryResetRemoves()).isEmpty();
    assertThat(c.dataDir()).isEqualTo(Path.of("/data/p1"));
    assertThat(c.electionTimeoutMin()).isEqualTo(ClusterDbConfig.DEFAULT_ELECTION_TIMEOUT_MIN);
    assertThat(c.electionTimeoutMax()).isEqualTo(ClusterDbConfig.DEFAULT_ELECTION_TIMEOUT_MAX);
    assertThat(c.requestTimeout()).isEqualTo(ClusterDbConfig.DEFAULT_REQUEST_TIMEOUT);
    assertThat(c.maxKeyBytes()).isEqualTo(ClusterDbConfig.DEFAULT_MAX_KEY_BYTES);
    assertThat(c.maxValueBytes()).isEqualTo(ClusterDbConfig.DEFAULT_MAX_VALUE_BYTES);
    assertThat(c.maxTxnOps()).isEqualTo(ClusterDbConfig.DEFAULT_MAX_TXN_OPS);
    assertThat(c.maxRequestBytes()).isEqualTo(ClusterDbConfig.DEFAULT_MAX_REQUEST_BYTES);
    assertThat(c.snapshotEveryEntries()).isEqualTo(ClusterDbConfig.DEFAULT_SNAPSHOT_EVERY_ENTRIES);
    assertThat(c.snapshotsRetained()).isEqualTo(ClusterDbConfig.DEFAULT_SNAPSHOTS_RETAINED);
    assertThat(c.logSegmentBytes()).isEqualTo(ClusterDbConfig.DEFAULT_LOG_SEGMENT_BYTES);
    assertThat(c.logPurgeGap()).isEqualTo(ClusterDbConfig.DEFAULT_LOG_PURGE_GAP);
    assertThat(c.watchHistoryRevisions())
        .isEqualTo(ClusterDbConfig.DEFAULT_WATCH_HISTORY_REVISIONS);
    assertThat(c.watchHistoryBytes()).isEqualTo(ClusterDbConfig.DEFAULT_WATCH_HISTORY_BYTES);
    assertThat(c.watchMaxPendingBytes()).isEqualTo(ClusterDbConfig.DEFAULT_WATCH_MAX_PENDING_BYTES);
    assertThat(c.shutdownGrace()).isEqualTo(ServerConfig.DEFAULT_SHUTDOWN_GRACE);
    assertThat(c.clientBindHost()).isEqualTo("10.1.2.3");
    assertThat(c.httpPort()).isEqualTo(ServerConfig.DEFAULT_HTTP_PORT).isZero();
    assertThat(c.httpBindHost()).isEqualTo("10.1.2.3");
    assertThat(c.logDir()).isNull();
    assertThat(c.logMaxFileBytes()).isEqualTo(ServerConfig.DEFAULT_LOG_MAX_FILE_BYTES);
    assertThat(c.logTotalBytes()).isEqualTo(ServerConfig.DEFAULT_LOG_TOTAL_BYTES);
  }

  @Test
  void aRelativeLogDirIsResolvedAgainstTheFilesDirectoryAndBadSizesNameTheirKeys(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("peer.yaml");
    Files.writeString(file, fixture("minimal.yaml") + "log:\n  dir: logs/p1\n");
    assertThat(ConfigLoader.load(file).logDir()).isEqualTo(dir.resolve("logs/p1"));

    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    fixture("minimal.yaml")
                        + "log:\n  maxFileSize: 1KiB\n  totalSize: 2\n  rotate: daily\n",
                    "peer.yaml"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Problem::field)
                    .containsExactlyInAnyOrder("log.rotate", "log.maxFileSize"));
  }

  @Test
  void emptySectionsAndBinaryUnitsInAnyCaseAreAccepted() {
    ServerConfig c =
        ConfigLoader.parse(
            fixture("minimal.yaml") + "raft:\nwatch:\n  historyBytes: 2mib\n", "inline");

    assertThat(c.electionTimeoutMin()).isEqualTo(ClusterDbConfig.DEFAULT_ELECTION_TIMEOUT_MIN);
    assertThat(c.watchHistoryBytes()).isEqualTo(2L * 1024 * 1024);
  }

  @Test
  void writePolicyIsReadInAnyCaseAndWrittenUpperCase() {
    String text =
        fixture("full.yaml")
            .replace("primary: 3", "primary: 2")
            .replace("writePolicy: ANY_LEADER", "writePolicy: any_Leader");

    ServerConfig c = ConfigLoader.parse(text, "inline");

    assertThat(c.primary()).isEqualTo(2);
    assertThat(c.writePolicy()).isEqualTo(WritePolicy.ANY_LEADER);
    assertThat(c.toClusterDbConfig().primaryPeer().id()).isEqualTo("p2");
    assertThat(c.toYaml()).contains("  primary: 2\n  writePolicy: ANY_LEADER\n");
    assertThat(
            ConfigLoader.parse(text.replace("any_Leader", "primary_only"), "inline").writePolicy())
        .isEqualTo(WritePolicy.PRIMARY_ONLY);
  }

  @Test
  void clusteringSeedsAreReadInAnyCaseAndWrittenUpperCase() {
    String text =
        fixture("full.yaml")
            .replace("tlsMode: enforce", "tlsMode: Permissive")
            .replace("ipVersion: IPv6", "ipVersion: ipv4");

    ServerConfig c = ConfigLoader.parse(text, "inline");

    assertThat(c.tlsMode()).isEqualTo(ClusteringSettings.TlsMode.PERMISSIVE);
    assertThat(c.ipVersion()).isEqualTo(ClusteringSettings.IpVersion.IPV4);
    assertThat(c.toYaml()).contains("  tlsMode: PERMISSIVE\n  ipVersion: IPV4\n");
  }

  @Test
  void optionKeysMayBeEmptyAndKeepTheirOrder() {
    String text = fixture("minimal.yaml").replace("  peers:", "  optionKeys: []\n  peers:");

    assertThat(ConfigLoader.parse(text, "inline").optionKeys()).isEmpty();
    assertThat(
            ConfigLoader.parse(text.replace("[]", "[b, a]"), "inline")
                .toClusterDbConfig()
                .optionKeys())
        .containsExactlyInAnyOrder("a", "b");
    assertThat(ConfigLoader.parse(text.replace("[]", ""), "inline").optionKeys()).isEmpty();
  }

  @Test
  void factoryResetListsMayBeEmptyAndKeepTheirOrder() {
    String text =
        fixture("minimal.yaml")
            .replace("  peers:", "  factoryResetKeeps: []\n  factoryResetRemoves: []\n  peers:");

    ServerConfig empty = ConfigLoader.parse(text, "inline");
    assertThat(empty.factoryResetKeeps()).isEmpty();
    assertThat(empty.factoryResetRemoves()).isEmpty();
    ServerConfig set =
        ConfigLoader.parse(
            text.replace("Keeps: []", "Keeps: [ssh-keys, network]")
                .replace("Removes: []", "Removes: [/tls/key.pem, /tls/cert.pem]"),
            "inline");
    assertThat(set.factoryResetKeeps()).containsExactly("ssh-keys", "network");
    assertThat(set.factoryResetRemoves())
        .containsExactly(Path.of("/tls/key.pem"), Path.of("/tls/cert.pem"));
    assertThat(set.toClusterDbConfig().factoryResetKeeps())
        .containsExactlyInAnyOrder("network", "ssh-keys");
    assertThat(set.toClusterDbConfig().factoryResetRemoves())
        .containsExactly(Path.of("/tls/key.pem"), Path.of("/tls/cert.pem"));
    ServerConfig none = ConfigLoader.parse(text.replace("[]", ""), "inline");
    assertThat(none.factoryResetKeeps()).isEmpty();
    assertThat(none.factoryResetRemoves()).isEmpty();
  }

  @Test
  void theSoftwareVersionIsWrittenOnlyWhenOverridden() {
    ServerConfig full = ConfigLoader.parse(fixture("full.yaml"), "full.yaml");
    ServerConfig minimal = minimalFile();

    assertThat(full.toYaml()).contains("  softwareVersion: 9.9.9-test\n");
    assertThat(full.describe()).contains(" cluster.softwareVersion=9.9.9-test ");
    assertThat(full.toClusterDbConfig().softwareVersion()).isEqualTo("9.9.9-test");
    assertThat(minimal.toYaml()).doesNotContain("softwareVersion");
    assertThat(minimal.describe()).doesNotContain("softwareVersion");
    assertThat(minimal.toClusterDbConfig().softwareVersion()).isEqualTo(SoftwareVersion.CURRENT);
  }

  @Test
  void toYamlParsesBackToAnEqualConfig() {
    ServerConfig full = ConfigLoader.parse(fixture("full.yaml"), "full.yaml");
    ServerConfig minimal = minimalFile();

    assertThat(ConfigLoader.parse(full.toYaml(), "generated")).isEqualTo(full);
    assertThat(ConfigLoader.parse(minimal.toYaml(), "generated")).isEqualTo(minimal);
  }

  @Test
  void toYamlQuotesWhatYamlWouldReadAsAnotherType() {
    ServerConfig odd =
        ServerConfig.builder()
            .clusterName("123")
            .memberId("007")
            .peers(
                List.of(
                    new PeerEndpoint("007", "::1", 7001, 7101),
                    new PeerEndpoint("true", "fe80::1", 7001, 7101)))
            .dataDir(Path.of("/srv/my data/#1: p1"))
            .electionTimeoutMin(Duration.ofMillis(1001))
            .electionTimeoutMax(Duration.ofMillis(2999))
            .maxKeyBytes(1000)
            .shutdownGrace(Duration.ZERO)
            .build();

    String yaml = odd.toYaml();

    assertThat(ConfigLoader.parse(yaml, "generated")).isEqualTo(odd);
    assertThat(yaml).contains("name: '123'", "member: '007'", "maxKeyBytes: 1000\n");
  }

  @Test
  void toYamlFileLoadsBackToAnEqualConfig() throws IOException {
    ServerConfig full = ConfigLoader.parse(fixture("full.yaml"), "full.yaml");
    Path file = Files.writeString(dir.resolve("p2.yaml"), full.toYaml());

    assertThat(ConfigLoader.load(file)).isEqualTo(full);
  }

  @Test
  void relativeDataDirIsResolvedAgainstTheFilesDirectory() throws IOException {
    Path etc = Files.createDirectories(dir.resolve("etc"));
    Path file =
        Files.writeString(
            etc.resolve("p1.yaml"), fixture("minimal.yaml").replace("/data/p1", "./data/../p1"));

    assertThat(ConfigLoader.load(file).dataDir()).isEqualTo(etc.resolve("p1").toAbsolutePath());
  }

  @Test
  void theTlsSectionNamesThePeersFilesRelativeToTheFile() throws IOException {
    Path etc = Files.createDirectories(dir.resolve("etc"));
    Path file =
        Files.writeString(
            etc.resolve("p1.yaml"),
            fixture("minimal.yaml")
                + "tls:\n  certificate: certs/p1.crt\n  privateKey: /keys/p1.key\n"
                + "  trustedCas: [certs/ca.crt]\n");

    ServerConfig c = ConfigLoader.load(file);

    TlsFiles expected =
        new TlsFiles(
            etc.resolve("certs/p1.crt").toAbsolutePath(),
            Path.of("/keys/p1.key"),
            List.of(etc.resolve("certs/ca.crt").toAbsolutePath()));
    assertThat(c.tls()).isEqualTo(expected);
    assertThat(c.toClusterDbConfig().tls()).isEqualTo(expected);
    assertThat(ConfigLoader.parse(c.toYaml(), "round trip").tls()).isEqualTo(expected);
    assertThat(minimalFile().tls()).isNull();
    assertThat(minimalFile().toYaml()).doesNotContain("\ntls:");
  }

  @Test
  void addressMappingSeedsLoadWriteBackAndReachTheMember() {
    String text =
        fixture("minimal.yaml")
            .replace(
                "  peers:",
                "  addressMapping: TRUE\n  mappings:\n    p2.example.test: 10.0.0.2\n"
                    + "    p1.example.test: '::1'\n  peers:");

    ServerConfig c = ConfigLoader.parse(text, "inline");

    assertThat(c.addressMapping()).isTrue();
    assertThat(c.mappings())
        .containsExactly(
            java.util.Map.entry("p1.example.test", "::1"),
            java.util.Map.entry("p2.example.test", "10.0.0.2"));
    assertThat(c.toClusterDbConfig().addressMapping()).isTrue();
    assertThat(c.toClusterDbConfig().mappings()).isEqualTo(c.mappings());
    assertThat(ConfigLoader.parse(c.toYaml(), "generated")).isEqualTo(c);
    assertThat(c.describe())
        .contains(
            " cluster.addressMapping=true"
                + " cluster.mappings=\"{p1.example.test=::1,p2.example.test=10.0.0.2}\" ");
    assertThat(minimalFile().addressMapping()).isFalse();
    assertThat(minimalFile().mappings()).isEmpty();
  }

  @Test
  void badAddressMappingSeedsAreProblemsNamingTheEntryAtItsLine() {
    String text =
        fixture("minimal.yaml")
            .replace(
                "  peers:",
                "  addressMapping: maybe\n  mappings:\n    p1.example.test: 10.0.0.300\n"
                    + "    p2.example.test: [10.0.0.2]\n  peers:");

    ConfigException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ConfigException.class, () -> ConfigLoader.parse(text, "peer.yaml"));

    assertThat(e.problems())
        .extracting(ConfigException.Problem::field, ConfigException.Problem::line)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("cluster.addressMapping", 3),
            org.assertj.core.groups.Tuple.tuple("cluster.mappings[p2.example.test]", 6));
    ConfigException bad =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ConfigException.class,
            () ->
                ConfigLoader.parse(text.replace("maybe", "true").replace("[10.0.0.2]", "x"), "f"));
    assertThat(bad.problems())
        .extracting(ConfigException.Problem::field, ConfigException.Problem::line)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("cluster.mappings[p1.example.test]", 5),
            org.assertj.core.groups.Tuple.tuple("cluster.mappings[p2.example.test]", 6));
    assertThat(bad.getMessage()).contains("'10.0.0.300' is not an IP address");
  }

  @Test
  void aTlsCertificateWithoutItsKeyIsAProblemNamingTheMissingField() {
    ConfigException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ConfigException.class,
            () ->
                ConfigLoader.parse(
                    fixture("minimal.yaml") + "tls:\n  certificate: /certs/p1.crt\n", "peer.yaml"));

    assertThat(e.problems())
        .extracting(ConfigException.Problem::field)
        .containsExactly("tls.privateKey");
  }

  @Test
  void relativeFactoryResetRemovesAreResolvedAgainstTheFilesDirectory() throws IOException {
    Path etc = Files.createDirectories(dir.resolve("etc"));
    Path file =
        Files.writeString(
            etc.resolve("p1.yaml"),
            fixture("minimal.yaml")
                .replace(
                    "  peers:",
                    "  factoryResetRemoves: [tls/../ca.pem, ./tls/server.key, /tls/x.pem]\n"
                        + "  peers:"));

    assertThat(ConfigLoader.load(file).factoryResetRemoves())
        .containsExactly(
            etc.resolve("ca.pem").toAbsolutePath(),
            etc.resolve("tls/server.key").toAbsolutePath(),
            Path.of("/tls/x.pem"));
    assertThat(ConfigLoader.parse(Files.readString(file), "inline").factoryResetRemoves())
        .containsExactly(
            Path.of("tls/../ca.pem"), Path.of("./tls/server.key"), Path.of("/tls/x.pem"));
  }

  @Test
  void relativeDataDirOfATextStaysRelative() {
    ServerConfig c =
        ConfigLoader.parse(fixture("minimal.yaml").replace("/data/p1", "data/p1"), "inline");

    assertThat(c.dataDir()).isEqualTo(Path.of("data/p1"));
  }

  @Test
  void absoluteDataDirIsKept() throws IOException {
    Path file = Files.writeString(dir.resolve("p1.yaml"), fixture("minimal.yaml"));

    assertThat(ConfigLoader.load(file).dataDir()).isEqualTo(Path.of("/data/p1"));
  }
}
