package org.clusterdb.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class ClientConfigTest {

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.1:2379", "peer-1.example.com:4372", "[::1]:4372", "h:65535"})
  void acceptsHostPort(String endpoint) {
    ClientConfig c = ClusterDbClient.builder().endpoints(endpoint).config();

    assertThat(c.endpoints()).containsExactly(endpoint);
    assertThat(c.requestTimeout()).isEqualTo(ClientConfig.DEFAULT_REQUEST_TIMEOUT);
    assertThat(c.attemptTimeout()).isEqualTo(ClientConfig.DEFAULT_ATTEMPT_TIMEOUT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"nohost", "h:0", "h:65536", ":4372", "h:", "h:12x", "a b:1", "::1:4372"})
  void rejectsABadEndpointNamingItsField(String bad) {
    assertThatThrownBy(() -> ClusterDbClient.builder().endpoints("ok:1", bad).build())
        .isInstanceOfSatisfying(
            ClusterDbException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.field()).contains("endpoints[1]");
              assertThat(e.definite()).isTrue();
            });
  }

  @Test
  void reportsEveryProblemAtOnce() {
    ClientConfig c =
        new ClientConfig(
            List.of("a:1", "a:1", "bad"),
            Duration.ZERO,
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(1));

    assertThat(c.problems())
        .containsExactly(
            "endpoints[1]: duplicate endpoint a:1",
            "endpoints[2]: must be host:port, was 'bad'",
            "requestTimeout: must be a positive duration",
            "backoffMax: must not be less than backoffInitial");
    assertThatThrownBy(c::validate)
        .isInstanceOfSatisfying(
            ClusterDbException.class, e -> assertThat(e.field()).contains("endpoints[1]"));
  }

  @Test
  void requiresAnEndpoint() {
    assertThatThrownBy(() -> ClusterDbClient.builder().build())
        .isInstanceOfSatisfying(
            ClusterDbException.class, e -> assertThat(e.field()).contains("endpoints"));
  }
}
