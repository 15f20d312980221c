package org.clusterdb.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.PeerAddress;

/**
 * The one configuration of an embedded clusterdb member. Immutable; build with {@link #builder()},
 * which validates every field at once and reports all problems together.
 *
 * <p>{@code clusterName}, {@code peers}, {@code primary}, {@code tlsMode}, {@code ipVersion},
 * {@code addressMapping} and {@code mappings} seed this peer's own clustering settings on its first
 * start (and after a factory reset, its own address); from then on the saved settings apply ({@code
 * ClusterDb#saveClusteringSettings}).
 *
 * @param clusterName the cluster's name (an FQDN in the appliance); equal on every peer
 * @param memberId this member's id; one of {@code peers}
 * @param peers every voting peer, this one included, in the admin's order (at most 6)
 * @param dataDir this member's directory: {@code raft/} (log), {@code state/} (replicated state),
 *     {@code peer/} (peer tables)
 * @param electionTimeoutMin lower bound of the randomized Raft election timeout
 * @param electionTimeoutMax upper bound of the randomized Raft election timeout
 * @param requestTimeout deadline of one operation; a write past it fails as indeterminate
 * @param maxKeyBytes largest key accepted
 * @param maxValueBytes largest value accepted
 * @param maxTxnOps most compares, and most ops per branch, in one transaction
 * @param maxRequestBytes largest encoded command accepted
 * @param snapshotEveryEntries take a snapshot after this many applied log entries
 * @param snapshotsRetained snapshots kept on disk
 * @param logSegmentBytes size of one Raft log segment file
 * @param logPurgeGap purge the log only once this many entries are covered by a snapshot
 * @param watchHistoryRevisions watch history kept, in revisions
 * @param watchHistoryBytes watch history kept, in bytes
 * @param watchMaxPendingBytes undelivered events one watcher may hold before it is stopped
 * @param primary the configuration primary: a 1-based index into {@code peers}, as the seed's
 *     "Configuration primary" field
 * @param writePolicy which leader accepts writes to cluster tables
 * @param healthCheckInterval how often this peer asks every other peer for its state
 * @param peerFailureTimeout a peer not heard from for this long is "Failed" and raises the cluster
 *     communication alarms
 * @param syncCheckInterval how often the primary starts a synchronisation check, which compares
 *     every subordinate's cluster tables with its own
 * @param tlsMode the TLS verification mode this peer's clustering settings start with
 * @param ipVersion the cluster IP version this peer's clustering settings start with
 * @param addressMapping whether this peer's clustering settings start with the address mapping on:
 *     {@code mappings} consulted before DNS for every peer host
 * @param mappings the address mappings, FQDN to IP address, this peer's clustering settings start
 *     with; what lets a peer configured with names only the mapping knows listen and reach its
 *     primary on its first start
 * @param platform this peer's platform class; a peer joins only a cluster of its own class
 * @param optionKeys the option keys installed on this peer; a peer joins only a cluster with the
 *     same keys, except the licence keys {@code AdmissionPolicy} exempts
 * @param softwareVersion the software version this peer reports when it joins; a peer joins only a
 *     cluster of its own version. Defaults to this build's version
 * @param maxRoundTrip the longest round trip between the primary and a joining peer
 * @param factoryResetKeeps the peer tables a factory reset keeps: the appliance keeps its basic
 *     network settings (addresses, admin accounts, SSH keys, option keys, HTTPS and SSH enabled)
 * @param factoryResetRemoves the files a factory reset deletes: the server certificate, its key and
 *     the CA trust store
 * @param tls this peer's certificate, key and trusted CAs for the TLS between peers; null for a key
 *     and self-signed certificate the peer makes on its first start (Permissive mode only: nobody
 *     trusts them in Enforce)
 * @param unsafeLocalReads a deliberately broken variant for fault-injection tests only: serves
 *     every linearizable read of a cluster table from this replica's local state, which may be
 *     stale. Refused unless the environment has {@value #UNSAFE_TESTING_ENV}={@code yes}, so that
 *     the chaos tests can prove their checker catches stale reads
 */
public record ClusterDbConfig(
    String clusterName,
    String memberId,
    List<PeerAddress> peers,
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
    Set<String> optionKeys,
    String softwareVersion,
    Duration maxRoundTrip,
    Set<String> factoryResetKeeps,
    List<Path> factoryResetRemoves,
    TlsFiles tls,
    boolean unsafeLocalReads) {

  /** The environment variable that must be {@code yes} for {@link #unsafeLocalReads}. */
  public static final String UNSAFE_TESTING_ENV = "CLUSTERDB_UNSAFE_TESTING";

  /** The seed's appliance clusters hold at most six peers. */
  public static final int MAX_PEERS = 6;

  /**
   * Twice Ratis's default. A Ratis follower checks for a silent leader once per timeout, so a
   * failover takes about 1.5 timeouts: this keeps it under a second.
   */
  public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofMillis(300);

  /** Twice the minimum, so that split votes resolve in a round or two. */
  public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofMillis(600);

  /** Several election rounds: a write survives one leader failover before it times out. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Configuration keys are paths and names, never documents. */
  public static final int DEFAULT_MAX_KEY_BYTES = 4 * 1024;

  /** Configuration values are small; a megabyte bounds a log entry and a watch event. */
  public static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;

  /** As etcd's --max-txn-ops. */
  public static final int DEFAULT_MAX_TXN_OPS = 128;

  /** One maximal put, with room for its encoding, fits. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 2 * 1024 * 1024;

  /** Keeps restart replay short while a snapshot stays rare. */
  public static final long DEFAULT_SNAPSHOT_EVERY_ENTRIES = 10_000;

  /**
   * A member also takes a snapshot once the log entries it applied since its last one hold this
   * many bytes, however few entries that is: entries range from a few bytes to a whole batch, and a
   * wiped or lagging peer should install the state rather than replay a long log.
   */
  public static final long SNAPSHOT_EVERY_BYTES = 32L * 1024 * 1024;

  /** The latest, and one to fall back on. */
  public static final int DEFAULT_SNAPSHOTS_RETAINED = 2;

  /** Small segments let the log shrink soon after a snapshot. */
  public static final long DEFAULT_LOG_SEGMENT_BYTES = 8L * 1024 * 1024;

  /** Keeps recent entries so a briefly absent follower catches up without a snapshot. */
  public static final int DEFAULT_LOG_PURGE_GAP = 1024;

  /** Lets a watcher resume after a short disconnect under steady write load. */
  public static final long DEFAULT_WATCH_HISTORY_REVISIONS = 10_000;

  /** Bounds the history's disk and snapshot cost when values are large. */
  public static final long DEFAULT_WATCH_HISTORY_BYTES = 64L * 1024 * 1024;

  /** More than a full history replay, so a new watcher is never stopped by its own backlog. */
  public static final long DEFAULT_WATCH_MAX_PENDING_BYTES = 128L * 1024 * 1024;

  /** The seed's procedure creates a cluster of one on peer 1, which is its primary. */
  public static final int DEFAULT_PRIMARY = 1;

  /** Configuration is made on the primary, as on the appliance. */
  public static final WritePolicy DEFAULT_WRITE_POLICY = WritePolicy.PRIMARY_ONLY;

  /** Often enough to show a failed peer within seconds, rare enough to cost nothing. */
  public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofSeconds(1);

  /** Several missed checks, so that one slow answer raises no alarm. */
  public static final Duration DEFAULT_PEER_FAILURE_TIMEOUT = Duration.ofSeconds(5);

  /** The appliance's synchronisation cycle runs about every two minutes. */
  public static final Duration DEFAULT_SYNC_CHECK_INTERVAL = Duration.ofMinutes(2);

  private static final Pattern MEMBER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");
  private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}");

  /** The appliance's limit on the round trip between peers. */
  public static final Duration DEFAULT_MAX_ROUND_TRIP = Duration.ofMillis(80);

  /** The appliance's platform classes are Appliance and VM; an embedding names its own. */
  public static final String DEFAULT_PLATFORM = "VM";

  public ClusterDbConfig {
    peers = peers == null ? null : List.copyOf(peers);
    optionKeys = optionKeys == null ? null : Set.copyOf(optionKeys);
    factoryResetKeeps = factoryResetKeeps == null ? null : Set.copyOf(factoryResetKeeps);
    factoryResetRemoves = factoryResetRemoves == null ? null : List.copyOf(factoryResetRemoves);
    mappings = mappings == null ? null : Map.copyOf(mappings);
  }

  /** This member's own address. */
  public PeerAddress self() {
    return peers.stream().filter(p -> p.id().equals(memberId)).findFirst().orElseThrow();
  }

  /** The configuration primary's address. */
  public PeerAddress primaryPeer() {
    return peers.get(primary - 1);
  }

  /** Every problem with this configuration, each naming its field; empty when valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (clusterName == null || !CLUSTER_NAME.matcher(clusterName).matches()) {
      p.add("clusterName: must be a host-name-like string of letters, digits, '.' and '-'");
    }
    if (memberId == null || !MEMBER_ID.matcher(memberId).matches()) {
      p.add("memberId: must match " + MEMBER_ID.pattern());
    }
    if (peers == null || peers.isEmpty()) {
      p.add("peers: at least one peer is required");
    } else {
      if (peers.size() > MAX_PEERS) {
        p.add("peers: at most " + MAX_PEERS + " peers, got " + peers.size());
      }
      Set<String> ids = new HashSet<>();
      Set<String> addresses = new HashSet<>();
      for (int i = 0; i < peers.size(); i++) {
        PeerAddress peer = peers.get(i);
        String f = "peers[" + i + "]";
        if (!MEMBER_ID.matcher(peer.id()).matches()) {
          p.add(f + ".id: must match " + MEMBER_ID.pattern());
        }
        if (!ids.add(peer.id())) {
          p.add(f + ".id: duplicate id '" + peer.id() + "'");
        }
        if (peer.host().isBlank()) {
          p.add(f + ".host: must not be empty");
        }
        if (peer.port() < 1 || peer.port() > 65535) {
          p.add(f + ".port: must be 1..65535, was " + peer.port());
        }
        if (!addresses.add(peer.address())) {
          p.add(f + ": duplicate address " + peer.address());
        }
      }
      if (memberId != null && !ids.contains(memberId)) {
        p.add("memberId: '" + memberId + "' is not one of the peers");
      }
    }
    if (dataDir == null) {
      p.add("dataDir: required");
    }
    positive(p, "electionTimeoutMin", electionTimeoutMin);
    positive(p, "electionTimeoutMax", electionTimeoutMax);
    positive(p, "requestTimeout", requestTimeout);
    if (electionTimeoutMin != null
        && electionTimeoutMax != null
        && electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
      p.add("electionTimeoutMax: must be greater than electionTimeoutMin");
    }
    if (maxKeyBytes < 1) {
      p.add("maxKeyBytes: must be >= 1");
    }
    if (maxValueBytes < 0) {
      p.add("maxValueBytes: must be >= 0");
    }
    if (maxTxnOps < 1) {
      p.add("maxTxnOps: must be >= 1");
    }
    if ((long) maxRequestBytes < (long) maxKeyBytes + maxValueBytes + 1024) {
      p.add("maxRequestBytes: must be at least maxKeyBytes + maxValueBytes + 1024");
    }
    if (snapshotEveryEntries < 1) {
      p.add("snapshotEveryEntries: must be >= 1");
    }
    if (snapshotsRetained < 1) {
      p.add("snapshotsRetained: must be >= 1");
    }
    if (logSegmentBytes < (long) maxRequestBytes + 64 * 1024) {
      p.add("logSegmentBytes: must be at least maxRequestBytes + 64 KiB");
    }
    if (logPurgeGap < 1) {
      p.add("logPurgeGap: must be >= 1");
    }
    if (watchHistoryRevisions < 1) {
      p.add("watchHistoryRevisions: must be >= 1");
    }
    if (watchHistoryBytes < 1) {
      p.add("watchHistoryBytes: must be >= 1");
    }
    if (watchMaxPendingBytes < 1) {
      p.add("watchMaxPendingBytes: must be >= 1");
    }
    if (peers != null && (primary < 1 || primary > peers.size())) {
      p.add("primary: must be a peer index, 1 to " + peers.size() + ", was " + primary);
    }
    if (writePolicy == null) {
      p.add("writePolicy: required");
    }
    positive(p, "healthCheckInterval", healthCheckInterval);
    positive(p, "peerFailureTimeout", peerFailureTimeout);
    positive(p, "syncCheckInterval", syncCheckInterval);
    positive(p, "maxRoundTrip", maxRoundTrip);
    if (tlsMode == null) {
      p.add("tlsMode: required");
    }
    if (ipVersion == null) {
      p.add("ipVersion: required");
    }
    if (mappings == null) {
      p.add("mappings: required (may be empty)");
    } else {
      p.addAll(ClusteringSettings.mappingProblems(mappings));
    }
    if (platform == null || platform.isBlank()) {
      p.add("platform: must not be empty");
    }
    if (optionKeys == null) {
      p.add("optionKeys: required (may be empty)");
    } else {
      try {
        org.clusterdb.core.usage.Licenses.pooled(optionKeys);
      } catch (IllegalArgumentException e) {
        p.add(e.getMessage());
      }
    }
    if (softwareVersion == null || softwareVersion.isBlank()) {
      p.add("softwareVersion: must not be empty");
    }
    if (factoryResetKeeps == null) {
      p.add("factoryResetKeeps: required (may be empty)");
    }
    if (factoryResetRemoves == null) {
      p.add("factoryResetRemoves: required (may be empty)");
    }
    if (healthCheckInterval != null
        && peerFailureTimeout != null
        && peerFailureTimeout.compareTo(healthCheckInterval.multipliedBy(2)) < 0) {
      p.add("peerFailureTimeout: must be at least twice healthCheckInterval");
    }
    if (unsafeLocalReads && !"yes".equals(System.getenv(UNSAFE_TESTING_ENV))) {
      p.add(
          "unsafeLocalReads: refused outside fault-injection tests (it serves stale reads); "
              + UNSAFE_TESTING_ENV
              + "=yes allows it");
    }
    return p;
  }

  private static void positive(List<String> p, String field, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      p.add(field + ": must be a positive duration");
    }
  }

  /** Throws {@link ErrorCode#INVALID_ARGUMENT} listing every problem, if there are any. */
  public ClusterDbConfig validate() {
    List<String> p = problems();
    if (!p.isEmpty()) {
      throw new ClusterDbException(
          ErrorCode.INVALID_ARGUMENT, "invalid configuration: " + String.join("; ", p));
    }
    return this;
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
        .dataDir(dataDir)
        .electionTimeout(electionTimeoutMin, electionTimeoutMax)
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
        .tls(tls)
        .unsafeLocalReads(unsafeLocalReads);
  }

  /** Builds a {@link ClusterDbConfig}; every field not set keeps its named default. */
  public static final class Builder {
    private String clusterName;
    private String memberId;
    private List<PeerAddress> peers = List.of();
    private Path dataDir;
    private Duration electionTimeoutMin = DEFAULT_ELECTION_TIMEOUT_MIN;
    private Duration electionTimeoutMax = DEFAULT_ELECTION_TIMEOUT_MAX;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxKeyBytes = DEFAULT_MAX_KEY_BYTES;
    private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
    private int maxTxnOps = DEFAULT_MAX_TXN_OPS;
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private long snapshotEveryEntries = DEFAULT_SNAPSHOT_EVERY_ENTRIES;
    private int snapshotsRetained = DEFAULT_SNAPSHOTS_RETAINED;
    private long logSegmentBytes = DEFAULT_LOG_SEGMENT_BYTES;
    private int logPurgeGap = DEFAULT_LOG_PURGE_GAP;
    private long watchHistoryRevisions = DEFAULT_WATCH_HISTORY_REVISIONS;
    private long watchHistoryBytes = DEFAULT_WATCH_HISTORY_BYTES;
    private long watchMaxPendingBytes = DEFAULT_WATCH_MAX_PENDING_BYTES;
    private int primary = DEFAULT_PRIMARY;
    private WritePolicy writePolicy = DEFAULT_WRITE_POLICY;
    private Duration healthCheckInterval = DEFAULT_HEALTH_CHECK_INTERVAL;
    private Duration peerFailureTimeout = DEFAULT_PEER_FAILURE_TIMEOUT;
    private Duration syncCheckInterval = DEFAULT_SYNC_CHECK_INTERVAL;
    private ClusteringSettings.TlsMode tlsMode = ClusteringSettings.TlsMode.PERMISSIVE;
    private ClusteringSettings.IpVersion ipVersion = ClusteringSettings.IpVersion.IPV4;
    private boolean addressMapping;
    private Map<String, String> mappings = Map.of();
    private String platform = DEFAULT_PLATFORM;
    private Set<String> optionKeys = Set.of();
    private String softwareVersion = SoftwareVersion.CURRENT;
    private Duration maxRoundTrip = DEFAULT_MAX_ROUND_TRIP;
    private Set<String> factoryResetKeeps = Set.of();
    private List<Path> factoryResetRemoves = List.of();
    private TlsFiles tls;
    private boolean unsafeLocalReads;

    private Builder() {}

    public Builder clusterName(String v) {
      clusterName = v;
      return this;
    }

    public Builder memberId(String v) {
      memberId = v;
      return this;
    }

    public Builder peers(List<PeerAddress> v) {
      peers = Objects.requireNonNull(v, "peers");
      return this;
    }

    public Builder dataDir(Path v) {
      dataDir = v;
      return this;
    }

    public Builder electionTimeout(Duration min, Duration max) {
      electionTimeoutMin = min;
      electionTimeoutMax = max;
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

    /** See {@link ClusterDbConfig#addressMapping}; off by default, as on the appliance. */
    public Builder addressMapping(boolean v) {
      addressMapping = v;
      return this;
    }

    /** See {@link ClusterDbConfig#mappings}; none by default. */
    public Builder mappings(Map<String, String> v) {
      mappings = Objects.requireNonNull(v, "mappings");
      return this;
    }

    public Builder platform(String v) {
      platform = v;
      return this;
    }

    public Builder optionKeys(Set<String> v) {
      optionKeys = Objects.requireNonNull(v, "optionKeys");
      return this;
    }

    public Builder softwareVersion(String v) {
      softwareVersion = v;
      return this;
    }

    public Builder maxRoundTrip(Duration v) {
      maxRoundTrip = v;
      return this;
    }

    public Builder factoryResetKeeps(Set<String> v) {
      factoryResetKeeps = Objects.requireNonNull(v, "factoryResetKeeps");
      return this;
    }

    public Builder factoryResetRemoves(List<Path> v) {
      factoryResetRemoves = Objects.requireNonNull(v, "factoryResetRemoves");
      return this;
    }

    /** See {@link ClusterDbConfig#tls}; null (the default) for a self-signed certificate. */
    public Builder tls(TlsFiles v) {
      tls = v;
      return this;
    }

    /** For fault-injection tests only; see {@link ClusterDbConfig#unsafeLocalReads}. */
    public Builder unsafeLocalReads(boolean v) {
      unsafeLocalReads = v;
      return this;
    }

    /** Builds and validates; throws {@link ErrorCode#INVALID_ARGUMENT} naming every problem. */
    public ClusterDbConfig build() {
      return new ClusterDbConfig(
              clusterName,
              memberId,
              peers,
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
              optionKeys,
              softwareVersion,
              maxRoundTrip,
              factoryResetKeeps,
              factoryResetRemoves,
              tls,
              unsafeLocalReads)
          .validate();
    }
  }
}
