package org.clusterdb.core.ratis;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.util.Base64;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.proto.log.v1.Failure;

/**
 * Carries a typed refusal from {@code startTransaction} back to the proposer. Ratis sends such an
 * exception as its class name and message and rebuilds it through a public {@code (String)}
 * constructor, so the message is the refusal itself, encoded; it is never shown to people.
 */
public final class RejectedCommand extends IOException {
  private static final long serialVersionUID = 1L;

  /** For Ratis's reflection only: {@code encoded} is what {@link #of} wrote. */
  public RejectedCommand(String encoded) {
    super(encoded);
  }

  static RejectedCommand of(Failure failure) {
    return new RejectedCommand(Base64.getEncoder().encodeToString(failure.toByteArray()));
  }

  /** The refusal; an INTERNAL failure if the message is not one this class wrote. */
  Failure failure() {
    try {
      return Failure.parseFrom(Base64.getDecoder().decode(getMessage()));
    } catch (IllegalArgumentException | InvalidProtocolBufferException | NullPointerException e) {
      return Failure.newBuilder()
          .setCode(ErrorCode.INTERNAL.number())
          .setMessage("undecodable refusal from the leader")
          .build();
    }
  }
}
