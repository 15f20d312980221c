package org.clusterdb.server.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.clusterdb.client.ClusterDbClient;
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
    return ClusterDbClient.builder().endpoints(endpoints()).requestTimeout(timeout).build();
  }

  /**
   * A client of the first endpoint alone: for commands about one peer, which must not fail over.
   */
  ClusterDbClient connectFirst() {
    List<String> all = endpoints();
    return ClusterDbClient.builder()
        .endpoints(all.isEmpty() ? all : all.subList(0, 1))
        .requestTimeout(timeout)
        .build();
  }
}
