package org.clusterdb.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The class-data-sharing archive the build writes next to the runnable jar ({@code clusterdb.jsa}
 * beside {@code clusterdb.jar}): the classes a server loads, parsed and verified ahead of time, so
 * that a server process starts serving in about 1.8 s instead of 3 s on a 2-core machine. A JVM
 * started with it checks that the archive matches its JDK and jar, and ignores it otherwise.
 */
public final class ClassArchive {
  private ClassArchive() {}

  /** Where the build writes the archive for {@code jar}. */
  public static Path of(Path jar) {
    String name = jar.getFileName().toString();
    String base = name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name;
    return jar.resolveSibling(base + ".jsa");
  }

  /**
   * The JVM options that start {@code jar} from its archive; none when the archive is missing or
   * older than the jar (a jar rebuilt without one). A mismatch found by the JVM is not reported:
   * the command's own output must stay clean.
   */
  public static List<String> jvmOptions(Path jar) {
    Path archive = of(jar);
    try {
      if (!Files.isRegularFile(archive)
          || Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) < 0) {
        return List.of();
      }
    } catch (IOException e) {
      return List.of();
    }
    return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
  }

  /**
   * {@code java maxHeap [archive options] -jar jar args}: the jar run as {@code bin/clusterdb} runs
   * it, from its archive when there is one.
   */
  public static List<String> command(String java, String maxHeap, Path jar, List<String> args) {
    List<String> command = new ArrayList<>(List.of(java, maxHeap));
    command.addAll(jvmOptions(jar));
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(args);
    return command;
  }
}
