package org.clusterdb.examples.appliance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.api.UsageReport;
import org.clusterdb.core.config.ClusterDbConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The example peer process: starts one {@link AppliancePeer}, optionally configures zones (on the
 * primary), then prints its clustering page and routing view whenever they change, until stopped.
 */
@Command(
    name = "appliance-peer",
    mixinStandardHelpOptions = true,
    description = "Run one peer of the example appliance, embedding clusterdb.")
public final class Main implements Callable<Integer> {
  @Option(names = "--member", required = true, description = "This peer's member id, e.g. p1.")
  String member;

  @Option(
      names = "--peers",
      required = true,
      split = ",",
      paramLabel = "ID@HOST:PORT",
      description = "Every peer with its Raft address, in peer-list order.")
  List<String> peers;

  @Option(
      names = "--primary",
      defaultValue = "1",
      description = "The configuration primary, 1-based (default: ${DEFAULT-VALUE}).")
  int primary;

  @Option(names = "--data", required = true, description = "This peer's data directory.")
  Path data;

  @Option(
      names = "--zone",
      paramLabel = "NAME=TYPE",
      description = "A zone to configure at start (on the primary only).")
  List<String> zoneArgs = new ArrayList<>();

  @Option(
      names = "--platform",
      defaultValue = "Large VM",
      description =
          "This peer's platform, a row of the capacity table: CE1200, Large VM, Medium VM or Small"
              + " VM (default: ${DEFAULT-VALUE}).")
  String platform;

  @Option(
      names = "--option-key",
      paramLabel = "KEY[=COUNT]",
      description =
          "An option key installed on this peer; room-registrations=N and"
              + " desktop-registrations=N are pooled across the cluster.")
  List<String> optionKeys = new ArrayList<>();

  @Option(
      names = "--endpoints",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Simulated endpoints that try to register on this peer, one a second, each admitted"
              + " only if the cluster has a registration licence left.")
  int endpoints;

  /** Simulated endpoints that have asked to register so far. */
  private int tried;

  @Option(
      names = "--run-for",
      paramLabel = "SECONDS",
      description = "Stop after this many seconds; by default run until killed.")
  Long runFor;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<PeerAddress> addresses = new ArrayList<>();
    for (String p : peers) {
      addresses.add(peer(p));
    }
    ClusterDbConfig config =
        ClusterDbConfig.builder()
            .clusterName("appliance.example.com")
            .memberId(member)
            .peers(addresses)
            .primary(primary)
            .dataDir(data)
            .platform(platform)
            .optionKeys(java.util.Set.copyOf(optionKeys))
            .build();
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    // On SIGTERM, let the peer close cleanly before the JVM goes.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  try {
                    done.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    try {
      try (AppliancePeer peer = AppliancePeer.start(config)) {
        if (!zoneArgs.isEmpty()) {
          while (!peer.awaitReady(Duration.ofSeconds(1))) {
            System.out.println("waiting for the cluster to serve...");
          }
        }
        for (String z : zoneArgs) {
          String[] kv = z.split("=", 2);
          peer.putZone(kv[0], kv.length > 1 ? kv[1] : "neighbor");
        }
        List<String> lastPage = List.of();
        Map<String, String> lastZones = Map.of();
        String lastUsage = "";
        long end = runFor == null ? Long.MAX_VALUE : System.nanoTime() + runFor * 1_000_000_000L;
        while (System.nanoTime() < end && !stop.await(1, TimeUnit.SECONDS)) {
          List<String> page = peer.clusteringPage();
          if (!page.equals(lastPage)) {
            System.out.println("-- System > Clustering --");
            page.forEach(System.out::println);
            lastPage = page;
          }
          Map<String, String> zones = peer.zones();
          if (!zones.equals(lastZones)) {
            System.out.println("-- zones (replicated) -- " + zones);
            lastZones = zones;
          }
          try {
            lastUsage = registrations(peer, lastUsage);
          } catch (ClusterDbException e) {
            // No quorum for now, say: the endpoint tries again on the next round.
            System.out.println("registrations unavailable: " + e.getMessage());
          }
        }
      }
    } finally {
      done.countDown();
    }
    return 0;
  }

  /**
   * One round of the simulated endpoints: the next one (while fewer than {@code --endpoints} have
   * tried) asks to register, then the cluster's registrations print if they changed.
   */
  private String registrations(AppliancePeer peer, String last) {
    if (endpoints == 0 || !peer.isReady()) {
      return last;
    }
    if (tried < endpoints) {
      String endpoint = member + "-endpoint-" + tried;
      System.out.println(
          "register " + endpoint + ": " + (peer.register(endpoint) ? "admitted" : "refused"));
      tried++;
    }
    UsageReport u = peer.clusterUsage();
    String line =
        "-- registrations -- here="
            + peer.registrations().size()
            + " cluster="
            + u.totals().getOrDefault(AppliancePeer.REGISTRATIONS, 0L)
            + " licences="
            + (u.licenses().getOrDefault("room-registrations", 0L)
                + u.licenses().getOrDefault("desktop-registrations", 0L))
            + " remaining="
            + u.remaining().getOrDefault(AppliancePeer.REGISTRATIONS, 0L)
            + " peers="
            + u.peers().size();
    if (!line.equals(last)) {
      System.out.println(line);
    }
    return line;
  }

  /** {@code id@host:port}; an IPv6 host in brackets. */
  static PeerAddress peer(String text) {
    int at = text.indexOf('@');
    int colon = text.lastIndexOf(':');
    if (at < 1 || colon < at + 2) {
      throw new CommandLine.ParameterException(
          new CommandLine(new Main()), "--peers: expected ID@HOST:PORT, got '" + text + "'");
    }
    String host = text.substring(at + 1, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new PeerAddress(
          text.substring(0, at), host, Integer.parseInt(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(
          new CommandLine(new Main()), "--peers: bad port in '" + text + "'");
    }
  }
}
