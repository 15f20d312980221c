package org.clusterdb.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.clusterdb.chaos.workload.CombinedWorkload;
import org.clusterdb.chaos.workload.LeaseWorkload;
import org.junit.jupiter.api.Test;

class WorkerTest {
  @Test
  void everyWorkloadNameMakesThatWorkload() {
    for (String name : RunOptions.WORKLOADS) {
      assertThat(Worker.workload(name).name()).isEqualTo(name);
    }
    assertThat(Worker.workload("lease")).isInstanceOf(LeaseWorkload.class);
  }

  @Test
  void namesJoinedByPlusMakeOneCombinedWorkload() {
    var w = Worker.workload("primary+lease");

    assertThat(w).isInstanceOf(CombinedWorkload.class);
    assertThat(w.name()).isEqualTo("primary+lease");
    assertThat(w.needsPrimaryIsolation()).isTrue();
    assertThat(Worker.workload("register+lease").needsPrimaryIsolation()).isFalse();
  }

  @Test
  void anUnknownNameIsRejected() {
    assertThatIllegalArgumentException().isThrownBy(() -> Worker.workload("register+bank"));
  }
}
