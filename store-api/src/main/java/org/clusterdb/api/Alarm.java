package org.clusterdb.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One alarm of a peer's alarm registry, as its latest occurrence.
 *
 * @param id the alarm's stable number, such as 20004 for a cluster communication failure
 * @param uuid identifies the kind of alarm; the same on every peer
 * @param severity how serious it is
 * @param detail the text an operator sees
 * @param raisedAt when it was last raised
 * @param loweredAt when it was lowered since; empty while it is active
 */
public record Alarm(
    int id,
    UUID uuid,
    Severity severity,
    String detail,
    Instant raisedAt,
    Optional<Instant> loweredAt) {

  /** Alarm severities, lowest first. */
  public enum Severity {
    WARNING,
    ERROR,
    CRITICAL
  }

  public Alarm {
    if (id <= 0) {
      throw new IllegalArgumentException("id must be positive: " + id);
    }
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(raisedAt, "raisedAt");
    Objects.requireNonNull(loweredAt, "loweredAt");
  }

  /** Whether the alarm is raised now. */
  public boolean active() {
    return loweredAt.isEmpty();
  }
}
