package org.clusterdb.core.fsm;

import java.util.List;
import org.clusterdb.proto.log.v1.ApplyResult;
import org.clusterdb.proto.log.v1.Event;

/**
 * What applying one command produced.
 *
 * @param result the reply for the proposer
 * @param revision the store revision after the command
 * @param events the changes the command made, in order; empty when it changed no row
 */
public record ApplyOutcome(ApplyResult result, long revision, List<Event> events) {
  public ApplyOutcome {
    events = List.copyOf(events);
  }
}
