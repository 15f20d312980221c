package org.clusterdb.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.clusterdb.client.ClientTls;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.client.Credentials;
import picocli.CommandLine.Option;

/** Options shared by every command that talks to a running cluster. */
final class ClientOptions {
  /** The client ports {@code clusterdb local-cluster} uses by default. */
  static final String DEFAULT_ENDPOINTS = "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103";

  @Option(
      names = "--endpoints",
      split = ",",
      paramLabel = "HOST:PORT",
      description =
          "Client endpoints of the cluster, comma-separated (default: $CLUSTERDB_ENDPOINTS, else "
              + DEFAULT_ENDPOINTS
              + ").")
  List<String> endpoints;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Deadline of the operation, e.g. 500ms, 10s (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--json", description = "Print the result as JSON, for scripts.")
  boolean json;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      description =
          "Account to call as, once the cluster requires accounts (default: $CLUSTERDB_USER).")
  String user;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description =
          "File whose first line is the account's password, '-' for standard input (default:"
              + " $CLUSTERDB_PASSWORD).")
  Path passwordFile;

  @Option(
      names = "--cacert",
      paramLabel = "FILE",
      split = ",",
      description =
          "PEM CA certificates to verify members against (default: $CLUSTERDB_CACERT). Without"
              + " one the connection is encrypted but members are not verified.")
  List<Path> cacerts;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description =
          "PEM client certificate to present: in TLS mode Enforce it logs in as the account its"
              + " Common Name names.")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "PKCS#8 PEM key of --cert.")
  Path key;

  List<String> endpoints() {
    if (endpoints != null && !endpoints.isEmpty()) {
      return endpoints;
    }
    String env = System.getenv("CLUSTERDB_ENDPOINTS");
    String list = env == null || env.isBlank() ? DEFAULT_ENDPOINTS : env;
    List<String> out = new ArrayList<>();
    for (String e : list.split(",")) {
      if (!e.isBlank()) {
        out.add(e.trim());
      }
    }
    return out;
  }

  ClusterDbClient connect() {
    return builder(endpoints()).build();
  }

  private ClusterDbClient.Builder builder(List<String> endpoints) {
    return ClusterDbClient.builder()
        .endpoints(endpoints)
        .requestTimeout(timeout)
        .tls(tls())
        .credentials(credentials());
  }

  ClientTls tls() {
    List<Path> cas = cacerts;
    if (cas == null || cas.isEmpty()) {
      String env = System.getenv("CLUSTERDB_CACERT");
      cas = new ArrayList<>();
      if (env != null) {
        for (String f : env.split(",")) {
          if (!f.isBlank()) {
            cas.add(Path.of(f.trim()));
          }
        }
      }
    }
    if ((cert == null) != (key == null)) {
      throw new Main.UsageException("--cert and --key go together");
    }
    return new ClientTls(cas, cert, key);
  }

  /** Null when no user is given. */
  Credentials credentials() {
    String name = user != null ? user : System.getenv("CLUSTERDB_USER");
    if (name == null || name.isEmpty()) {
      if (passwordFile != null) {
        throw new Main.UsageException("--password-file needs --user");
      }
      return null;
    }
    String password;
    if (passwordFile != null) {
      password = readPassword(passwordFile);
    } else {
      password = System.getenv("CLUSTERDB_PASSWORD");
    }
    if (password == null || password.isEmpty()) {
      throw new Main.UsageException(
          "--user " + name + " needs a password: --password-file FILE or $CLUSTERDB_PASSWORD");
    }
    return new Credentials(name, password);
  }

  /** The first line of {@code file}, or of standard input for '-'. */
  static String readPassword(Path file) {
    try {
      BufferedReader r =
          file.toString().equals("-")
              ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
              : Files.newBufferedReader(file, StandardCharsets.UTF_8);
      String line = r.readLine();
      if (!file.toString().equals("-")) {
        r.close();
      }
      return line == null ? "" : line;
    } catch (IOException e) {
      throw new Main.UsageException("cannot read password file " + file + ": " + e.getMessage());
    }
  }

  /** A client of {@code endpoint} alone, for talking to one peer that must not fail over. */
  ClusterDbClient connectTo(String endpoint) {
    return builder(List.of(endpoint)).build();
  }

  /**
   * A client of the first endpoint alone: for commands about one peer, which must not fail over.
   */
  ClusterDbClient connectFirst() {
    List<String> all = endpoints();
    return builder(all.isEmpty() ? all : all.subList(0, 1)).build();
  }
}
