package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clusterdb.core.MiniCluster;
import org.clusterdb.core.security.KeyType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The status page of a real three-process cluster in headless Chromium (Debian's {@code chromium}
 * and {@code chromium-driver}, which {@code .ci/run} installs): the clustering settings and every
 * peer with its certificate and clustering status; a killed peer shows as Failed with the cluster
 * communication alarm, then Active again once it is back, all without reloading the page.
 */
@Timeout(240)
class StatusPageIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private static final List<String> NAMES =
      List.of("expc01.it.clusterdb", "expc02.it.clusterdb", "expc03.it.clusterdb");
  private static final List<String> IPS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");

  @TempDir Path dir;

  private WebDriver browser;

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void aKilledPeerShowsAsFailedThenActiveAgainWithoutAReload() throws Exception {
    assertThat(CHROMIUM).as("Debian package chromium (.ci/run installs it)").exists();
    assertThat(CHROMEDRIVER).as("Debian package chromium-driver (.ci/run installs it)").exists();
    List<Integer> httpPorts = MiniCluster.freePorts(3);
    PeerCertificates certs = PeerCertificates.create(dir.resolve("certs"));
    Map<String, String> mappings = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      mappings.put(NAMES.get(i), IPS.get(i));
    }
    try (ServerProcesses cluster =
        ServerProcesses.prepare(
            NAMES,
            dir,
            (i, b) ->
                b.addressMapping(true)
                    .mappings(mappings)
                    .httpPort(httpPorts.get(i))
                    .httpBindHost(IPS.get(i))
                    // Peer 3's certificate names another host: the page must flag it.
                    .tls(certs.issue(i, i == 2 ? "wrong.example.com" : NAMES.get(i), KeyType.EC))
                    .healthCheckInterval(Duration.ofMillis(300))
                    .peerFailureTimeout(Duration.ofSeconds(2)))) {
      for (int i = 0; i < 3; i++) {
        cluster.restart(i);
      }
      String page = "http://127.0.0.1:" + httpPorts.get(0) + "/";
      HttpClient http = HttpClient.newHttpClient();
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () ->
                  http.send(
                              HttpRequest.newBuilder(URI.create(page + "health")).build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      == 200);
      browser = chromium();
      browser.get(page);

      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(clustering(1)).isEqualTo("Clustering: This system");
                assertThat(clustering(2))
                    .isEqualTo(
                        "Clustering: Active as p2 (Resolved 'expc02.it.clusterdb' as '127.0.0.2')");
                assertThat(clustering(3)).startsWith("Clustering: Active as p3");
                assertThat(database()).isEqualTo("Active");
              });
      assertThat(text("cluster-name")).isEqualTo("it.clusterdb");
      assertThat(text("primary")).isEqualTo("Peer 1 (p1)");
      assertThat(text("tls-mode")).isEqualTo("Permissive");
      assertThat(text("ip-version")).isEqualTo("IPv4");
      assertThat(text("address-mapping")).isEqualTo("On");
      assertThat(text("mappings"))
          .contains("expc01.it.clusterdb \u2192 127.0.0.1", "expc03.it.clusterdb \u2192 127.0.0.3");
      assertThat(address(2)).isEqualTo(cluster.peer(1).peerAddress().address());
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(certificate(1)).isEqualTo("Certificate: Valid");
                assertThat(certificate(2)).isEqualTo("Certificate: Valid");
                assertThat(certificate(3)).startsWith("Certificate: Invalid (");
              });
      assertThat(checkClass(2, "certificate")).contains("good");
      assertThat(checkClass(3, "certificate")).contains("bad");
      assertThat(checkClass(2, "clustering")).contains("good");
      // The page is never reloaded from here on: what changes, it fetches by itself.
      markPage();

      cluster.kill(2);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(clustering(3)).isEqualTo("Clustering: Failed");
                assertThat(checkClass(3, "clustering")).contains("bad");
                assertThat(state(3)).isEqualTo("FAILED");
                assertThat(activeAlarms()).contains("20004");
              });
      assertThat(clustering(2)).startsWith("Clustering: Active as p2");

      cluster.restart(2);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(clustering(3)).startsWith("Clustering: Active as p3");
                assertThat(activeAlarms()).doesNotContain("20004");
                assertThat(database()).isEqualTo("Active");
              });
      assertThat(pageMarked()).as("the same page, never reloaded").isTrue();

      // The page says so when its own peer stops answering, and keeps what it last saw.
      cluster.kill(0);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(text("banner")).startsWith("This peer is not answering"));
      assertThat(clustering(1)).isEqualTo("Clustering: This system");
    }
  }

  private WebDriver chromium() throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        // Root in a container has no usable sandbox; the page is our own.
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,1024",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")),
        // Loopback only: every host name fails to resolve and the background services are off.
        // Under strace, the browser's only other sockets were the UDP connects with which it
        // probes for a route, which send nothing.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--no-first-run",
        "--no-pings");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(new File(dir.resolve("chromedriver.log").toString()))
            .build();
    return new ChromeDriver(service, options);
  }

  // Reads go through one script each: the page redraws every second, so an element found by one
  // call may be gone by the next.
  private Object script(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private String peerCheck(int peer, String check, String property) {
    return (String)
        script(
            "return document.querySelector(\"#peers tr[data-peer='"
                + peer
                + "'] "
                + check
                + "\")."
                + property
                + ";");
  }

  private String clustering(int peer) {
    return peerCheck(peer, ".clustering", "textContent");
  }

  private String certificate(int peer) {
    return peerCheck(peer, ".certificate", "textContent");
  }

  private String checkClass(int peer, String check) {
    return peerCheck(peer, "." + check, "className");
  }

  private String address(int peer) {
    return peerCheck(peer, ".address", "textContent");
  }

  private String state(int peer) {
    return (String)
        script(
            "return document.querySelector(\"#peers tr[data-peer='"
                + peer
                + "']\").dataset.state;");
  }

  private String database() {
    return text("database");
  }

  private String text(String id) {
    return (String) script("return document.getElementById('" + id + "').textContent;");
  }

  @SuppressWarnings("unchecked")
  private List<String> activeAlarms() {
    return (List<String>)
        script(
            "return Array.from(document.querySelectorAll('#alarms tr[data-alarm]'))"
                + ".map(r => r.dataset.alarm);");
  }

  private void markPage() {
    script("window.clusterdbTestMark = true;");
  }

  private boolean pageMarked() {
    return Boolean.TRUE.equals(script("return window.clusterdbTestMark === true;"));
  }
}
