package org.clusterdb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the report says about where it ran. */
final class Machine {
  private Machine() {}

  static Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("date", Instant.now().toString());
    m.put("cpu", cpu() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
    m.put("memory", memory());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("clusterdb", command(List.of("git", "rev-parse", "--short", "HEAD")));
    m.put("etcd", command(List.of("/usr/bin/etcd", "--version")).lines().findFirst().orElse("n/a"));
    m.put("zookeeper", org.apache.zookeeper.Version.getFullVersion());
    return m;
  }

  private static String cpu() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown cpu");
    } catch (IOException e) {
      return "unknown cpu";
    }
  }

  private static String memory() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(l -> l.startsWith("MemTotal"))
          .map(l -> l.replaceAll("\\s+", " "))
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String command(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return "n/a";
      }
      return out;
    } catch (IOException e) {
      return "n/a";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "n/a";
    }
  }
}
