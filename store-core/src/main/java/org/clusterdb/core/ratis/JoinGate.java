package org.clusterdb.core.ratis;

import java.util.Optional;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.proto.log.v1.Failure;
import org.clusterdb.proto.log.v1.JoinRequest;

/** Admits or refuses a peer's join request on the leader, before it is appended. */
@FunctionalInterface
public interface JoinGate {
  /** Refuses every request: the member is still starting. */
  JoinGate CLOSED =
      request ->
          Optional.of(
              Failure.newBuilder()
                  .setCode(ErrorCode.NO_LEADER.number())
                  .setMessage("the leader is still starting; try again")
                  .build());

  /** Empty to admit the request, else why not. */
  Optional<Failure> check(JoinRequest request);
}
