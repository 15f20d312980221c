package org.clusterdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassArchiveTest {
  @TempDir Path dir;

  @Test
  void theArchiveSitsBesideTheJarUnderTheJarsName() {
    assertThat(ClassArchive.of(dir.resolve("clusterdb.jar")))
        .isEqualTo(dir.resolve("clusterdb.jsa"));
  }

  /** A jar and an archive, modified at the given seconds. */
  private Path jarAndArchive(int jarSecond, int archiveSecond) throws Exception {
    Path jar = Files.writeString(dir.resolve("clusterdb.jar"), "jar");
    Path archive = Files.writeString(dir.resolve("clusterdb.jsa"), "archive");
    Instant base = Instant.parse("2026-01-01T00:00:00Z");
    Files.setLastModifiedTime(jar, FileTime.from(base.plusSeconds(jarSecond)));
    Files.setLastModifiedTime(archive, FileTime.from(base.plusSeconds(archiveSecond)));
    return jar;
  }

  @Test
  void anArchiveNewerThanTheJarIsUsedWithItsMismatchWarningsOff() throws Exception {
    Path jar = jarAndArchive(0, 10);
    Path archive = dir.resolve("clusterdb.jsa");

    assertThat(ClassArchive.jvmOptions(jar))
        .containsExactly(
            "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
  }

  @Test
  void anArchiveOlderThanTheJarIsNotUsed() throws Exception {
    Path jar = jarAndArchive(10, 0);

    assertThat(ClassArchive.jvmOptions(jar)).isEmpty();
  }

  @Test
  void noArchiveMeansNoOptions() throws Exception {
    Path jar = Files.writeString(dir.resolve("clusterdb.jar"), "jar");
    assertThat(ClassArchive.jvmOptions(jar)).isEmpty();
  }

  @Test
  void theCommandRunsTheJarWithItsArchiveOptionsBeforeTheArguments() throws Exception {
    Path jar = jarAndArchive(0, 10);

    assertThat(ClassArchive.command("java", "-Xmx1g", jar, java.util.List.of("server", "-h")))
        .containsExactly(
            "java",
            "-Xmx1g",
            "-XX:SharedArchiveFile=" + dir.resolve("clusterdb.jsa"),
            "-Xlog:cds=off",
            "-Xlog:cds+dynamic=off",
            "-jar",
            jar.toString(),
            "server",
            "-h");
  }
}
