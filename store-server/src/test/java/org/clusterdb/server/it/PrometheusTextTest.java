package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  @Test
  void readsFamiliesLabelsEscapesAndSpecialValues() {
    PrometheusText t =
        PrometheusText.parse(
            """
            # HELP requests_seconds Requests
            # TYPE requests_seconds histogram
            requests_seconds_bucket{op="put",le="+Inf"} 3
            requests_seconds_count{op="put"} 3
            requests_seconds_sum{op="put"} 0.25
            # TYPE lag gauge
            lag{peer="p\\\\2\\"x\\n"} NaN
            # TYPE changes_total counter
            changes_total 1.0E2 1700000000000
            """);

    assertThat(t.types()).containsEntry("requests_seconds", "histogram");
    assertThat(t.sum("requests_seconds_count", Map.of("op", "put"))).isEqualTo(3);
    assertThat(t.samples().get(3).labels()).containsEntry("peer", "p\\2\"x\n");
    assertThat(t.samples().get(3).value()).isNaN();
    assertThat(t.sum("changes_total", Map.of())).isEqualTo(100);
  }

  @Test
  void refusesWhatPrometheusWouldNotRead() {
    for (String bad :
        new String[] {
          "up 1\n",
          "# TYPE up gauge\nup{a=\"1\"} one\n",
          "# TYPE up gauge\nup{a=1} 1\n",
          "# TYPE up gauge\nup{a=\"1\",a=\"2\"} 1\n",
          "# TYPE up gauge\nup 1\nup 2\n",
          "# TYPE up gauge\nup{a=\"\\x\"} 1\n",
          "# TYPE up gauge\nup 1",
          "# TYPE up gauge\n\nup 1\n",
          "# TYPE up gauge\n# TYPE up counter\n",
          "# TYPE h histogram\nh 1\n",
          "# TYPE 9up gauge\n",
        }) {
      assertThatThrownBy(() -> PrometheusText.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("line ");
    }
  }
}
