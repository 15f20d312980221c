package org.clusterdb.core.audit;

import org.clusterdb.proto.log.v1.AuditContext;

/** Builds the audit context a member attaches to a command it proposes. */
public final class AuditContexts {
  private AuditContexts() {}

  /** {@code origin} as received by {@code memberId} at {@code millis} (wall clock). */
  public static AuditContext of(Origin origin, String memberId, long millis) {
    return AuditContext.newBuilder()
        .setUser(origin.user())
        .setSourceIp(origin.address())
        .setSourcePort(origin.port())
        .setTimeMillis(millis)
        .setMemberId(memberId)
        .build();
  }
}
