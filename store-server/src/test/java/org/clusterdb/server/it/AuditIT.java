package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.clusterdb.server.logging.LogFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log with three server processes: a change made through the command line as a named user
 * is listed by {@code clusterdb audit} with that user and the client's address, and every peer's
 * log file, under the directory its configuration names, holds the seed's "System Configuration
 * Changed" line for it.
 */
@Timeout(300)
class AuditIT {
  /** The seed's prefix, as every line of the file starts. */
  private static final Pattern SEED_LINE =
      Pattern.compile(
          "UTCTime=\"\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}\" Module=\"[a-z.]+\""
              + " Level=\"[A-Z]+\" .*");

  @TempDir Path dir;

  @Test
  void aChangeThroughTheCliIsAuditedWithItsUserAndAddressInTheTableAndEveryPeersLogFile()
      throws Exception {
    try (ServerProcesses cluster = ServerProcesses.prepare(3, dir, (i, b) -> b.logDir(logDir(i)))) {
      for (int i = 0; i < 3; i++) {
        cluster.restart(i);
      }
      cluster.awaitLeader();
      String endpoints = "--endpoints=" + String.join(",", cluster.endpoints());
      Path password = Files.writeString(dir.resolve("alice.pw"), "alice-password\n");
      Cli add =
          cli(
              endpoints,
              "account",
              "add",
              "alice",
              "--role",
              "admin",
              "--new-password-file",
              password.toString());
      assertThat(add.exit()).as(add.err()).isZero();
      assertThat(cli(endpoints, "auth", "enable").exit()).isZero();
      String[] asAlice = {endpoints, "--user=alice", "--password-file=" + password};

      assertThat(cli(Cli.concat(asAlice, "table", "create", "zones")).exit()).isZero();
      Cli put = cli(Cli.concat(asAlice, "put", "zones", "edge", "traversal"));
      assertThat(put.exit()).as(put.err()).isZero();
      Cli change = cli(Cli.concat(asAlice, "put", "zones", "edge", "dmz"));
      assertThat(change.exit()).as(change.err()).isZero();

      Cli audit = cli(Cli.concat(asAlice, "audit", "--table", "zones"));
      assertThat(audit.exit()).as(audit.err()).isZero();
      List<String> rows = audit.out().lines().toList();
      assertThat(rows).hasSize(3);
      assertThat(rows.get(0)).contains("alice@127.0.0.1:", "xconfiguration zones - table created");
      assertThat(rows.get(2))
          .contains(
              "alice@127.0.0.1:",
              "xconfiguration zones edge - changed from: 'traversal' to: 'dmz'");
      String revision = rows.get(2).replaceAll(".*  revision (\\d+)  .*", "$1");
      Cli since = cli(Cli.concat(asAlice, "audit", "--table", "zones", "--since", revision));
      assertThat(since.out().lines()).containsExactly(rows.get(2));
      Cli json = cli(Cli.concat(asAlice, "audit", "--table", "zones", "--limit", "1", "--json"));
      assertThat(json.out().trim())
          .startsWith("{")
          .contains("\"user\":\"alice\"", "\"sourceIp\":\"127.0.0.1\"", "\"action\":\"PUT\"");
      Cli accounts = cli(Cli.concat(asAlice, "audit", "--table", "clusterdb.accounts"));
      assertThat(accounts.out()).contains("alice", "role=admin password=set");
      assertThat(accounts.out()).doesNotContain("scrypt", "alice-password");

      // A clustering change on the primary: its own audit, then the cluster's, name alice.
      Cli mapping =
          cli(Cli.concat(asAlice, "clustering", "set", "--map", "edge.example.test=127.0.0.9"));
      assertThat(mapping.exit()).as(mapping.err()).isZero();
      Cli own = cli(Cli.concat(asAlice, "audit", "--peer", "--table", "clusterdb.settings"));
      assertThat(own.exit()).as(own.err()).isZero();
      assertThat(own.out().lines())
          .singleElement()
          .asString()
          .contains(
              "alice@127.0.0.1:",
              "xconfiguration clusterdb.settings own.mappings - changed from: '' to:",
              "edge.example.test");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          cli(Cli.concat(asAlice, "audit", "--table", "clusterdb.cluster"))
                              .out()
                              .lines())
                      .filteredOn(l -> l.contains("settings.mappings"))
                      .singleElement()
                      .asString()
                      .contains("alice@127.0.0.1:", "edge.example.test"));

      String line =
          "Event=\"System Configuration Changed\" Detail=\"xconfiguration zones edge - changed"
              + " from: 'traversal' to: 'dmz'\" User=\"alice\" Src-ip=\"127.0.0.1\" Src-port=\"";
      for (int i = 0; i < 3; i++) {
        Path file = logDir(i).resolve(LogFiles.FILE);
        int peer = i;
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(Files.readString(file))
                        .as("the log file of p%d", peer + 1)
                        .contains(line)
                        .contains("Member=\"p" + (peer + 1) + "\""));
        assertThat(Files.readAllLines(file))
            .as("every line of p%d's file in the seed's form", peer + 1)
            .isNotEmpty()
            .allMatch(l -> SEED_LINE.matcher(l).matches());
        assertThat(Files.readString(cluster.log(i))).as("stderr keeps its output").contains(line);
      }
    }
  }

  private Path logDir(int i) {
    return dir.resolve("logs").resolve("p" + (i + 1));
  }

  private static Cli cli(String... args) throws Exception {
    return Cli.optionsLast(args);
  }
}
