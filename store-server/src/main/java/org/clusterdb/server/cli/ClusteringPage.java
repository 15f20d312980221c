package org.clusterdb.server.cli;

import java.util.ArrayList;
import java.util.List;
import org.clusterdb.api.Alarm;
import org.clusterdb.api.ClusterStatus;
import org.clusterdb.api.PeerStatus;

/**
 * The clustering page as text, as one peer sees the cluster: what {@code xstatus} prints and {@code
 * local-cluster} follows.
 */
record ClusteringPage(ClusterStatus status, List<Alarm> alarms) {
  private static final String ROW = "%-5s %-8s %-24s %-60s %8s %6s  %s";

  /** Whether the database is Active and every peer Active. */
  boolean healthy() {
    return status.database() == ClusterStatus.Database.ACTIVE
        && status.peers().stream()
            .allMatch(
                p ->
                    p.state() == PeerStatus.State.THIS_SYSTEM
                        || p.state() == PeerStatus.State.ACTIVE);
  }

  /** The summary line, a row per peer, then the active alarms. */
  List<String> lines() {
    ClusterStatus s = status;
    List<String> lines = new ArrayList<>();
    lines.add(
        "Cluster database: "
            + s.database().display()
            + "  (this system: "
            + s.memberId()
            + ", configuration primary: peer "
            + s.primary()
            + " "
            + s.primaryId()
            + (s.ownPrimary() == s.primary()
                ? ""
                : " (this peer's own setting: peer " + s.ownPrimary() + ")")
            + ", applied "
            + s.appliedIndex()
            + " of "
            + s.commitIndex()
            + " committed, last synchronisation check passed: "
            + (s.syncCheckedIndex() < 0 ? "none yet" : "index " + s.syncCheckedIndex())
            + ")");
    lines.add(
        String.format(ROW, "Peer", "Member", "Address", "Status", "Applied", "Lag", "Certificate"));
    for (PeerStatus p : s.peers()) {
      lines.add(
          String.format(
              ROW,
              p.index(),
              p.memberId(),
              p.address(),
              p.display(),
              p.appliedIndex() < 0 ? "-" : Long.toString(p.appliedIndex()),
              p.lag() < 0 ? "-" : Long.toString(p.lag()),
              p.certificate().orElse("-")));
    }
    lines.add(versions());
    List<Alarm> active = alarms.stream().filter(Alarm::active).toList();
    if (active.isEmpty()) {
      lines.add("Alarms: none active");
    }
    for (Alarm a : active) {
      lines.add("Alarm " + a.id() + " (" + severity(a) + "): " + a.detail());
    }
    return lines;
  }

  /**
   * The software version of each peer, as it published it: one version for all, or each peer's when
   * they differ (an upgrade under way).
   */
  String versions() {
    List<String> known =
        status.peers().stream().flatMap(p -> p.softwareVersion().stream()).distinct().toList();
    List<String> unknown =
        status.peers().stream()
            .filter(p -> p.softwareVersion().isEmpty())
            .map(PeerStatus::memberId)
            .toList();
    if (known.size() <= 1) {
      return "Software version: "
          + (known.isEmpty() ? "-" : known.get(0))
          + (unknown.isEmpty()
              ? " on every peer"
              : " (not reported yet: " + String.join(", ", unknown) + ")");
    }
    List<String> each = new ArrayList<>();
    for (PeerStatus p : status.peers()) {
      each.add(p.memberId() + " " + p.softwareVersion().orElse("-"));
    }
    return "Software versions differ: " + String.join(", ", each);
  }

  /** One line per peer, the database and each active alarm, without the moving numbers. */
  List<String> states() {
    List<String> states = new ArrayList<>();
    for (PeerStatus p : status.peers()) {
      states.add(p.memberId() + ": " + p.display());
    }
    states.add("database: " + status.database().display());
    alarms.stream()
        .filter(Alarm::active)
        .forEach(a -> states.add("alarm " + a.id() + ": " + a.detail()));
    return states;
  }

  static String severity(Alarm a) {
    return a.severity().name().toLowerCase();
  }
}
