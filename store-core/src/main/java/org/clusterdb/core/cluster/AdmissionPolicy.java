package org.clusterdb.core.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.proto.log.v1.JoinRequest;

/**
 * The checks a peer must pass to join the cluster, as the appliance's cluster requirements state
 * them. Pure: the leader runs them on each join request before it is appended.
 *
 * @param version the leader's software version
 * @param platform the leader's platform class
 * @param optionKeys the leader's option keys
 * @param maxRoundTrip the longest round trip allowed between a peer and the leader
 */
public record AdmissionPolicy(
    String version, String platform, Set<String> optionKeys, Duration maxRoundTrip) {

  /**
   * Licence keys that may differ between peers, as the appliance allows: call licences, rich media
   * sessions, and room and desktop system registrations. A key is {@code name} or {@code
   * name=count}; these are matched on the name.
   */
  public static final Set<String> EXEMPT_OPTION_KEYS =
      Set.of(
          "traversal-calls",
          "non-traversal-calls",
          "rich-media-sessions",
          "room-registrations",
          "desktop-registrations");

  public AdmissionPolicy {
    optionKeys = Set.copyOf(optionKeys);
  }

  /** The policy of a peer started with {@code config}. */
  public static AdmissionPolicy of(ClusterDbConfig config) {
    return new AdmissionPolicy(
        config.softwareVersion(), config.platform(), config.optionKeys(), config.maxRoundTrip());
  }

  /** Why a peer may not join. */
  public enum Reason {
    NO_CLUSTER_SETTINGS(AlarmDefinition.REPLICATION_MISSING_CONFIGURATION),
    CONFLICT(AlarmDefinition.REPLICATION_CONFLICT),
    VERSION(AlarmDefinition.JOIN_VERSION),
    PLATFORM(AlarmDefinition.JOIN_PLATFORM),
    OPTION_KEYS(AlarmDefinition.JOIN_OPTION_KEYS),
    ROUND_TRIP(AlarmDefinition.JOIN_ROUND_TRIP),
    ADDRESS(AlarmDefinition.JOIN_ADDRESS),
    CLUSTER_FULL(AlarmDefinition.JOIN_CLUSTER_FULL);

    private final AlarmDefinition alarm;

    Reason(AlarmDefinition alarm) {
      this.alarm = alarm;
    }

    /** The alarm the refused peer raises. */
    public AlarmDefinition alarm() {
      return alarm;
    }

    /** The reason a refusal's field stands for: each check names its own field. */
    public static Reason ofField(String field) {
      return switch (field) {
        case "settings" -> NO_CLUSTER_SETTINGS;
        case "version" -> VERSION;
        case "platform" -> PLATFORM;
        case "optionKeys" -> OPTION_KEYS;
        case "roundTrip" -> ROUND_TRIP;
        case "address" -> ADDRESS;
        case "memberId" -> CLUSTER_FULL;
        default -> CONFLICT;
      };
    }
  }

  /**
   * A refused join.
   *
   * @param reason the check that failed
   * @param field the join request field at fault
   * @param message what differs, for the admin of the refused peer
   */
  public record Refusal(Reason reason, String field, String message) {}

  /**
   * Checks {@code request} against the cluster's settings and this policy.
   *
   * @param cluster the cluster's replicated settings; empty if the primary has not written them
   * @param members the members of the Raft group now, voters and listeners
   */
  public Optional<Refusal> check(
      JoinRequest request, Optional<ClusteringSettings> cluster, List<String> members) {
    if (cluster.isEmpty()) {
      return refuse(
          Reason.NO_CLUSTER_SETTINGS,
          "settings",
          "the cluster has no clustering settings yet; the primary writes them once it leads");
    }
    ClusteringSettings theirs = SettingsCodec.decode(request.getSettings());
    ClusteringSettings ours = cluster.get();
    List<String> differ = ours.conflicts(theirs);
    if (!differ.isEmpty() || ours.primary() != theirs.primary()) {
      List<String> fields = new java.util.ArrayList<>(differ);
      if (ours.primary() != theirs.primary()) {
        fields.add("primary");
      }
      return refuse(
          Reason.CONFLICT,
          "settings." + fields.get(0),
          "this peer's clustering settings differ from the primary's in " + fields);
    }
    PeerAddress self = new PeerAddress(request.getMemberId(), request.getHost(), request.getPort());
    if (!ours.peers().contains(self)) {
      return refuse(
          Reason.CONFLICT,
          "settings.peers",
          "the primary's peer list does not hold " + self + "; add it on the primary first");
    }
    if (!version.equals(request.getVersion())) {
      return refuse(
          Reason.VERSION,
          "version",
          "software version " + request.getVersion() + " differs from the primary's " + version);
    }
    if (!platform.equals(request.getPlatform())) {
      return refuse(
          Reason.PLATFORM,
          "platform",
          "platform " + request.getPlatform() + " differs from the primary's " + platform);
    }
    Set<String> mine = comparable(optionKeys);
    Set<String> theirKeys = comparable(request.getOptionKeysList());
    if (!mine.equals(theirKeys)) {
      Set<String> missing = new TreeSet<>(mine);
      missing.removeAll(theirKeys);
      Set<String> extra = new TreeSet<>(theirKeys);
      extra.removeAll(mine);
      return refuse(
          Reason.OPTION_KEYS,
          "optionKeys",
          "option keys differ from the primary's: missing " + missing + ", extra " + extra);
    }
    long limitMicros = maxRoundTrip.toNanos() / 1000;
    if (request.getRoundTripMicros() > limitMicros) {
      return refuse(
          Reason.ROUND_TRIP,
          "roundTrip",
          "round trip to the leader "
              + request.getRoundTripMicros() / 1000
              + " ms exceeds "
              + maxRoundTrip.toMillis()
              + " ms");
    }
    if (!members.contains(request.getMemberId())
        && members.size() >= ClusteringSettings.MAX_PEERS) {
      return refuse(
          Reason.CLUSTER_FULL,
          "memberId",
          "the cluster already holds " + members.size() + " peers, the most allowed");
    }
    return Optional.empty();
  }

  /** The keys that must match: every key but the exempt licences, names compared in lower case. */
  static Set<String> comparable(java.util.Collection<String> keys) {
    Set<String> out = new TreeSet<>();
    for (String k : keys) {
      String name = k.split("=", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (!EXEMPT_OPTION_KEYS.contains(name)) {
        out.add(k.trim().toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  private static Optional<Refusal> refuse(Reason reason, String field, String message) {
    return Optional.of(new Refusal(reason, field, message));
  }
}
