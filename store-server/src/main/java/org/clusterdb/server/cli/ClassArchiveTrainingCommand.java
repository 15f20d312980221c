package org.clusterdb.server.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.Op;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.server.ClusterDbServer;
import org.clusterdb.server.config.PeerEndpoint;
import org.clusterdb.server.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * The build's training run for the class-data-sharing archive that makes a server start in about
 * 1.8 s instead of 3 s (see {@code docs/configuration.md}): a peer of its own one-member cluster,
 * in a temporary directory on free loopback ports, serving a client's every kind of call, then a
 * clean exit, at which the JVM writes the classes it loaded to the archive.
 */
@Command(
    name = "class-archive-training",
    hidden = true,
    description = "Exercise a one-member cluster in-process, then exit (the build's CDS run).")
final class ClassArchiveTrainingCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("clusterdb-class-archive");
    try {
      int[] ports = freePorts();
      PeerEndpoint self = new PeerEndpoint("p1", "127.0.0.1", ports[0], ports[1]);
      ServerConfig config =
          ServerConfig.builder()
              .clusterName("training.clusterdb")
              .memberId(self.id())
              .peers(List.of(self))
              .dataDir(dir.resolve("data"))
              .build();
      try (ClusterDbServer server = ClusterDbServer.start(config);
          ClusterDbClient client =
              ClusterDbClient.builder()
                  .endpoints(List.of(self.clientAddress()))
                  .requestTimeout(Duration.ofSeconds(30))
                  .build()) {
        exercise(client);
      }
      spec.commandLine().getOut().println("class archive training done");
      return Main.OK;
    } finally {
      delete(dir);
    }
  }

  private static void exercise(ClusterDbClient client) throws Exception {
    var db = client.blocking();
    db.createTable("training", TableScope.CLUSTER);
    db.createTable("training_peer", TableScope.PEER);
    CountDownLatch seen = new CountDownLatch(1);
    try (Watch watch =
        client.watch(
            WatchRequest.table("training"),
            new WatchListener() {
              @Override
              public void onEvents(long revision, List<WatchEvent> events) {
                seen.countDown();
              }
            })) {
      for (int i = 0; i < 50; i++) {
        db.put("training", Bytes.of("k" + i), Bytes.of("v" + i));
      }
      db.put("training_peer", Bytes.of("k"), Bytes.of("v"));
      List<java.util.concurrent.CompletableFuture<?>> inFlight = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        inFlight.add(client.put("training", Bytes.of("b" + i), Bytes.of("v")));
        inFlight.add(client.range("training", KeyRange.all(), ReadOptions.DEFAULT.withLimit(10)));
      }
      for (var f : inFlight) {
        f.get(30, TimeUnit.SECONDS);
      }
      db.get("training", Bytes.of("k1"), Consistency.LINEARIZABLE);
      db.get("training", Bytes.of("k1"), Consistency.LOCAL);
      db.txn(
          Txn.of(
              Op.put("training", Bytes.of("t"), Bytes.of("1")),
              Op.delete("training", KeyRange.prefix("k2"))));
      db.deleteRange("training", KeyRange.prefix(Bytes.of("b")));
      seen.await(10, TimeUnit.SECONDS);
    }
    client.status();
    client.clusterStatus();
    client.alarms();
    client.members();
    client.clusteringSettings();
  }

  private static int[] freePorts() throws IOException {
    try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return new int[] {a.getLocalPort(), b.getLocalPort()};
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
