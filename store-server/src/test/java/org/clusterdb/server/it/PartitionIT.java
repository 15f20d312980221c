package org.clusterdb.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.clusterdb.proto.api.v1.Alarm;
import org.clusterdb.proto.api.v1.AlarmsResponse;
import org.clusterdb.proto.api.v1.ClusterStatusResponse;
import org.clusterdb.proto.api.v1.PeerStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real network partition between server processes, each in its own network namespace: the
 * isolated subordinate and the majority both see it and raise the communication alarms, both lower
 * them after the heal, and the subordinate catches up on its own. Every client runs inside a
 * namespace.
 */
@Timeout(300)
class PartitionIT {
  private static final Duration CHECK = Duration.ofMillis(500);
  private static final Duration FAILURE = Duration.ofSeconds(2);
  private static final String SYNCED = "Synchronisation completed successfully";

  @TempDir Path dir;

  @Test
  void anIsolatedSubordinateAndTheMajorityBothRaiseAndThenLowerTheCommunicationAlarms()
      throws Exception {
    try (Netns net = Netns.create(3);
        ServerProcesses cluster =
            ServerProcesses.startIn(
                net, 3, dir, b -> b.healthCheckInterval(CHECK).peerFailureTimeout(FAILURE))) {
      String client = net.clientNamespace();
      for (int i = 0; i < 3; i++) {
        int peer = i;
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> cli(net, client, peer, "xstatus").exit() == 0);
      }
      assertThat(cli(net, client, 0, "table", "create", "zones").exit()).isZero();
      assertThat(cli(net, client, 0, "put", "zones", "before", "1").exit()).isZero();

      net.isolate(2);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                ClusterStatusResponse s = status(net, client, 0);
                assertThat(s.getPeers(2).getState()).isEqualTo(PeerStatus.State.FAILED);
                assertThat(s.getDatabase()).isEqualTo(ClusterStatusResponse.Database.ACTIVE);
                assertThat(activeAlarms(net, client, 0)).contains(20004, 20006);
              });
      // The isolated peer, asked from inside its own namespace, sees the other side fail.
      String isolated = net.namespace(2);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                ClusterStatusResponse s = status(net, isolated, 2);
                assertThat(s.getPeers(0).getState()).isEqualTo(PeerStatus.State.FAILED);
                assertThat(s.getPeers(1).getState()).isEqualTo(PeerStatus.State.FAILED);
                assertThat(s.getDatabase()).isEqualTo(ClusterStatusResponse.Database.NO_QUORUM);
                assertThat(activeAlarms(net, isolated, 2)).contains(20004, 20006);
              });
      // The majority goes on taking writes that the isolated peer misses.
      assertThat(cli(net, client, 0, "put", "zones", "during", "2").exit()).isZero();
      long syncedBefore = count(cluster.log(2), SYNCED);

      net.heal(2);
      for (int i = 0; i < 3; i++) {
        int peer = i;
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(1))
            .untilAsserted(
                () -> {
                  assertThat(activeAlarms(net, client, peer)).doesNotContain(20004, 20006);
                  assertThat(cli(net, client, peer, "xstatus").exit()).isZero();
                });
      }
      Cli read = cli(net, client, 2, "get", "zones", "during", "--local");
      assertThat(read.exit()).isZero();
      assertThat(read.out().strip()).isEqualTo("2");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count(cluster.log(2), SYNCED) > syncedBefore);
      for (int peer : List.of(0, 2)) {
        String log = Files.readString(cluster.log(peer));
        assertThat(log)
            .contains("Event=\"Alarm Raised\" Id=\"20004\"", "Event=\"Alarm Lowered\" Id=\"20004\"")
            .contains(
                "Event=\"Alarm Raised\" Id=\"20006\"", "Event=\"Alarm Lowered\" Id=\"20006\"");
      }
    }
  }

  private static Cli cli(Netns net, String namespace, int peer, String... args)
      throws IOException, InterruptedException {
    return Cli.onIn(net, namespace, net.address(peer) + ":7101", args);
  }

  private static ClusterStatusResponse status(Netns net, String namespace, int peer)
      throws Exception {
    Cli c = cli(net, namespace, peer, "xstatus", "--json");
    ClusterStatusResponse.Builder b = ClusterStatusResponse.newBuilder();
    parse(c, b);
    return b.build();
  }

  private static List<Integer> activeAlarms(Netns net, String namespace, int peer)
      throws Exception {
    Cli c = cli(net, namespace, peer, "xstatus", "alarms", "--json");
    AlarmsResponse.Builder b = AlarmsResponse.newBuilder();
    parse(c, b);
    return b.getAlarmsList().stream()
        .filter(a -> a.getLoweredAtMillis() == 0)
        .map(Alarm::getId)
        .toList();
  }

  private static void parse(Cli c, com.google.protobuf.Message.Builder b)
      throws InvalidProtocolBufferException {
    assertThat(c.out()).as("stdout; stderr: " + c.err()).isNotBlank();
    JsonFormat.parser().ignoringUnknownFields().merge(c.out(), b);
  }

  private static long count(Path log, String text) throws IOException {
    Matcher m = Pattern.compile(Pattern.quote(text)).matcher(Files.readString(log));
    long n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
