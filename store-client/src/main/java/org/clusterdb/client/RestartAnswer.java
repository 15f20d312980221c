package org.clusterdb.client;

import java.time.Instant;
import java.util.Objects;

/**
 * A member's answer to a restart request.
 *
 * @param memberId the member asked
 * @param startedAt when the database the request found started: a restart ends it, and the member's
 *     {@link org.clusterdb.api.MemberStatus#startedAt()} is later once it is back
 * @param restarting false when the request named an earlier start: the restart already happened
 */
public record RestartAnswer(String memberId, Instant startedAt, boolean restarting) {
  public RestartAnswer {
    Objects.requireNonNull(memberId, "memberId");
    Objects.requireNonNull(startedAt, "startedAt");
  }
}
