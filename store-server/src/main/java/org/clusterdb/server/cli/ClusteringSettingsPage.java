package org.clusterdb.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.client.MemberClusteringSettings;

/**
 * The fields of the appliance's System &gt; Clustering page as text: one row per field, this peer's
 * own value beside the cluster's, a {@code *} where they differ. What {@code clusterdb clustering}
 * prints.
 */
record ClusteringSettingsPage(MemberClusteringSettings settings) {
  private static final String NONE = "-";

  /** A header line, a row per field, and a note on any difference or missing cluster settings. */
  List<String> lines() {
    ClusteringSettings own = settings.own();
    Optional<ClusteringSettings> cluster = settings.cluster();
    List<String[]> rows = new ArrayList<>();
    row(rows, "Cluster name", ClusteringSettings::name);
    row(rows, "Configuration primary", ClusteringSettingsPage::primary);
    row(rows, "TLS verification mode", s -> tlsMode(s.tlsMode()));
    row(rows, "Cluster IP version", s -> ipVersion(s.ipVersion()));
    for (int i = 1; i <= ClusteringSettings.MAX_PEERS; i++) {
      int index = i;
      row(rows, "Peer " + i + " address", s -> peer(s, index));
    }
    row(rows, "Address mapping", s -> s.addressMapping() ? "On" : "Off");
    TreeSet<String> fqdns = new TreeSet<>(own.mappings().keySet());
    cluster.ifPresent(c -> fqdns.addAll(c.mappings().keySet()));
    if (fqdns.isEmpty()) {
      row(rows, "Mappings", s -> "none");
    }
    for (String fqdn : fqdns) {
      row(rows, "Mapping " + fqdn, s -> s.mappings().getOrDefault(fqdn, NONE));
    }

    int labelWidth = "Field".length();
    int ownWidth = "This peer".length();
    for (String[] r : rows) {
      labelWidth = Math.max(labelWidth, r[0].length());
      ownWidth = Math.max(ownWidth, r[1].length());
    }
    String format = "%-" + labelWidth + "s  %-" + ownWidth + "s  %s";
    List<String> lines = new ArrayList<>();
    lines.add(
        "Clustering settings of "
            + settings.memberId()
            + ": its own, and the cluster's as its replica has them");
    lines.add(String.format(format, "Field", "This peer", "Cluster").stripTrailing());
    boolean differs = false;
    for (String[] r : rows) {
      boolean mark = cluster.isPresent() && !r[1].equals(r[2]);
      differs |= mark;
      lines.add(String.format(format, r[0], r[1], r[2]).stripTrailing() + (mark ? "  *" : ""));
    }
    if (differs) {
      lines.add("* this peer's own setting differs from the cluster's");
    }
    if (cluster.isEmpty()) {
      lines.add(
          "The cluster's settings are not known to this peer yet: the primary has not led since"
              + " the cluster was created, or this peer has not been added to it.");
    }
    return lines;
  }

  private void row(List<String[]> rows, String label, Function<ClusteringSettings, String> value) {
    rows.add(
        new String[] {
          label, value.apply(settings.own()), settings.cluster().map(value).orElse(NONE)
        });
  }

  private static String primary(ClusteringSettings s) {
    return s.primaryPeer().map(p -> s.primary() + " (" + p.id() + ")").orElse("none");
  }

  /** {@code id=host:port}, as {@code clustering set --peers} takes it. */
  private static String peer(ClusteringSettings s, int index) {
    if (index > s.peers().size()) {
      return NONE;
    }
    PeerAddress p = s.peers().get(index - 1);
    return p.id() + "=" + p.address();
  }

  static String tlsMode(ClusteringSettings.TlsMode mode) {
    return mode == ClusteringSettings.TlsMode.ENFORCE ? "Enforce" : "Permissive";
  }

  static String ipVersion(ClusteringSettings.IpVersion version) {
    return version == ClusteringSettings.IpVersion.IPV6 ? "IPv6" : "IPv4";
  }
}
