package org.clusterdb.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.config.SoftwareVersion;
import org.clusterdb.core.config.TlsFiles;
import org.clusterdb.core.config.WritePolicy;
import org.clusterdb.core.fsm.TableNames;
import org.clusterdb.server.config.ConfigException.Problem;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The one configuration of a {@code clusterdb server} process: the embedded member's settings
 * ({@link #toClusterDbConfig()}) plus what only a server has, its peers' client ports, the address
 * its gRPC API binds and how it shuts down. Immutable. Read it from a file with {@link
 * ConfigLoader}, write one with {@link #toYaml()}, or build it with {@link #builder()}; both report
 * every problem at once. The file format and each field's meaning, default and constraints are in
 * {@code docs/configuration.md}; problems name fields by their path in the file.
 *
 * @param clusterName {@code cluster.name}: the cluster's name; equal on every peer
 * @param memberId {@code member}: this process's member id; one of {@code peers}
 * @param peers {@code cluster.peers}: every voting peer, this one included, in the admin's order
 * @param primary {@code cluster.primary}: the configuration primary, a 1-based index into {@code
 *     peers}
 * @param writePolicy {@code cluster.writePolicy}: which leader accepts writes to cluster tables
 * @param healthCheckInterval {@code cluster.healthCheckInterval}: how often this peer checks the
 *     others
 * @param peerFailureTimeout {@code cluster.peerFailureTimeout}: silence after which a peer is
 *     "Failed" and the communication alarms are raised
 * @param syncCheckInterval {@code cluster.syncCheckInterval}: how often the primary checks that
 *     every subordinate's cluster tables equal its own
 * @param tlsMode {@code cluster.tlsMode}: the TLS verification mode this peer's clustering settings
 *     start with
 * @param ipVersion {@code cluster.ipVersion}: the cluster IP version this peer's clustering
 *     settings start with
 * @param addressMapping {@code cluster.addressMapping}: whether this peer's clustering settings
 *     start with the address mapping on
 * @param mappings {@code cluster.mappings}: the address mappings, FQDN to IP address, this peer's
 *     clustering settings start with
 * @param platform {@code cluster.platform}: this peer's platform class; a peer joins only a cluster
 *     of its own class
 * @param optionKeys {@code cluster.optionKeys}: the option keys installed on this peer, in the
 *     file's order
 * @param softwareVersion {@code cluster.softwareVersion}: the version this peer reports when it
 *     joins; null means this build's version ({@link SoftwareVersion#CURRENT}), and is neither
 *     written by {@link #toYaml()} nor shown by {@link #describe()}, so that a generated file does
 *     not pin the version of the build that wrote it
 * @param maxRoundTrip {@code cluster.maxRoundTrip}: the longest round trip between the leader and a
 *     joining peer
 * @param factoryResetKeeps {@code cluster.factoryResetKeeps}: the peer tables a factory reset keeps
 *     (the appliance's basic network settings: addresses, admin accounts, SSH keys, option keys,
 *     HTTPS and SSH enabled), in the file's order
 * @param factoryResetRemoves {@code cluster.factoryResetRemoves}: the files a factory reset deletes
 *     (the server certificate, its key and the CA trust store), in the file's order; {@link
 *     ConfigLoader#load} resolves a relative one against the file's directory, as {@code dataDir}
 * @param dataDir {@code dataDir}: this member's data directory
 * @param electionTimeoutMin {@code raft.electionTimeoutMin}
 * @param electionTimeoutMax {@code raft.electionTimeoutMax}
 * @param requestTimeout {@code requests.timeout}: deadline of one operation
 * @param maxKeyBytes {@code requests.maxKeyBytes}
 * @param maxValueBytes {@code requests.maxValueBytes}
 * @param maxTxnOps {@code requests.maxTxnOps}
 * @param maxRequestBytes {@code requests.maxRequestBytes}
 * @param snapshotEveryEntries {@code raft.snapshotEveryEntries}
 * @param snapshotsRetained {@code raft.snapshotsRetained}
 * @param logSegmentBytes {@code raft.logSegmentBytes}
 * @param logPurgeGap {@code raft.logPurgeGap}
 * @param watchHistoryRevisions {@code watch.historyRevisions}
 * @param watchHistoryBytes {@code watch.historyBytes}
 * @param watchMaxPendingBytes {@code watch.maxPendingBytes}
 * @param shutdownGrace {@code server.shutdownGrace}: how long in-flight requests get to finish
 *     after SIGTERM before the server stops
 * @param clientBindHost {@code server.clientBindHost}: the address the gRPC client API listens on;
 *     null means this member's own peer host, and the constructor puts that in its place (it stays
 *     null only when {@code memberId} names no peer with a host, which {@link #problems()} reports)
 * @param httpPort {@code server.httpPort}: the port of the HTTP listener ({@code /metrics}, {@code
 *     /health}, {@code /ready}, the status page at {@code /}); 0 means no listener
 * @param httpBindHost {@code server.httpBindHost}: the address the HTTP listener binds; null means
 *     {@code clientBindHost}, and the constructor puts that in its place
 * @param httpTls {@code server.httpTls}: the HTTP listener speaks HTTPS with this peer's own
 *     certificate, as the client port does; off by default
 * @param tls {@code tls}: this peer's {@code certificate} and {@code privateKey} and the {@code
 *     trustedCas} for the TLS between peers, relative paths resolved as {@code dataDir}'s; null (no
 *     section) for a self-signed certificate the peer makes on its first start
 * @param logDir {@code log.dir}: the directory of this peer's log file {@code clusterdb.log},
 *     rotated by size and day; null (the default) for no file, only standard error. A relative one
 *     is resolved as {@code dataDir}'s
 * @param logMaxFileBytes {@code log.maxFileSize}: the size at which the log file rotates
 * @param logTotalBytes {@code log.totalSize}: the most the log file and its rotated files take; the
 *     oldest go first
 */
public record ServerConfig(
    String clusterName,
    String memberId,
    List<PeerEndpoint> peers,
    int primary,
    WritePolicy writePolicy,
    Duration healthCheckInterval,
    Duration peerFailureTimeout,
    Duration syncCheckInterval,
    ClusteringSettings.TlsMode tlsMode,
    ClusteringSettings.IpVersion ipVersion,
    boolean addressMapping,
    Map<String, String> mappings,
    String platform,
    List<String> optionKeys,
    String softwareVersion,
    Duration maxRoundTrip,
    List<String> factoryResetKeeps,
    List<Path> factoryResetRemoves,
    Path dataDir,
    Duration electionTimeoutMin,
    Duration electionTimeoutMax,
    Duration requestTimeout,
    int maxKeyBytes,
    int maxValueBytes,
    int maxTxnOps,
    int maxRequestBytes,
    long snapshotEveryEntries,
    int snapshotsRetained,
    long logSegmentBytes,
    int logPurgeGap,
    long watchHistoryRevisions,
    long watchHistoryBytes,
    long watchMaxPendingBytes,
    Duration shutdownGrace,
    String clientBindHost,
    int httpPort,
    String httpBindHost,
    boolean httpTls,
    TlsFiles tls,
    Path logDir,
    long logMaxFileBytes,
    long logTotalBytes) {

  /**
   * Long enough for a write in flight to commit through one leader change, short enough for ops.
   */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  /** Small enough to open in an editor and to ship in a support bundle. */
  public static final long DEFAULT_LOG_MAX_FILE_BYTES = 10L * 1024 * 1024;

  /** A few days of a busy peer's logs, bounded so that logs never fill the disk. */
  public static final long DEFAULT_LOG_TOTAL_BYTES = 100L * 1024 * 1024;

  /** Smaller log files would rotate on every few lines. */
  static final long MIN_LOG_FILE_BYTES = 64L * 1024;

  /** Off: a server opens no port beyond its peer and client ports unless asked to. */
  public static final int DEFAULT_HTTP_PORT = 0;

  /** The appliance's default, as {@link ClusterDbConfig.Builder} has it. */
  public static final ClusteringSettings.TlsMode DEFAULT_TLS_MODE =
      ClusteringSettings.TlsMode.PERMISSIVE;

  /** The appliance's default, as {@link ClusterDbConfig.Builder} has it. */
  public static final ClusteringSettings.IpVersion DEFAULT_IP_VERSION =
      ClusteringSettings.IpVersion.IPV4;

  /** The source named by problems of a configuration built in code. */
  private static final String BUILT_IN_CODE = "ServerConfig";

  private static final int MAX_PORT = 65535;

  /** The embedded member's field names, as {@link ClusterDbConfig#problems()} reports them. */
  private static final Map<String, String> CORE_FIELDS =
      Map.ofEntries(
          Map.entry("clusterName", "cluster.name"),
          Map.entry("memberId", "member"),
          Map.entry("peers", "cluster.peers"),
          Map.entry("primary", "cluster.primary"),
          Map.entry("writePolicy", "cluster.writePolicy"),
          Map.entry("healthCheckInterval", "cluster.healthCheckInterval"),
          Map.entry("peerFailureTimeout", "cluster.peerFailureTimeout"),
          Map.entry("syncCheckInterval", "cluster.syncCheckInterval"),
          Map.entry("tlsMode", "cluster.tlsMode"),
          Map.entry("ipVersion", "cluster.ipVersion"),
          Map.entry("mappings", "cluster.mappings"),
          Map.entry("platform", "cluster.platform"),
          Map.entry("optionKeys", "cluster.optionKeys"),
          Map.entry("softwareVersion", "cluster.softwareVersion"),
          Map.entry("maxRoundTrip", "cluster.maxRoundTrip"),
          Map.entry("factoryResetKeeps", "cluster.factoryResetKeeps"),
          Map.entry("factoryResetRemoves", "cluster.factoryResetRemoves"),
          Map.entry("dataDir", "dataDir"),
          Map.entry("electionTimeoutMin", "raft.electionTimeoutMin"),
          Map.entry("electionTimeoutMax", "raft.electionTimeoutMax"),
          Map.entry("requestTimeout", "requests.timeout"),
          Map.entry("maxKeyBytes", "requests.maxKeyBytes"),
          Map.entry("maxValueBytes", "requests.maxValueBytes"),
          Map.entry("maxTxnOps", "requests.maxTxnOps"),
          Map.entry("maxRequestBytes", "requests.maxRequestBytes"),
          Map.entry("snapshotEveryEntries", "raft.snapshotEveryEntries"),
          Map.entry("snapshotsRetained", "raft.snapshotsRetained"),
          Map.entry("logSegmentBytes", "raft.logSegmentBytes"),
          Map.entry("logPurgeGap", "raft.logPurgeGap"),
          Map.entry("watchHistoryRevisions", "watch.historyRevisions"),
          Map.entry("watchHistoryBytes", "watch.historyBytes"),
          Map.entry("watchMaxPendingBytes", "watch.maxPendingBytes"));

  private static final Pattern CORE_PEER_FIELD = Pattern.compile("peers\\[(\\d+)](?:\\.(\\w+))?");

  public ServerConfig {
    peers = List.copyOf(Objects.requireNonNull(peers, "peers"));
    optionKeys = List.copyOf(Objects.requireNonNull(optionKeys, "optionKeys"));
    // Sorted: the file and the start-up log show them in a stable order.
    mappings =
        java.util.Collections.unmodifiableMap(
            new java.util.TreeMap<>(Objects.requireNonNull(mappings, "mappings")));
    factoryResetKeeps = List.copyOf(Objects.requireNonNull(factoryResetKeeps, "factoryResetKeeps"));
    factoryResetRemoves =
        List.copyOf(Objects.requireNonNull(factoryResetRemoves, "factoryResetRemoves"));
    if (clientBindHost == null) {
      clientBindHost = selfHost(memberId, peers);
    }
    if (httpBindHost == null) {
      httpBindHost = clientBindHost;
    }
  }

  private static String selfHost(String memberId, List<PeerEndpoint> peers) {
    return peers.stream()
        .filter(p -> p.id().equals(memberId) && !p.host().isBlank())
        .map(PeerEndpoint::host)
        .findFirst()
        .orElse(null);
  }

  /**
   * This member's own entry in {@code peers}.
   *
   * @throws java.util.NoSuchElementException if {@code memberId} names no peer, which {@link
   *     #problems()} reports
   */
  public PeerEndpoint self() {
    return peers.stream().filter(p -> p.id().equals(memberId)).findFirst().orElseThrow();
  }

  /**
   * The embedded member's configuration: the same fields, each peer as its Raft address. Not
   * validated again: it is valid when this configuration is.
   */
  public ClusterDbConfig toClusterDbConfig() {
    return new ClusterDbConfig(
        clusterName,
        memberId,
        peers.stream().map(PeerEndpoint::peerAddress).toList(),
        dataDir,
        electionTimeoutMin,
        electionTimeoutMax,
        requestTimeout,
        maxKeyBytes,
        maxValueBytes,
        maxTxnOps,
        maxRequestBytes,
        snapshotEveryEntries,
        snapshotsRetained,
        logSegmentBytes,
        logPurgeGap,
        watchHistoryRevisions,
        watchHistoryBytes,
        watchMaxPendingBytes,
        primary,
        writePolicy,
        healthCheckInterval,
        peerFailureTimeout,
        syncCheckInterval,
        tlsMode,
        ipVersion,
        addressMapping,
        mappings,
        platform,
        Set.copyOf(optionKeys),
        effectiveSoftwareVersion(),
        maxRoundTrip,
        Set.copyOf(factoryResetKeeps),
        factoryResetRemoves,
        tls,
        false);
  }

  /** The version this peer reports when it joins: {@code softwareVersion}, else this build's. */
  public String effectiveSoftwareVersion() {
    return softwareVersion == null ? SoftwareVersion.CURRENT : softwareVersion;
  }

  /**
   * Every problem with this configuration, each naming its field by its path in the file, with line
   * 0; empty when valid. The server's own checks come first (every port of every peer in range and
   * used once per host, each item of the cluster's lists, the server section), then {@link
   * ClusterDbConfig#problems()}.
   */
  public List<Problem> problems() {
    List<Problem> p = new ArrayList<>();
    Map<String, String> portUsers = new HashMap<>();
    for (int i = 0; i < peers.size(); i++) {
      PeerEndpoint peer = peers.get(i);
      String f = "cluster.peers[" + i + "]";
      port(p, portUsers, peer.host(), peer.peerPort(), f + ".peerPort");
      port(p, portUsers, peer.host(), peer.clientPort(), f + ".clientPort");
    }
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < optionKeys.size(); i++) {
      String key = optionKeys.get(i);
      String f = "cluster.optionKeys[" + i + "]";
      if (key.isBlank()) {
        p.add(problem(f, "must not be empty"));
      } else if (seen.contains(key)) {
        p.add(problem(f, "duplicate option key '" + key + "'"));
      }
      seen.add(key);
    }
    wholeMillis(p, "cluster.maxRoundTrip", maxRoundTrip);
    List<String> keeps = new ArrayList<>();
    for (int i = 0; i < factoryResetKeeps.size(); i++) {
      String table = factoryResetKeeps.get(i);
      String f = "cluster.factoryResetKeeps[" + i + "]";
      if (table.isBlank()) {
        p.add(problem(f, "must not be empty"));
      } else if (!TableNames.isValid(table)) {
        p.add(
            problem(
                f,
                "'"
                    + table
                    + "' is not a valid table name ("
                    + TableNames.PATTERN.pattern()
                    + ")"));
      } else if (keeps.contains(table)) {
        p.add(problem(f, "duplicate table '" + table + "'"));
      }
      keeps.add(table);
    }
    List<Path> removes = new ArrayList<>();
    for (int i = 0; i < factoryResetRemoves.size(); i++) {
      Path file = factoryResetRemoves.get(i);
      String f = "cluster.factoryResetRemoves[" + i + "]";
      if (file.toString().isBlank()) {
        p.add(problem(f, "must not be empty"));
      } else if (removes.contains(file.normalize())) {
        p.add(problem(f, "duplicate file '" + file + "'"));
      }
      removes.add(file.normalize());
    }
    wholeMillis(p, "raft.electionTimeoutMin", electionTimeoutMin);
    wholeMillis(p, "raft.electionTimeoutMax", electionTimeoutMax);
    wholeMillis(p, "requests.timeout", requestTimeout);
    if (shutdownGrace == null || shutdownGrace.isNegative()) {
      p.add(problem("server.shutdownGrace", "must be a duration of 0s or more"));
    } else {
      wholeMillis(p, "server.shutdownGrace", shutdownGrace);
    }
    if (clientBindHost != null && clientBindHost.isBlank()) {
      p.add(problem("server.clientBindHost", "must not be empty"));
    }
    if (logDir != null && logDir.toString().isBlank()) {
      p.add(problem("log.dir", "must not be empty"));
    }
    if (logMaxFileBytes < MIN_LOG_FILE_BYTES) {
      p.add(problem("log.maxFileSize", "must be at least 64KiB, was " + logMaxFileBytes));
    } else if (logTotalBytes < logMaxFileBytes) {
      p.add(
          problem(
              "log.totalSize",
              "must be at least log.maxFileSize ("
                  + Units.formatSize(logMaxFileBytes)
                  + "), was "
                  + Units.formatSize(logTotalBytes)));
    }
    if (httpPort < 0 || httpPort > MAX_PORT) {
      p.add(problem("server.httpPort", "must be 0 (off) or 1.." + MAX_PORT + ", was " + httpPort));
    } else if (httpPort != 0) {
      String host = selfHost(memberId, peers);
      if (host != null) {
        port(p, portUsers, host, httpPort, "server.httpPort");
      }
    }
    if (httpBindHost != null && httpBindHost.isBlank()) {
      p.add(problem("server.httpBindHost", "must not be empty"));
    }
    for (String core : toClusterDbConfig().problems()) {
      int colon = core.indexOf(": ");
      String field = colon < 0 ? "" : core.substring(0, colon);
      Matcher peer = CORE_PEER_FIELD.matcher(field);
      if (peer.matches() && (peer.group(2) == null || peer.group(2).equals("port"))) {
        // The embedded member checks Raft ports alone; the checks above cover them with the
        // client ports, so its findings would only repeat ours.
        continue;
      }
      if (field.equals("primary") && peers.isEmpty()) {
        // No index is valid in an empty peer list, which is already reported.
        continue;
      }
      String yamlField =
          peer.matches()
              ? "cluster.peers[" + peer.group(1) + "]." + peer.group(2)
              : field.startsWith("mappings[")
                  ? "cluster." + field
                  : CORE_FIELDS.getOrDefault(field, field);
      p.add(problem(yamlField, colon < 0 ? core : core.substring(colon + 2)));
    }
    return p;
  }

  private static void port(
      List<Problem> p, Map<String, String> users, String host, int port, String field) {
    if (port < 1 || port > MAX_PORT) {
      p.add(problem(field, "must be 1.." + MAX_PORT + ", was " + port));
      return;
    }
    String address = PeerEndpoint.hostPort(host.toLowerCase(Locale.ROOT), port);
    String first = users.putIfAbsent(address, field);
    if (first != null) {
      p.add(problem(field, address + " is already used by " + first));
    }
  }

  private static void wholeMillis(List<Problem> p, String field, Duration d) {
    if (d != null && d.getNano() % 1_000_000 != 0) {
      p.add(problem(field, "must be a whole number of milliseconds, was " + d));
    }
  }

  private static Problem problem(String field, String message) {
    return new Problem(field, 0, message);
  }

  /**
   * Returns this configuration if it is valid.
   *
   * @throws ConfigException listing every problem, with source {@code ServerConfig}
   */
  public ServerConfig validate() {
    List<Problem> p = problems();
    if (!p.isEmpty()) {
      throw new ConfigException(BUILT_IN_CODE, p);
    }
    return this;
  }

  /**
   * This configuration as a complete configuration file, every field written out. {@link
   * ConfigLoader#parse} reads it back to an equal configuration; so does {@link ConfigLoader#load}
   * when {@code dataDir} and {@code factoryResetRemoves} are absolute (a relative one is resolved
   * against the file's directory).
   */
  public String toYaml() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    options.setWidth(Integer.MAX_VALUE);
    return new Yaml(options).dump(sections());
  }

  /**
   * The effective configuration on one line, {@code key=value} pairs separated by spaces, keys as
   * in the file ({@code cluster.name=… member=… cluster.peers=p1@host:7001/7101,… dataDir=…});
   * values with spaces, quotes or {@code =} are double-quoted. For the start-up log line.
   */
  public String describe() {
    Map<String, String> flat = new LinkedHashMap<>();
    flatten("", sections(), flat);
    flat.put(
        "cluster.peers",
        peers.stream().map(PeerEndpoint::toString).collect(Collectors.joining(",")));
    flat.put("cluster.optionKeys", "[" + String.join(",", optionKeys) + "]");
    flat.put("cluster.factoryResetKeeps", "[" + String.join(",", factoryResetKeeps) + "]");
    flat.put(
        "cluster.factoryResetRemoves",
        factoryResetRemoves.stream()
            .map(Path::toString)
            .collect(Collectors.joining(",", "[", "]")));
    return flat.entrySet().stream()
        .map(e -> e.getKey() + "=" + quoted(e.getValue()))
        .collect(Collectors.joining(" "));
  }

  private void flatten(String prefix, Map<String, Object> map, Map<String, String> out) {
    for (Map.Entry<String, Object> e : map.entrySet()) {
      String key = prefix + e.getKey();
      if (key.equals("cluster.mappings")) {
        // Data, not a section: one key, as the lists are.
        out.put(
            key,
            mappings.entrySet().stream()
                .map(m -> m.getKey() + "=" + m.getValue())
                .collect(Collectors.joining(",", "{", "}")));
      } else if (e.getValue() instanceof Map<?, ?> section) {
        @SuppressWarnings("unchecked")
        Map<String, Object> child = (Map<String, Object>) section;
        flatten(key + ".", child, out);
      } else {
        out.put(key, String.valueOf(e.getValue()));
      }
    }
  }

  private static String quoted(String value) {
    if (!value.isEmpty()
        && value.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '=')) {
      return value;
    }
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** The file's sections in the file's order; the one place that names the keys for output. */
  private Map<String, Object> sections() {
    Map<String, Object> cluster = new LinkedHashMap<>();
    cluster.put("name", clusterName);
    cluster.put(
        "peers",
        peers.stream()
            .map(
                p -> {
                  Map<String, Object> peer = new LinkedHashMap<>();
                  peer.put("id", p.id());
                  peer.put("host", p.host());
                  peer.put("peerPort", p.peerPort());
                  peer.put("clientPort", p.clientPort());
                  return peer;
                })
            .toList());
    cluster.put("primary", primary);
    cluster.put("writePolicy", writePolicy == null ? null : writePolicy.name());
    cluster.put("healthCheckInterval", duration(healthCheckInterval));
    cluster.put("peerFailureTimeout", duration(peerFailureTimeout));
    cluster.put("syncCheckInterval", duration(syncCheckInterval));
    cluster.put("tlsMode", tlsMode == null ? null : tlsMode.name());
    cluster.put("ipVersion", ipVersion == null ? null : ipVersion.name());
    cluster.put("addressMapping", addressMapping);
    cluster.put("mappings", new LinkedHashMap<>(mappings));
    cluster.put("platform", platform);
    cluster.put("optionKeys", optionKeys);
    if (softwareVersion != null) {
      cluster.put("softwareVersion", softwareVersion);
    }
    cluster.put("maxRoundTrip", duration(maxRoundTrip));
    cluster.put("factoryResetKeeps", factoryResetKeeps);
    cluster.put("factoryResetRemoves", factoryResetRemoves.stream().map(Path::toString).toList());
    Map<String, Object> raft = new LinkedHashMap<>();
    raft.put("electionTimeoutMin", duration(electionTimeoutMin));
    raft.put("electionTimeoutMax", duration(electionTimeoutMax));
    raft.put("snapshotEveryEntries", snapshotEveryEntries);
    raft.put("snapshotsRetained", snapshotsRetained);
    raft.put("logSegmentBytes", size(logSegmentBytes));
    raft.put("logPurgeGap", logPurgeGap);
    Map<String, Object> requests = new LinkedHashMap<>();
    requests.put("timeout", duration(requestTimeout));
    requests.put("maxKeyBytes", size(maxKeyBytes));
    requests.put("maxValueBytes", size(maxValueBytes));
    requests.put("maxTxnOps", maxTxnOps);
    requests.put("maxRequestBytes", size(maxRequestBytes));
    Map<String, Object> watch = new LinkedHashMap<>();
    watch.put("historyRevisions", watchHistoryRevisions);
    watch.put("historyBytes", size(watchHistoryBytes));
    watch.put("maxPendingBytes", size(watchMaxPendingBytes));
    Map<String, Object> server = new LinkedHashMap<>();
    server.put("clientBindHost", clientBindHost);
    server.put("shutdownGrace", duration(shutdownGrace));
    server.put("httpPort", httpPort);
    server.put("httpBindHost", httpBindHost);
    server.put("httpTls", httpTls);
    Map<String, Object> log = new LinkedHashMap<>();
    if (logDir != null) {
      log.put("dir", logDir.toString());
    }
    log.put("maxFileSize", size(logMaxFileBytes));
    log.put("totalSize", size(logTotalBytes));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("cluster", cluster);
    root.put("member", memberId);
    root.put("dataDir", dataDir == null ? null : dataDir.toString());
    root.put("raft", raft);
    root.put("requests", requests);
    root.put("watch", watch);
    root.put("server", server);
    root.put("log", log);
    if (tls != null) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("certificate", tls.certificate().toString());
      t.put("privateKey", tls.privateKey().toString());
      t.put("trustedCas", tls.trustedCas().stream().map(Path::toString).toList());
      root.put("tls", t);
    }
    return root;
  }

  /** A size in its binary unit, else a number, which the file shows unquoted. */
  private static Object size(long bytes) {
    String text = Units.formatSize(bytes);
    return text.endsWith("iB") ? text : bytes;
  }

  private static String duration(Duration d) {
    return d == null ? null : Units.formatDuration(d);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder seeded with this configuration. */
  public Builder toBuilder() {
    return new Builder()
        .clusterName(clusterName)
        .memberId(memberId)
        .peers(peers)
        .primary(primary)
        .writePolicy(writePolicy)
        .healthCheckInterval(healthCheckInterval)
        .peerFailureTimeout(peerFailureTimeout)
        .syncCheckInterval(syncCheckInterval)
        .tlsMode(tlsMode)
        .ipVersion(ipVersion)
        .addressMapping(addressMapping)
        .mappings(mappings)
        .platform(platform)
        .optionKeys(optionKeys)
        .softwareVersion(softwareVersion)
        .maxRoundTrip(maxRoundTrip)
        .factoryResetKeeps(factoryResetKeeps)
        .factoryResetRemoves(factoryResetRemoves)
        .dataDir(dataDir)
        .electionTimeoutMin(electionTimeoutMin)
        .electionTimeoutMax(electionTimeoutMax)
        .requestTimeout(requestTimeout)
        .maxKeyBytes(maxKeyBytes)
        .maxValueBytes(maxValueBytes)
        .maxTxnOps(maxTxnOps)
        .maxRequestBytes(maxRequestBytes)
        .snapshotEveryEntries(snapshotEveryEntries)
        .snapshotsRetained(snapshotsRetained)
        .logSegmentBytes(logSegmentBytes)
        .logPurgeGap(logPurgeGap)
        .watchHistoryRevisions(watchHistoryRevisions)
        .watchHistoryBytes(watchHistoryBytes)
        .watchMaxPendingBytes(watchMaxPendingBytes)
        .shutdownGrace(shutdownGrace)
        .clientBindHost(clientBindHost)
        .httpPort(httpPort)
        .httpBindHost(httpBindHost)
        .httpTls(httpTls)
        .tls(tls)
        .logDir(logDir)
        .logMaxFileBytes(logMaxFileBytes)
        .logTotalBytes(logTotalBytes);
  }

  /**
   * Builds a {@link ServerConfig}; every field not set keeps its named default ({@code
   * ClusterDbConfig.DEFAULT_*}, {@link #DEFAULT_SHUTDOWN_GRACE}, {@link #DEFAULT_TLS_MODE}, {@link
   * #DEFAULT_IP_VERSION}, no option keys, this build's version, no tables kept and no files removed
   * by a factory reset, this member's own host for {@code clientBindHost}, {@link
   * #DEFAULT_HTTP_PORT} and {@code clientBindHost} for {@code httpBindHost}). Not thread-safe.
   */
  public static final class Builder {
    private String clusterName;
    private String memberId;
    private List<PeerEndpoint> peers = List.of();
    private int primary = ClusterDbConfig.DEFAULT_PRIMARY;
    private WritePolicy writePolicy = ClusterDbConfig.DEFAULT_WRITE_POLICY;
    private Duration healthCheckInterval = ClusterDbConfig.DEFAULT_HEALTH_CHECK_INTERVAL;
    private Duration peerFailureTimeout = ClusterDbConfig.DEFAULT_PEER_FAILURE_TIMEOUT;
    private Duration syncCheckInterval = ClusterDbConfig.DEFAULT_SYNC_CHECK_INTERVAL;
    private ClusteringSettings.TlsMode tlsMode = DEFAULT_TLS_MODE;
    private ClusteringSettings.IpVersion ipVersion = DEFAULT_IP_VERSION;
    private boolean addressMapping;
    private Map<String, String> mappings = Map.of();
    private String platform = ClusterDbConfig.DEFAULT_PLATFORM;
    private List<String> optionKeys = List.of();
    private String softwareVersion;
    private Duration maxRoundTrip = ClusterDbConfig.DEFAULT_MAX_ROUND_TRIP;
    private List<String> factoryResetKeeps = List.of();
    private List<Path> factoryResetRemoves = List.of();
    private Path dataDir;
    private Duration electionTimeoutMin = ClusterDbConfig.DEFAULT_ELECTION_TIMEOUT_MIN;
    private Duration electionTimeoutMax = ClusterDbConfig.DEFAULT_ELECTION_TIMEOUT_MAX;
    private Duration requestTimeout = ClusterDbConfig.DEFAULT_REQUEST_TIMEOUT;
    private int maxKeyBytes = ClusterDbConfig.DEFAULT_MAX_KEY_BYTES;
    private int maxValueBytes = ClusterDbConfig.DEFAULT_MAX_VALUE_BYTES;
    private int maxTxnOps = ClusterDbConfig.DEFAULT_MAX_TXN_OPS;
    private int maxRequestBytes = ClusterDbConfig.DEFAULT_MAX_REQUEST_BYTES;
    private long snapshotEveryEntries = ClusterDbConfig.DEFAULT_SNAPSHOT_EVERY_ENTRIES;
    private int snapshotsRetained = ClusterDbConfig.DEFAULT_SNAPSHOTS_RETAINED;
    private long logSegmentBytes = ClusterDbConfig.DEFAULT_LOG_SEGMENT_BYTES;
    private int logPurgeGap = ClusterDbConfig.DEFAULT_LOG_PURGE_GAP;
    private long watchHistoryRevisions = ClusterDbConfig.DEFAULT_WATCH_HISTORY_REVISIONS;
    private long watchHistoryBytes = ClusterDbConfig.DEFAULT_WATCH_HISTORY_BYTES;
    private long watchMaxPendingBytes = ClusterDbConfig.DEFAULT_WATCH_MAX_PENDING_BYTES;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private String clientBindHost;
    private int httpPort = DEFAULT_HTTP_PORT;
    private String httpBindHost;
    private boolean httpTls;
    private TlsFiles tls;
    private Path logDir;
    private long logMaxFileBytes = DEFAULT_LOG_MAX_FILE_BYTES;
    private long logTotalBytes = DEFAULT_LOG_TOTAL_BYTES;

    private Builder() {}

    public Builder clusterName(String v) {
      clusterName = v;
      return this;
    }

    public Builder memberId(String v) {
      memberId = v;
      return this;
    }

    public Builder peers(List<PeerEndpoint> v) {
      peers = Objects.requireNonNull(v, "peers");
      return this;
    }

    /** The configuration primary: a 1-based index into {@link #peers}, as the file writes it. */
    public Builder primary(int v) {
      primary = v;
      return this;
    }

    public Builder writePolicy(WritePolicy v) {
      writePolicy = v;
      return this;
    }

    public Builder healthCheckInterval(Duration v) {
      healthCheckInterval = v;
      return this;
    }

    public Builder peerFailureTimeout(Duration v) {
      peerFailureTimeout = v;
      return this;
    }

    public Builder syncCheckInterval(Duration v) {
      syncCheckInterval = v;
      return this;
    }

    public Builder tlsMode(ClusteringSettings.TlsMode v) {
      tlsMode = v;
      return this;
    }

    public Builder ipVersion(ClusteringSettings.IpVersion v) {
      ipVersion = v;
      return this;
    }

    /** Whether the clustering settings start with the address mapping on; off by default. */
    public Builder addressMapping(boolean v) {
      addressMapping = v;
      return this;
    }

    /** The address mappings, FQDN to IP, the clustering settings start with; none by default. */
    public Builder mappings(Map<String, String> v) {
      mappings = Objects.requireNonNull(v, "mappings");
      return this;
    }

    public Builder platform(String v) {
      platform = v;
      return this;
    }

    /** The option keys installed on this peer; order is kept for the file, not compared. */
    public Builder optionKeys(List<String> v) {
      optionKeys = Objects.requireNonNull(v, "optionKeys");
      return this;
    }

    /**
     * The version this peer reports when it joins; null (the default) means this build's. Meant for
     * testing how a cluster refuses a peer of another version.
     */
    public Builder softwareVersion(String v) {
      softwareVersion = v;
      return this;
    }

    public Builder maxRoundTrip(Duration v) {
      maxRoundTrip = v;
      return this;
    }

    /** The peer tables a factory reset keeps; order is kept for the file, not compared. */
    public Builder factoryResetKeeps(List<String> v) {
      factoryResetKeeps = Objects.requireNonNull(v, "factoryResetKeeps");
      return this;
    }

    /** The files a factory reset deletes, as they are to be written to the file. */
    public Builder factoryResetRemoves(List<Path> v) {
      factoryResetRemoves = Objects.requireNonNull(v, "factoryResetRemoves");
      return this;
    }

    public Builder dataDir(Path v) {
      dataDir = v;
      return this;
    }

    public Builder electionTimeoutMin(Duration v) {
      electionTimeoutMin = v;
      return this;
    }

    public Builder electionTimeoutMax(Duration v) {
      electionTimeoutMax = v;
      return this;
    }

    public Builder requestTimeout(Duration v) {
      requestTimeout = v;
      return this;
    }

    public Builder maxKeyBytes(int v) {
      maxKeyBytes = v;
      return this;
    }

    public Builder maxValueBytes(int v) {
      maxValueBytes = v;
      return this;
    }

    public Builder maxTxnOps(int v) {
      maxTxnOps = v;
      return this;
    }

    public Builder maxRequestBytes(int v) {
      maxRequestBytes = v;
      return this;
    }

    public Builder snapshotEveryEntries(long v) {
      snapshotEveryEntries = v;
      return this;
    }

    public Builder snapshotsRetained(int v) {
      snapshotsRetained = v;
      return this;
    }

    public Builder logSegmentBytes(long v) {
      logSegmentBytes = v;
      return this;
    }

    public Builder logPurgeGap(int v) {
      logPurgeGap = v;
      return this;
    }

    public Builder watchHistoryRevisions(long v) {
      watchHistoryRevisions = v;
      return this;
    }

    public Builder watchHistoryBytes(long v) {
      watchHistoryBytes = v;
      return this;
    }

    public Builder watchMaxPendingBytes(long v) {
      watchMaxPendingBytes = v;
      return this;
    }

    public Builder shutdownGrace(Duration v) {
      shutdownGrace = v;
      return this;
    }

    /** The gRPC client API's bind address; null (the default) means this member's own host. */
    public Builder clientBindHost(String v) {
      clientBindHost = v;
      return this;
    }

    /** 0 for no HTTP listener. */
    public Builder httpPort(int v) {
      httpPort = v;
      return this;
    }

    /** Null for {@code clientBindHost}. */
    public Builder httpBindHost(String v) {
      httpBindHost = v;
      return this;
    }

    public Builder httpTls(boolean v) {
      httpTls = v;
      return this;
    }

    /** This peer's TLS files; null (the default) for a self-signed certificate. */
    public Builder tls(TlsFiles v) {
      tls = v;
      return this;
    }

    /** The log file's directory; null (the default) for no log file. */
    public Builder logDir(Path v) {
      logDir = v;
      return this;
    }

    public Builder logMaxFileBytes(long v) {
      logMaxFileBytes = v;
      return this;
    }

    public Builder logTotalBytes(long v) {
      logTotalBytes = v;
      return this;
    }

    /**
     * Builds and validates.
     *
     * @throws ConfigException listing every problem, with source {@code ServerConfig} and line 0
     */
    public ServerConfig build() {
      return buildUnvalidated().validate();
    }

    /** For {@link ConfigLoader}, which reports these problems with its own, at their lines. */
    ServerConfig buildUnvalidated() {
      return new ServerConfig(
          clusterName,
          memberId,
          peers,
          primary,
          writePolicy,
          healthCheckInterval,
          peerFailureTimeout,
          syncCheckInterval,
          tlsMode,
          ipVersion,
          addressMapping,
          mappings,
          platform,
          optionKeys,
          softwareVersion,
          maxRoundTrip,
          factoryResetKeeps,
          factoryResetRemoves,
          dataDir,
          electionTimeoutMin,
          electionTimeoutMax,
          requestTimeout,
          maxKeyBytes,
          maxValueBytes,
          maxTxnOps,
          maxRequestBytes,
          snapshotEveryEntries,
          snapshotsRetained,
          logSegmentBytes,
          logPurgeGap,
          watchHistoryRevisions,
          watchHistoryBytes,
          watchMaxPendingBytes,
          shutdownGrace,
          clientBindHost,
          httpPort,
          httpBindHost,
          httpTls,
          tls,
          logDir,
          logMaxFileBytes,
          logTotalBytes);
    }
  }
}
