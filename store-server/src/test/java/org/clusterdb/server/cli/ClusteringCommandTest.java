package org.clusterdb.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.proto.api.v1.ClusterGrpc;
import org.clusterdb.proto.api.v1.GetClusteringSettingsRequest;
import org.clusterdb.proto.api.v1.GetClusteringSettingsResponse;
import org.clusterdb.proto.api.v1.SaveClusteringSettingsRequest;
import org.clusterdb.proto.api.v1.SaveClusteringSettingsResponse;
import org.clusterdb.proto.wire.WireCodec;
import org.clusterdb.proto.wire.WireErrors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The 'clustering' commands end to end against one pretend peer: a gRPC server in this JVM that
 * keeps one peer's own settings and the cluster's, as the real Cluster service answers.
 */
@Timeout(60)
class ClusteringCommandTest {
  private static final ClusteringSettings THREE =
      ClusteringSettings.of(
          "c1.example.com",
          1,
          List.of(
              new PeerAddress("p1", "127.0.0.1", 7001),
              new PeerAddress("p2", "127.0.0.1", 7002),
              new PeerAddress("p3", "127.0.0.1", 7003)));

  private final FakePeer peer = new FakePeer("p1");
  private Server server;

  record Result(int exit, String out, String err) {}

  /** One peer's Cluster service: its own settings, the cluster's, and every save it got. */
  static final class FakePeer extends ClusterGrpc.ClusterImplBase {
    final String memberId;
    volatile ClusteringSettings own = THREE;
    volatile Optional<ClusteringSettings> cluster = Optional.of(THREE);
    volatile Optional<String> listenAddress = Optional.empty();
    final List<SaveClusteringSettingsRequest> saves = new CopyOnWriteArrayList<>();

    FakePeer(String memberId) {
      this.memberId = memberId;
    }

    @Override
    public void getClusteringSettings(
        GetClusteringSettingsRequest request, StreamObserver<GetClusteringSettingsResponse> out) {
      out.onNext(WireCodec.clusteringSettingsResponse(null, memberId, own, cluster, listenAddress));
      out.onCompleted();
    }

    @Override
    public void saveClusteringSettings(
        SaveClusteringSettingsRequest request, StreamObserver<SaveClusteringSettingsResponse> out) {
      saves.add(request);
      if (!request.getMemberId().isEmpty() && !request.getMemberId().equals(memberId)) {
        out.onError(WireErrors.toStatus(ClusterDbException.invalid("member_id", "wrong peer")));
        return;
      }
      ClusteringSettings s = WireCodec.clusteringSettings(request);
      try {
        s.validate();
      } catch (ClusterDbException e) {
        out.onError(WireErrors.toStatus(e));
        return;
      }
      own = s;
      out.onNext(
          SaveClusteringSettingsResponse.newBuilder()
              .setSettings(WireCodec.clusteringSettings(s))
              .build());
      out.onCompleted();
    }
  }

  @BeforeEach
  void start() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, TestServerTls.credentials())
            .addService(peer)
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  private Result run(String... args) {
    return runAt("127.0.0.1:" + server.getPort(), args);
  }

  private static Result runAt(String endpoints, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--endpoints", endpoints, "--timeout", "5s"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.run(
            new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void forceIsSentOnlyWhenGiven() {
    assertThat(run("clustering", "set", "--tls-mode", "enforce").exit()).isEqualTo(Main.OK);
    assertThat(run("clustering", "set", "--tls-mode", "enforce", "--force").exit())
        .isEqualTo(Main.OK);

    assertThat(peer.saves)
        .extracting(SaveClusteringSettingsRequest::getForce)
        .containsExactly(false, true);
  }

  @Test
  void showPrintsOwnAndClusterSideBySide() {
    peer.own = THREE.withPrimary(2);

    Result r = run("clustering");

    assertThat(r.exit()).isEqualTo(Main.OK);
    assertThat(r.out())
        .contains("Clustering settings of p1")
        .containsPattern("Configuration primary +2 \\(p2\\) +1 \\(p1\\)  \\*")
        .containsPattern("Peer 3 address +p3=127.0.0.1:7003 +p3=127.0.0.1:7003\n")
        .containsPattern("TLS verification mode +Permissive +Permissive\n")
        .contains("* this peer's own setting differs from the cluster's");
  }

  @Test
  void showAsJsonIsTheWireResponse() {
    peer.cluster = Optional.empty();

    Result r = run("clustering", "--json");

    assertThat(r.exit()).isEqualTo(Main.OK);
    assertThat(r.out())
        .startsWith("{\"memberId\":\"p1\",\"own\":{\"name\":\"c1.example.com\",\"primary\":1,")
        .contains("\"tlsMode\":\"PERMISSIVE\"", "\"ipVersion\":\"IPV4\"")
        .doesNotContain("\"cluster\"");
  }

  @Test
  void setReadsChangesAndSavesOnTheSamePeerThenPrints() {
    Result r =
        run(
            "clustering",
            "set",
            "--tls-mode",
            "enforce",
            "--address-mapping",
            "on",
            "--map",
            "p2.example.com=10.0.0.2");

    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isEqualTo(Main.OK);
    assertThat(peer.saves).hasSize(1);
    assertThat(peer.saves.get(0).getMemberId()).isEqualTo("p1");
    assertThat(peer.own)
        .isEqualTo(
            new ClusteringSettings(
                THREE.name(),
                1,
                ClusteringSettings.TlsMode.ENFORCE,
                THREE.ipVersion(),
                THREE.peers(),
                true,
                Map.of("p2.example.com", "10.0.0.2")));
    assertThat(r.out())
        .containsPattern("TLS verification mode +Enforce +Permissive  \\*")
        .containsPattern("Mapping p2.example.com +10.0.0.2 +-  \\*");
  }

  @Test
  void suggestMappingsMapsEachPeerListedByFqdnToTheAddressItReportsAndSavesOnlyWhenAsked()
      throws IOException {
    ClusteringSettings byName =
        THREE.withPeers(
            List.of(
                new PeerAddress("p1", "p1.example.test", 7001),
                new PeerAddress("p2", "p2.example.test", 7002),
                new PeerAddress("p3", "10.0.0.3", 7003)));
    peer.own = byName;
    peer.listenAddress = Optional.of("10.0.0.1");
    FakePeer p2 = new FakePeer("p2");
    p2.own = byName;
    p2.listenAddress = Optional.of("10.0.0.2");
    Server second =
        Grpc.newServerBuilderForPort(0, TestServerTls.credentials()).addService(p2).build().start();
    try {
      // A third endpoint nobody answers at: its peer reports nothing, the rest still count.
      String endpoints =
          "127.0.0.1:" + server.getPort() + ",127.0.0.1:" + second.getPort() + ",127.0.0.1:1";

      Result shown = runAt(endpoints, "clustering", "suggest-mappings");

      assertThat(shown.exit()).isEqualTo(Main.OK);
      assertThat(shown.out()).isEqualTo("p1.example.test=10.0.0.1\np2.example.test=10.0.0.2\n");
      assertThat(shown.err()).contains("endpoint 127.0.0.1:1: no address reported");
      assertThat(peer.saves).isEmpty();

      assertThat(runAt(endpoints, "clustering", "suggest-mappings", "--save").exit())
          .isEqualTo(Main.OK);

      assertThat(peer.own.addressMapping()).isTrue();
      assertThat(peer.own.mappings())
          .isEqualTo(Map.of("p1.example.test", "10.0.0.1", "p2.example.test", "10.0.0.2"));
      assertThat(p2.saves).isEmpty();
    } finally {
      second.shutdownNow();
    }
  }

  @Test
  void addAndRemovePeerEditTheList() {
    assertThat(run("clustering", "add-peer", "p4=[fd00::4]:7004").exit()).isEqualTo(Main.OK);
    assertThat(peer.own.peers()).hasSize(4);
    assertThat(peer.own.peers().get(3)).isEqualTo(new PeerAddress("p4", "fd00::4", 7004));

    assertThat(run("clustering", "remove-peer", "p2").exit()).isEqualTo(Main.OK);
    assertThat(peer.own.peers()).extracting(PeerAddress::id).containsExactly("p1", "p3", "p4");
  }

  @Test
  void badSettingsExitTwoNamingTheFieldAndSaveNothing() {
    Result primary = run("clustering", "set", "--primary", "7");
    Result self = run("clustering", "set", "--peers", "p2=127.0.0.1:7002");
    Result unknown = run("clustering", "remove-peer", "p9");

    assertThat(primary.exit()).isEqualTo(Main.USAGE);
    assertThat(primary.err()).contains("primary: must be a peer index, 1 to 3, was 7");
    assertThat(self.exit()).isEqualTo(Main.USAGE);
    assertThat(self.err()).contains("peers: must list this peer (p1)");
    assertThat(unknown.exit()).isEqualTo(Main.USAGE);
    assertThat(unknown.err()).contains("peer: 'p9' is not in this peer's list");
    assertThat(peer.saves).isEmpty();
  }

  @Test
  void malformedOptionsExitTwoBeforeAnyCall() {
    Result nothing = run("clustering", "set");
    Result tls = run("clustering", "set", "--tls-mode", "strict");
    Result peers = run("clustering", "set", "--peers", "p1=h");
    Result notANumber = run("clustering", "set", "--primary", "one");
    Result addPeer = run("clustering", "add-peer", "p4");

    assertThat(nothing.exit()).isEqualTo(Main.USAGE);
    assertThat(nothing.err()).contains("nothing to change");
    assertThat(tls.exit()).isEqualTo(Main.USAGE);
    assertThat(tls.err()).contains("--tls-mode: 'strict' is not permissive or enforce");
    assertThat(peers.exit()).isEqualTo(Main.USAGE);
    assertThat(peers.err()).contains("--peers: 'p1=h' is not id=host:port");
    assertThat(notANumber.exit()).isEqualTo(Main.USAGE);
    assertThat(notANumber.err()).contains("--primary");
    assertThat(addPeer.exit()).isEqualTo(Main.USAGE);
    assertThat(addPeer.err()).contains("peer: 'p4' is not id=host:port");
    assertThat(peer.saves).isEmpty();
  }

  @Test
  void serverErrorsTakeTheUsualPathWithExitOne() {
    peer.own = THREE;
    // The pretend peer refuses the save: another member's id.
    FakePeer other = new FakePeer("p2");
    server.shutdownNow();
    try {
      server =
          Grpc.newServerBuilderForPort(0, TestServerTls.credentials())
              .addService(
                  new ClusterGrpc.ClusterImplBase() {
                    @Override
                    public void getClusteringSettings(
                        GetClusteringSettingsRequest request,
                        StreamObserver<GetClusteringSettingsResponse> out) {
                      // Reads say p1, saves land on p2: as after a failover between the two.
                      peer.getClusteringSettings(request, out);
                    }

                    @Override
                    public void saveClusteringSettings(
                        SaveClusteringSettingsRequest request,
                        StreamObserver<SaveClusteringSettingsResponse> out) {
                      other.saveClusteringSettings(request, out);
                    }
                  })
              .build()
              .start();
    } catch (IOException e) {
      throw new AssertionError(e);
    }

    Result r = run("clustering", "set", "--primary", "2");

    assertThat(r.exit()).isEqualTo(Main.FAILED);
    assertThat(r.err()).startsWith("error: INVALID_ARGUMENT: member_id: wrong peer");
    assertThat(other.own).isEqualTo(THREE);
  }
}
