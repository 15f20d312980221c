package org.clusterdb.server.cli;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.client.ClusterDbClient;

/**
 * The clustering status of every peer, as the seed's System > Clustering page shows it, seen from
 * one peer ("This system"): reachable peers are "Active", unreachable ones "Failed"; the database
 * of a peer is "Active" when it follows a leader and has applied what the leader committed.
 */
record ClusterView(List<Row> rows) {
  /** How far behind the leader's commit index a peer may be and still count as caught up. */
  private static final long CAUGHT_UP = 16;

  /** One peer's line. */
  record Row(
      int peer,
      String memberId,
      String clientAddress,
      String clustering,
      String database,
      Optional<MemberStatus> status) {}

  /** A peer to look at: its 1-based index, id and client address. */
  record Peer(int index, String id, String clientAddress) {}

  /** Asks every peer for its status, each with {@code timeout}; the first peer is "This system". */
  static ClusterView observe(List<Peer> peers, Duration timeout) {
    List<Optional<MemberStatus>> statuses = new ArrayList<>();
    for (Peer p : peers) {
      statuses.add(statusOf(p.clientAddress(), timeout));
    }
    long leaderCommit =
        statuses.stream()
            .flatMap(Optional::stream)
            .filter(s -> s.role() == MemberStatus.Role.LEADER)
            .mapToLong(MemberStatus::commitIndex)
            .max()
            .orElse(-1);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < peers.size(); i++) {
      Peer p = peers.get(i);
      Optional<MemberStatus> s = statuses.get(i);
      String clustering = s.isEmpty() ? "Failed" : i == 0 ? "This system" : "Active";
      rows.add(
          new Row(p.index(), p.id(), p.clientAddress(), clustering, database(s, leaderCommit), s));
    }
    return new ClusterView(rows);
  }

  private static String database(Optional<MemberStatus> status, long leaderCommit) {
    if (status.isEmpty()) {
      return "Unknown";
    }
    MemberStatus s = status.get();
    if (s.leaderId().isEmpty() || s.role() == MemberStatus.Role.STOPPED) {
      return "No quorum";
    }
    if (leaderCommit >= 0 && s.appliedIndex() + CAUGHT_UP < leaderCommit) {
      return "Synchronising";
    }
    return "Active";
  }

  static Optional<MemberStatus> statusOf(String clientAddress, Duration timeout) {
    try (ClusterDbClient c =
        ClusterDbClient.builder()
            .endpoints(List.of(clientAddress))
            .requestTimeout(timeout)
            .build()) {
      return Optional.of(c.status());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The table, one line per peer. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            "%-5s %-8s %-22s %-12s %-14s %-10s %8s %9s",
            "Peer", "Member", "Address", "Clustering", "Database", "Role", "Applied", "Revision"));
    for (Row r : rows) {
      lines.add(
          String.format(
              "%-5d %-8s %-22s %-12s %-14s %-10s %8s %9s",
              r.peer(),
              r.memberId(),
              r.clientAddress(),
              r.clustering(),
              r.database(),
              r.status().map(s -> s.role().name().toLowerCase()).orElse("-"),
              r.status().map(s -> Long.toString(s.appliedIndex())).orElse("-"),
              r.status().map(s -> Long.toString(s.revision())).orElse("-")));
    }
    return lines;
  }

  /** One line per peer without the numbers that move on every write: for change detection. */
  List<String> states() {
    List<String> states = new ArrayList<>();
    for (Row r : rows) {
      states.add(
          r.memberId()
              + ": "
              + r.clustering()
              + ", database "
              + r.database()
              + r.status().map(s -> ", " + s.role().name().toLowerCase()).orElse(""));
    }
    return states;
  }

  /** The view as JSON-ready structures, one per peer. */
  List<Struct> json() {
    List<Struct> out = new ArrayList<>();
    for (Row r : rows) {
      Struct.Builder b =
          Struct.newBuilder()
              .putFields("peer", num(r.peer()))
              .putFields("memberId", str(r.memberId()))
              .putFields("clientAddress", str(r.clientAddress()))
              .putFields("clustering", str(r.clustering()))
              .putFields("database", str(r.database()));
      r.status()
          .ifPresent(
              s -> {
                b.putFields("role", str(s.role().name()));
                b.putFields("leaderId", str(s.leaderId().orElse("")));
                b.putFields("term", num(s.term()));
                b.putFields("commitIndex", num(s.commitIndex()));
                b.putFields("appliedIndex", num(s.appliedIndex()));
                b.putFields("revision", num(s.revision()));
                b.putFields("snapshotIndex", num(s.snapshotIndex()));
              });
      out.add(b.build());
    }
    return out;
  }

  private static Value str(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Value num(long n) {
    return Value.newBuilder().setNumberValue(n).build();
  }
}
