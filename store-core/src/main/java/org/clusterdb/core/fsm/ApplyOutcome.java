package org.clusterdb.core.fsm;

import java.util.List;
import org.clusterdb.proto.log.v1.ApplyResult;
import org.clusterdb.proto.log.v1.AuditRecord;
import org.clusterdb.proto.log.v1.Event;

/**
 * What applying one command produced.
 *
 * @param result the reply for the proposer
 * @param revision the store revision after the command
 * @param events the changes the command made, in order; empty when it changed no row
 * @param audit the audit rows it wrote, in order; empty when it was not audited
 */
public record ApplyOutcome(
    ApplyResult result, long revision, List<Event> events, List<AuditRecord> audit) {
  public ApplyOutcome {
    events = List.copyOf(events);
    audit = List.copyOf(audit);
  }

  /** An outcome without audit rows. */
  public ApplyOutcome(ApplyResult result, long revision, List<Event> events) {
    this(result, revision, events, List.of());
  }
}
