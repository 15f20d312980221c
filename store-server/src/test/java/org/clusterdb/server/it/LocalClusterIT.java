package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job: bin/clusterdb local-cluster starts, serves, reports, and stops it all. */
@Timeout(240)
class LocalClusterIT {
  private static final Pattern STARTED = Pattern.compile("started (p\\d) pid=(\\d+) ");

  private static final Pattern HTTP = Pattern.compile(" http=(http://[^ ]+) ");

  @TempDir Path dir;

  @Test
  void localClusterReachesReadyPrintsStatusAndStopsEveryProcess() throws Exception {
    int base = freeBase();
    Path script = Path.of(System.getProperty("clusterdb.home"), "bin", "clusterdb");
    ProcessBuilder pb =
        new ProcessBuilder(
            script.toString(),
            "local-cluster",
            "--peers",
            "3",
            "--dir",
            dir.resolve("lc").toString(),
            "--base-port",
            Integer.toString(base));
    pb.environment().put("CLUSTERDB_JAR", ServerProcesses.jar().toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (java.io.IOException ignored) {
                // the process ended
              }
            });
    reader.start();
    List<Long> pids = new ArrayList<>();
    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () ->
                  lines.stream().anyMatch(l -> l.contains("System > Clustering")) || !p.isAlive());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> lines.stream().filter(l -> l.matches("^[1-3]\\s+p[1-3]\\s.*")).count() == 3);
      assertThat(p.isAlive()).as(String.join("\n", lines)).isTrue();
      for (String line : lines) {
        Matcher m = STARTED.matcher(line);
        if (m.find()) {
          pids.add(Long.parseLong(m.group(2)));
        }
      }
      assertThat(pids).hasSize(3);
      // Each peer's status page, as printed, is served, and so is its liveness probe.
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      List<String> urls = new ArrayList<>();
      for (String line : lines) {
        Matcher m = HTTP.matcher(line);
        if (m.find()) {
          urls.add(m.group(1));
        }
      }
      assertThat(urls).hasSize(3);
      for (String url : urls) {
        assertThat(url).endsWith("/");
        for (String path : List.of("", "health")) {
          assertThat(
                  http.send(
                          java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + path))
                              .build(),
                          java.net.http.HttpResponse.BodyHandlers.ofString())
                      .statusCode())
              .as(url + path)
              .isEqualTo(200);
        }
      }
      assertThat(lines).anyMatch(l -> l.contains("cluster ready"));
      assertThat(lines).anyMatch(l -> l.matches("^1\\s+p1\\s.*This system.*"));
      assertThat(lines.stream().filter(l -> l.matches("^[23]\\s+p[23]\\s.*\\sActive as p[23] .*")))
          .hasSize(2);
      assertThat(lines).anyMatch(l -> l.startsWith("Cluster database: Active"));
      for (long pid : pids) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
      }

      // Kill one peer: the status loop reports the change.
      ProcessHandle.of(pids.get(2)).orElseThrow().destroyForcibly();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> lines.stream().anyMatch(l -> l.contains("p3: Failed")));

      // Ctrl-C / SIGTERM stops local-cluster and every process it started. Through the handle:
      // Process.destroy() would also close our end of its output.
      p.toHandle().destroy();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      for (long pid : pids) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
      }
      // Everything printed is in once the output reaches end-of-file.
      reader.join(10_000);
      assertThat(lines.stream().filter(l -> l.startsWith("stopped pid=")))
          .as(String.join("\n", lines))
          .hasSize(3);
    } finally {
      p.destroyForcibly();
      for (long pid : pids) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      reader.join(5000);
    }
  }

  /** A base port whose peer, client and HTTP ports (base+1..3, +101..103, +201..203) are free. */
  private static int freeBase() {
    Random random = new Random();
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20000 + random.nextInt(20000);
      boolean free = true;
      for (int i = 1; i <= 3 && free; i++) {
        free = isFree(base + i) && isFree(base + 100 + i) && isFree(base + 200 + i);
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no free port range");
  }

  private static boolean isFree(int port) {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
