package org.clusterdb.core.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.PrimaryUnavailableException;
import org.clusterdb.proto.log.v1.Failure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A refusal survives Ratis's way of shipping exceptions: class name plus message only. */
@Timeout(10)
class RejectedCommandTest {

  /** What Ratis's client does with a state machine exception it receives. */
  private static RejectedCommand shipped(RejectedCommand sent) throws Exception {
    return RejectedCommand.class.getConstructor(String.class).newInstance(sent.getMessage());
  }

  @Test
  void aValidationRefusalArrivesTypedWithItsField() throws Exception {
    Failure f =
        Failure.newBuilder()
            .setCode(ErrorCode.LIMIT_EXCEEDED.number())
            .setField("txn.success[0].put.value")
            .setMessage("txn.success[0].put.value: too large")
            .build();
    ClusterDbException e =
        RatisErrors.map(
            new StateMachineException((RaftGroupMemberId) null, shipped(RejectedCommand.of(f))),
            true);
    assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
    assertThat(e.definite()).isTrue();
    assertThat(e.field()).contains("txn.success[0].put.value");
  }

  @Test
  void aPrimaryRefusalNamesThePrimary() throws Exception {
    Failure f =
        Failure.newBuilder()
            .setCode(ErrorCode.PRIMARY_UNAVAILABLE.number())
            .setPrimaryId("p1")
            .setMessage("read-only")
            .build();
    ClusterDbException e =
        RatisErrors.map(
            new StateMachineException((RaftGroupMemberId) null, shipped(RejectedCommand.of(f))),
            true);
    assertThat(e).isInstanceOf(PrimaryUnavailableException.class);
    assertThat(((PrimaryUnavailableException) e).primaryId()).isEqualTo("p1");
  }

  @Test
  void aMessageThatIsNotARefusalBecomesInternal() {
    assertThat(new RejectedCommand("not base64 !").failure().getCode())
        .isEqualTo(ErrorCode.INTERNAL.number());
  }
}
