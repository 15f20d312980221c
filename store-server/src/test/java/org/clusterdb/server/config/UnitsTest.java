package org.clusterdb.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The file's notation for durations, sizes and counts, both ways. */
@Timeout(30)
class UnitsTest {
  @ParameterizedTest
  @CsvSource({
    "500ms, 500",
    "10s, 10000",
    "2m, 120000",
    "1h, 3600000",
    "0s, 0",
    "1_500ms, 1500",
    "' 3s ', 3000",
    "-1s, -1000"
  })
  void parsesDurations(String text, long millis) {
    assertThat(Units.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource({
    "10, missing unit",
    "1.5s, whole numbers only",
    "10 sec, unknown unit 'sec'",
    "10S, unknown unit 'S'",
    "PT10S, expected a duration",
    "9999999999999999999h, too long a duration",
    "99999999999999999h, too long a duration"
  })
  void rejectsBadDurations(String text, String message) {
    assertThatThrownBy(() -> Units.parseDuration(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource({
    "4096, 4096",
    "4096B, 4096",
    "64KiB, 65536",
    "8MiB, 8388608",
    "8 MiB, 8388608",
    "1GiB, 1073741824",
    "1TiB, 1099511627776",
    "2mib, 2097152",
    "1_000, 1000"
  })
  void parsesSizes(String text, long bytes) {
    assertThat(Units.parseSize(text, 0, Long.MAX_VALUE)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @CsvSource({
    "1MB, 'MB' is ambiguous",
    "1KB, 'KB' is ambiguous",
    "1kb, 'kb' is ambiguous",
    "1G, 'G' is ambiguous",
    "1.5MiB, whole numbers only",
    "1 PiB, unknown unit 'PiB'",
    "lots, expected a size",
    "9999999TiB, too large",
    "-1, too small"
  })
  void rejectsBadSizes(String text, String message) {
    assertThatThrownBy(() -> Units.parseSize(text, 0, Long.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void intSizesStopAtTheIntRange() {
    assertThat(Units.parseSize("2147483647", 0, Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    assertThatThrownBy(() -> Units.parseSize("2GiB", 0, Integer.MAX_VALUE))
        .hasMessage("too large: at most 2147483647 bytes");
  }

  @Test
  void countsAreWholeNumbersWithoutUnits() {
    assertThat(Units.parseCount("10_000", 0, Long.MAX_VALUE)).isEqualTo(10_000);
    assertThatThrownBy(() -> Units.parseCount("10k", 0, Long.MAX_VALUE))
        .hasMessage("expected a whole number, got '10k'");
    assertThatThrownBy(() -> Units.parseCount("0x10", 0, Long.MAX_VALUE))
        .hasMessage("expected a whole number, got '0x10'");
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0s",
    "1, 1ms",
    "1500, 1500ms",
    "2000, 2s",
    "90000, 90s",
    "120000, 2m",
    "7200000, 2h",
    "-3000, -3s"
  })
  void formatsDurationsInTheLargestExactUnit(long millis, String text) {
    assertThat(Units.formatDuration(Duration.ofMillis(millis))).isEqualTo(text);
    assertThat(Units.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "1000, 1000",
    "4096, 4KiB",
    "1536, 1536",
    "8388608, 8MiB",
    "1073741824, 1GiB",
    "3298534883328, 3TiB"
  })
  void formatsSizesInTheLargestExactUnit(long bytes, String text) {
    assertThat(Units.formatSize(bytes)).isEqualTo(text);
    assertThat(Units.parseSize(text, 0, Long.MAX_VALUE)).isEqualTo(bytes);
  }
}
