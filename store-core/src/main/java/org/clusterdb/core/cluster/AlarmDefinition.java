package org.clusterdb.core.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.clusterdb.api.Alarm;

/**
 * The alarms a peer raises about its cluster. Ids 20004, 20006 and 20007 and their texts are the
 * appliance's; the other ids are ours, stable once released. Each kind has one UUID, the same on
 * every peer.
 */
public enum AlarmDefinition {
  REPLICATION_MANUAL_SYNC(
      20001,
      Alarm.Severity.WARNING,
      "Cluster replication error: manual synchronization of configuration is required"),
  REPLICATION_MISSING_CONFIGURATION(
      20002,
      Alarm.Severity.WARNING,
      "Cluster replication error: cannot find primary or this subordinate's peer configuration"
          + " file, manual synchronization of configuration is required"),
  REPLICATION_PRIMARY_ID(
      20003,
      Alarm.Severity.WARNING,
      "Cluster replication error: configuration primary ID is inconsistent, manual"
          + " synchronization of configuration is required"),
  CLUSTER_COMMUNICATION_FAILURE(
      20004,
      Alarm.Severity.WARNING,
      "Cluster communication failure: The system is unable to communicate with one or more of the"
          + " cluster peers"),
  REPLICATION_CONFLICT(
      20005,
      Alarm.Severity.WARNING,
      "Cluster replication error: this peer's configuration conflicts with the primary's"
          + " configuration, manual synchronization of configuration is required"),
  DATABASE_COMMUNICATION_FAILURE(
      20006,
      Alarm.Severity.WARNING,
      "Cluster database communication failure: The database is unable to replicate with one or"
          + " more of the cluster peers"),
  RESTART_REQUIRED(
      20007,
      Alarm.Severity.WARNING,
      "Restart required: Cluster configuration has been changed, however a restart is required"
          + " for this to take effect"),
  PRIMARY_MISMATCH(
      20008,
      Alarm.Severity.WARNING,
      "Cluster primary mismatch: the configuration primary of this peer differs from that of the"
          + " other peers"),
  INVALID_CLUSTERING_CONFIGURATION(
      20009,
      Alarm.Severity.ERROR,
      "Invalid clustering configuration: the clustering settings of this peer are invalid"),
  DATABASE_FAILURE(
      20010,
      Alarm.Severity.CRITICAL,
      "Database failure: the cluster database of this peer has failed and stopped serving"),
  JOIN_VERSION(
      20011,
      Alarm.Severity.ERROR,
      "Cluster join refused: this peer's software version differs from the primary's"),
  JOIN_PLATFORM(
      20012,
      Alarm.Severity.ERROR,
      "Cluster join refused: this peer's platform differs from the primary's"),
  JOIN_OPTION_KEYS(
      20013,
      Alarm.Severity.ERROR,
      "Cluster join refused: this peer's option keys differ from the primary's"),
  JOIN_ROUND_TRIP(
      20014,
      Alarm.Severity.ERROR,
      "Cluster join refused: the round-trip delay between this peer and the primary exceeds the"
          + " limit"),
  JOIN_ADDRESS(
      20015,
      Alarm.Severity.ERROR,
      "Cluster join refused: this peer does not answer at its configured address; NAT between"
          + " peers is not supported"),
  JOIN_CLUSTER_FULL(
      20016,
      Alarm.Severity.ERROR,
      "Cluster join refused: the cluster already holds the most peers allowed"),
  FACTORY_RESET_PENDING(
      20017,
      Alarm.Severity.WARNING,
      "Factory reset pending: all peer addresses were cleared; this peer deletes its configuration"
          + " at its next restart. Restore the peer addresses in their order to cancel"),
  /**
   * The seed's "Failed to update key file": this peer holds no usable system key (its key file is
   * missing or unreadable) or cannot write it. Kept apart from 20018-20019 for other alarms.
   */
  SYSTEM_KEY(
      20020,
      Alarm.Severity.ERROR,
      "Failed to update key file: this peer has no usable system key, or cannot write its key"
          + " file, and cannot serve sensitive values. Run xcommand ForceSystemKeyUpdate on a peer"
          + " without this alarm"),
  /**
   * Raised on every peer while the members publish different software versions: normal for the time
   * an upgrade takes, one peer at a time; lowered once they agree.
   */
  SOFTWARE_VERSION_MISMATCH(
      20021,
      Alarm.Severity.WARNING,
      "Software version mismatch: the cluster's peers run different software versions. Finish"
          + " upgrading every peer to one version, one peer at a time");

  private final int id;
  private final Alarm.Severity severity;
  private final String detail;
  private final UUID uuid;

  AlarmDefinition(int id, Alarm.Severity severity, String detail) {
    this.id = id;
    this.severity = severity;
    this.detail = detail;
    this.uuid = UUID.nameUUIDFromBytes(("clusterdb/alarm/" + id).getBytes(StandardCharsets.UTF_8));
  }

  public int id() {
    return id;
  }

  public Alarm.Severity severity() {
    return severity;
  }

  public String detail() {
    return detail;
  }

  public UUID uuid() {
    return uuid;
  }

  /** The definition with {@code id}, if there is one. */
  public static Optional<AlarmDefinition> byId(int id) {
    for (AlarmDefinition d : values()) {
      if (d.id == id) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
