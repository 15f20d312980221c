package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every CLI command against three server processes: happy paths, usage errors, exit codes. */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {
  @TempDir static Path dir;
  ServerProcesses cluster;
  String endpoints;

  @BeforeAll
  void start() throws Exception {
    cluster = ServerProcesses.start(3, dir.resolve("cluster"));
    cluster.awaitLeader();
    endpoints = String.join(",", cluster.endpoints());
    assertThat(cli("table", "create", "zones").exit()).isZero();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private Cli cli(String... args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    if (!args[0].equals("server") && !args[0].equals("--help") && !args[0].equals("help")) {
      all.add("--endpoints=" + endpoints);
    }
    return Cli.run(all.toArray(String[]::new));
  }

  @Test
  void putGetScanDelRoundTrip() throws Exception {
    Cli put = cli("put", "zones", "edge", "traversal");
    assertThat(put.exit()).isZero();
    assertThat(put.out()).startsWith("OK revision=");

    Cli get = cli("get", "zones", "edge");
    assertThat(get.exit()).isZero();
    assertThat(get.out().trim()).isEqualTo("traversal");

    cli("put", "zones", "edge2", "x");
    Cli scan = cli("scan", "zones", "--prefix", "edge");
    assertThat(scan.exit()).isZero();
    assertThat(scan.out()).contains("edge = traversal", "edge2 = x");

    Cli json = cli("get", "zones", "edge", "--json");
    assertThat(json.exit()).isZero();
    assertThat(json.out()).contains("\"kvs\"", "\"header\"");

    Cli del = cli("del", "zones", "edge", "--prefix");
    assertThat(del.exit()).isZero();
    assertThat(del.out()).startsWith("deleted 2");

    Cli missing = cli("get", "zones", "edge");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("not found");
  }

  @Test
  void txnAppliesTheBranchItsComparesChoose() throws Exception {
    Cli first =
        cli(
            "txn",
            "--if",
            "zones lock version = 0",
            "--then",
            "put zones lock me",
            "--else",
            "get zones lock");
    assertThat(first.exit()).isZero();
    assertThat(first.out()).startsWith("SUCCESS");
    Cli second =
        cli(
            "txn",
            "--if",
            "zones lock version = 0",
            "--then",
            "put zones lock you",
            "--else",
            "get zones lock");
    assertThat(second.exit()).isZero();
    assertThat(second.out()).startsWith("FAILURE").contains("lock = me");
  }

  @Test
  void watchPrintsChangesAsTheyCommit() throws Exception {
    Process watch =
        ServerProcesses.cli(
                "watch", "zones", "--prefix", "w/", "--count", "2", "--endpoints=" + endpoints)
            .start();
    try {
      // Writes are retried until the watch, which may still be starting, has seen two of them.
      for (int i = 0; i < 40 && watch.isAlive(); i++) {
        cli("put", "zones", "w/" + i, "v" + i);
        watch.waitFor(500, TimeUnit.MILLISECONDS);
      }
      assertThat(watch.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String out = new String(watch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(watch.exitValue()).isZero();
      assertThat(out.lines().filter(l -> l.startsWith("PUT zones w/")).count()).isEqualTo(2);
    } finally {
      watch.destroyForcibly();
    }
  }

  @Test
  void tablesXstatusAndSnapshot() throws Exception {
    assertThat(cli("table", "create", "local", "--scope", "PEER").exit()).isZero();
    Cli list = cli("table", "list");
    assertThat(list.out()).contains("zones\tcluster");
    Cli status = cli("xstatus");
    assertThat(status.exit()).isZero();
    assertThat(status.out()).contains("This system", "Active").contains("p1", "p2", "p3");
    Cli snapshot = cli("snapshot");
    assertThat(snapshot.exit()).isZero();
    assertThat(snapshot.out()).startsWith("snapshot at index");
    assertThat(cli("table", "drop", "local").exit()).isZero();
  }

  @Test
  void operationFailuresExitOneWithTheTypedError() throws Exception {
    Cli unknown = cli("put", "nope", "k", "v");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("UNKNOWN_TABLE");
    Cli empty = cli("put", "zones", "", "v");
    assertThat(empty.exit()).isEqualTo(1);
    assertThat(empty.err()).contains("INVALID_ARGUMENT", "key");
  }

  @Test
  void usageErrorsExitTwo() throws Exception {
    assertThat(cli("frobnicate").exit()).isEqualTo(2);
    assertThat(cli("put", "zones", "only-a-key").exit()).isEqualTo(2);
    assertThat(cli("get", "zones", "k", "--timeout", "soon").exit()).isEqualTo(2);
    Cli badCompare = cli("txn", "--if", "zones k colour = red", "--then", "put zones k v");
    assertThat(badCompare.exit()).isEqualTo(2);
    assertThat(badCompare.err()).contains("target must be");
    assertThat(cli("scan", "zones", "--prefix", "a", "--from", "b").exit()).isEqualTo(2);
    Cli help = Cli.run("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("server", "local-cluster", "put", "xstatus");
    for (String command :
        List.of(
            "server",
            "local-cluster",
            "put",
            "get",
            "del",
            "scan",
            "txn",
            "watch",
            "xstatus",
            "primary",
            "table",
            "snapshot")) {
      Cli h = Cli.run(command, "--help");
      assertThat(h.exit()).as(command + " --help").isZero();
      assertThat(h.out()).as(command + " --help").contains("Usage:");
    }
  }

  @Test
  void badConfigFilesExitTwoNamingTheFieldAndLine() throws Exception {
    String peers =
        "cluster:\n"
            + "  name: bad.example\n"
            + "  peers:\n"
            + "    - {id: p1, host: 127.0.0.1, peerPort: 7001, clientPort: 7101}\n"
            + "member: p1\n"
            + "dataDir: data\n";
    assertBadConfig(peers + "colour: blue\n", "colour");
    assertBadConfig(peers.replace("peerPort: 7001", "peerPort: seven"), "peerPort");
    assertBadConfig("cluster:\n  name: bad.example\nmember: p1\ndataDir: data\n", "peers");
    assertBadConfig(peers.replace("clientPort: 7101", "clientPort: 7001"), "7001");
  }

  private void assertBadConfig(String yaml, String mentions) throws Exception {
    Path file = Files.createTempFile(dir, "bad", ".yaml");
    Files.writeString(file, yaml);
    Cli r = Cli.run("server", "--config", file.toString());
    assertThat(r.exit()).as(yaml).isEqualTo(2);
    assertThat(r.err()).as(yaml).contains(mentions).containsPattern(":\\d+:");
  }
}
