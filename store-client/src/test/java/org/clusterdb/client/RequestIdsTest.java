package org.clusterdb.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.clusterdb.api.Bytes;
import org.clusterdb.api.RequestId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RequestIdsTest {

  @Test
  void ackedBelowIsTheSmallestSeqStillOutstanding() {
    RequestIds ids = new RequestIds(Bytes.of("client"));

    RequestId one = ids.next();
    RequestId two = ids.next();
    ids.done(two.seq());
    RequestId three = ids.next();
    ids.done(one.seq());
    RequestId four = ids.next();

    assertThat(one.seq()).isEqualTo(1);
    assertThat(one.ackedBelow()).isEqualTo(1);
    assertThat(two.ackedBelow()).isEqualTo(1);
    assertThat(three.seq()).isEqualTo(3);
    assertThat(three.ackedBelow()).isEqualTo(1);
    assertThat(four.ackedBelow()).isEqualTo(3);
    assertThat(four.clientId()).isEqualTo(Bytes.of("client"));
  }

  @Test
  void everyInstanceHasItsOwnSixteenByteClientId() {
    Bytes a = RequestIds.random().clientId();
    Bytes b = RequestIds.random().clientId();

    assertThat(a.size()).isEqualTo(16);
    assertThat(a).isNotEqualTo(b);
  }
}
