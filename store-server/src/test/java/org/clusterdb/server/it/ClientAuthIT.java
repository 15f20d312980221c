package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.clusterdb.core.security.KeyType;
import org.clusterdb.core.security.SubjectNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server processes with certificates from a CA made here, driven by the {@code clusterdb}
 * command line over verified TLS: once accounts are required, a call without them and a read-only
 * account's write are refused, on every peer.
 */
@Timeout(300)
class ClientAuthIT {

  @TempDir Path dir;

  @Test
  void withAccountsOnOnlyAnAdminWritesAndAReaderOnlyReads() throws Exception {
    PeerCertificates certs = PeerCertificates.create(dir.resolve("certs"));
    Path caFile = certs.caFile();
    try (ServerProcesses cluster =
        ServerProcesses.prepare(
            3,
            dir,
            (i, b) ->
                b.tls(
                    certs.issue(
                        i, SubjectNames.of(List.of(), List.of("127.0.0.1")), KeyType.EC)))) {
      for (int i = 0; i < 3; i++) {
        cluster.restart(i);
      }
      cluster.awaitLeader();
      String endpoints = "--endpoints=" + String.join(",", cluster.endpoints());
      String cacert = "--cacert=" + caFile;
      Path adminPassword = Files.writeString(dir.resolve("admin.pw"), "admin-password\n");
      Path viewerPassword = Files.writeString(dir.resolve("viewer.pw"), "viewer-password\n");

      assertThat(cli(endpoints, cacert, "table", "create", "zones").exit()).isZero();
      assertThat(cli(endpoints, cacert, "put", "zones", "edge", "v1").exit()).isZero();
      Cli add =
          cli(
              endpoints,
              cacert,
              "account",
              "add",
              "admin",
              "--role",
              "admin",
              "--new-password-file",
              adminPassword.toString());
      assertThat(add.exit()).as(add.err()).isZero();
      assertThat(add.out()).contains("Account admin saved, role admin");
      assertThat(cli(endpoints, cacert, "auth", "enable").exit()).isZero();

      Cli anonymous = cli(endpoints, cacert, "put", "zones", "edge", "v2");
      assertThat(anonymous.exit()).isEqualTo(1);
      assertThat(anonymous.err()).contains("UNAUTHENTICATED").contains("authentication required");

      String[] asAdmin = {endpoints, cacert, "--user=admin", "--password-file=" + adminPassword};
      Cli viewer =
          cli(
              Cli.concat(
                  asAdmin,
                  "account",
                  "add",
                  "viewer",
                  "--role",
                  "readonly",
                  "--new-password-file",
                  viewerPassword.toString()));
      assertThat(viewer.exit()).as(viewer.err()).isZero();
      assertThat(cli(Cli.concat(asAdmin, "put", "zones", "edge", "v3")).exit()).isZero();

      // Each peer checks the reader for itself: one endpoint at a time.
      for (String endpoint : cluster.endpoints()) {
        String[] asViewer = {
          "--endpoints=" + endpoint, cacert, "--user=viewer", "--password-file=" + viewerPassword
        };
        Cli get = cli(Cli.concat(asViewer, "get", "zones", "edge"));
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(get.out().trim()).isEqualTo("v3");
        Cli write = cli(Cli.concat(asViewer, "put", "zones", "edge", "v4"));
        assertThat(write.exit()).isEqualTo(1);
        assertThat(write.err()).contains("PERMISSION_DENIED").contains("read-only");
      }
      Cli status = cli(Cli.concat(asAdmin, "account", "list"));
      assertThat(status.out()).contains("Authentication: On", "admin  admin", "viewer  readonly");
    }
  }

  private static Cli cli(String... args) throws Exception {
    return Cli.optionsLast(args);
  }
}
