package org.clusterdb.bench.systems;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.clusterdb.bench.Driver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real clusterdb server processes through their whole life in the harness. */
class ClusterDbSystemIT {
  @TempDir Path tmp;

  @Test
  void startsServesFailsOverResyncsAndCleansUp() throws Exception {
    Path dir = tmp.resolve("clusterdb");
    ClusterDbSystem system = new ClusterDbSystem(dir, ClusterDbSystem.jarFromProperty());
    try {
      system.start();
      assertThat(system.name()).isEqualTo("clusterdb");
      try (Driver d = system.driver()) {
        Map<String, byte[]> written = SystemScenarios.writeAndReadBack(d);
        String first = written.keySet().iterator().next();
        // A LOCAL read answers from the replica the client talks to, with the value written.
        Object local = d.localRead(first).get(10, TimeUnit.SECONDS);
        assertThat((Optional<?>) local).isPresent();
        SystemScenarios.watchSeesWrite(d);
        SystemScenarios.failOver(system, d);
        SystemScenarios.wipeAndResync(system, d, written);
        assertThat(Arrays.equals(SystemScenarios.read(d, first), written.get(first))).isTrue();
      }
    } finally {
      system.close();
    }
    system.close();
    assertThat(dir).doesNotExist();
  }
}
