package org.clusterdb.bench.systems;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.clusterdb.bench.Driver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real three-member etcd cluster through its whole life in the harness. */
class EtcdSystemIT {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdSystemIT.class);

  private static final Duration CALL = Duration.ofSeconds(10);
  private static final Duration RECOVERY = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  void startsServesFailsOverResyncsAndCleansUp() throws Exception {
    Path dir = tmp.resolve("etcd");
    EtcdSystem etcd = new EtcdSystem(dir);
    List<NodeProcess> processes;
    try {
      etcd.start();
      assertThat(etcd.name()).isEqualTo("etcd");
      try (Driver d = etcd.driver()) {
        Map<String, byte[]> written = SystemScenarios.writeAndReadBack(d);
        SystemScenarios.watchSeesWrite(d);
        SystemScenarios.failOver(etcd, d);
        SystemScenarios.wipeAndResync(etcd, d, written);
      }
      processes = etcd.processes();
    } finally {
      etcd.close();
    }
    etcd.close();

    assertThat(dir).doesNotExist();
    // Three members, and the one that replaced the wiped member.
    assertThat(processes).hasSize(4).noneMatch(NodeProcess::isAlive);
  }
}
