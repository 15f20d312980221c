package org.clusterdb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunOptionsTest {
  private static RunOptions options(Duration systemWarmup, Duration warmup) {
    return new RunOptions(
        List.of("clusterdb"),
        List.of(Workload.WRITE_1),
        1,
        systemWarmup,
        warmup,
        Duration.ofSeconds(1),
        Path.of("results"),
        false);
  }

  @Test
  void aNegativeSystemWarmUpIsRefusedNamingItsOption() {
    assertThatThrownBy(() -> options(Duration.ofSeconds(-1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--system-warmup");
  }

  @Test
  void noSystemWarmUpIsAllowed() {
    assertThat(options(Duration.ZERO, Duration.ZERO).systemWarmup()).isZero();
  }
}
