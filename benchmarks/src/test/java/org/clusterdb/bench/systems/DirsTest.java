package org.clusterdb.bench.systems;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirsTest {
  @TempDir Path tmp;

  @Test
  void copyLogsKeepsTheNodeLogsAtTheirRelativePathsButNotTheDataFiles() throws Exception {
    Path work = tmp.resolve("work");
    Files.createDirectories(work.resolve("p1/data"));
    Files.writeString(work.resolve("p1/server.log"), "one");
    Files.createDirectories(work.resolve("p1/data/state"));
    Files.writeString(work.resolve("p1/data/state/000031.log"), "a write-ahead file");
    Files.createDirectories(work.resolve("p2"));
    Files.writeString(work.resolve("p2/server.log"), "two");

    int copied = Dirs.copyLogs(work, tmp.resolve("kept"));

    assertThat(copied).isEqualTo(2);
    assertThat(Files.readString(tmp.resolve("kept/p1/server.log"))).isEqualTo("one");
    assertThat(Files.readString(tmp.resolve("kept/p2/server.log"))).isEqualTo("two");
    assertThat(tmp.resolve("kept/p1/data")).doesNotExist();
  }

  @Test
  void copyLogsOfAMissingDirectoryCopiesNothing() {
    assertThat(Dirs.copyLogs(tmp.resolve("absent"), tmp.resolve("kept"))).isZero();
    assertThat(tmp.resolve("kept")).doesNotExist();
  }
}
