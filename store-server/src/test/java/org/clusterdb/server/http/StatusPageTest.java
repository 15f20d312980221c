package org.clusterdb.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.clusterdb.proto.api.v1.Alarm;
import org.clusterdb.proto.api.v1.AlarmsResponse;
import org.clusterdb.proto.api.v1.ClusterStatusResponse;
import org.clusterdb.proto.api.v1.ClusteringSettings;
import org.clusterdb.proto.api.v1.GetClusteringSettingsResponse;
import org.clusterdb.proto.api.v1.PeerAddress;
import org.clusterdb.proto.api.v1.PeerStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StatusPageTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpEndpoints http;

  private static final ClusterStatusResponse STATUS =
      ClusterStatusResponse.newBuilder()
          .setMemberId("p1")
          .setPrimary(1)
          .setPrimaryId("p1")
          .setOwnPrimary(1)
          .setDatabase(ClusterStatusResponse.Database.ACTIVE)
          .setCommitIndex(42)
          .setAppliedIndex(42)
          .setSyncCheckedIndex(-1)
          .addPeers(
              PeerStatus.newBuilder()
                  .setIndex(1)
                  .setMemberId("p1")
                  .setAddress("expc01.apolo.local:7000")
                  .setState(PeerStatus.State.THIS_SYSTEM)
                  .setDisplay("This system")
                  .setAppliedIndex(42)
                  .setLag(0)
                  .setCertificate("Valid"))
          .addPeers(
              PeerStatus.newBuilder()
                  .setIndex(2)
                  .setMemberId("p2")
                  .setAddress("expc02.apolo.local:7000")
                  .setState(PeerStatus.State.FAILED)
                  .setDisplay("Failed")
                  .setAppliedIndex(-1)
                  .setLag(-1))
          .build();

  private static final AlarmsResponse ALARMS =
      AlarmsResponse.newBuilder()
          .addAlarms(
              Alarm.newBuilder()
                  .setId(20004)
                  .setUuid("a7f2d8c0-0000-4000-8000-000000000001")
                  .setSeverity(Alarm.Severity.ERROR)
                  .setDetail("Cluster communication failure: <peer> \"p2\" is unreachable")
                  .setRaisedAtMillis(1_764_300_000_000L))
          .build();

  private static final GetClusteringSettingsResponse SETTINGS =
      GetClusteringSettingsResponse.newBuilder()
          .setMemberId("p1")
          .setOwn(
              ClusteringSettings.newBuilder()
                  .setName("cluster.apolo.local")
                  .setPrimary(1)
                  .setTlsMode(ClusteringSettings.TlsMode.ENFORCE)
                  .setIpVersion(ClusteringSettings.IpVersion.IPV4)
                  .addPeers(
                      PeerAddress.newBuilder()
                          .setId("p1")
                          .setHost("expc01.apolo.local")
                          .setPort(7000))
                  .setAddressMapping(true)
                  .putMappings("expc01.apolo.local", "10.15.13.15"))
          .build();

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
  }

  private void serve(Optional<GetClusteringSettingsResponse> settings) throws IOException {
    http = HttpEndpoints.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "p1");
    StatusPage.register(
        http,
        HttpEndpoints.Gate.OPEN,
        new StatusPage.Source(() -> STATUS, () -> ALARMS, () -> settings));
  }

  private HttpResponse<String> get(String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + http.address().getPort() + path);
    return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Message parse(JsonObject json, String field, Message.Builder into)
      throws Exception {
    JsonFormat.parser().merge(json.get(field).toString(), into);
    return into.build();
  }

  @Test
  void theRootIsTheHtmlPage() throws Exception {
    serve(Optional.of(SETTINGS));

    HttpResponse<String> page = get("/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(page.body()).contains("<title>clusterdb: Clustering</title>", "status.json");
    assertThat(page.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(StatusPage.html());
  }

  @Test
  void theDataIsTheThreeGrpcAnswersInProtobufsJsonMapping() throws Exception {
    serve(Optional.of(SETTINGS));

    HttpResponse<String> data = get(StatusPage.JSON_PATH);

    assertThat(data.statusCode()).isEqualTo(200);
    assertThat(data.headers().firstValue("Content-Type"))
        .contains("application/json; charset=utf-8");
    JsonObject json = JsonParser.parseString(data.body()).getAsJsonObject();
    assertThat(json.keySet()).containsExactlyInAnyOrder("status", "alarms", "settings");
    assertThat(parse(json, "status", ClusterStatusResponse.newBuilder())).isEqualTo(STATUS);
    assertThat(parse(json, "alarms", AlarmsResponse.newBuilder())).isEqualTo(ALARMS);
    assertThat(parse(json, "settings", GetClusteringSettingsResponse.newBuilder()))
        .isEqualTo(SETTINGS);
    // Fields at their default values are present too, so the page need not guess them.
    JsonObject peer2 =
        json.getAsJsonObject("status").getAsJsonArray("peers").get(1).getAsJsonObject();
    assertThat(peer2.get("certificate").getAsString()).isEmpty();
    assertThat(peer2.get("state").getAsString()).isEqualTo("FAILED");
    assertThat(
            json.getAsJsonObject("alarms")
                .getAsJsonArray("alarms")
                .get(0)
                .getAsJsonObject()
                .get("loweredAtMillis")
                .getAsString())
        .isEqualTo("0");
  }

  @Test
  void aPeerWithoutSettingsServesNullSettings() throws Exception {
    serve(Optional.empty());

    JsonObject json = JsonParser.parseString(get(StatusPage.JSON_PATH).body()).getAsJsonObject();

    assertThat(json.get("settings").isJsonNull()).isTrue();
    assertThat(parse(json, "status", ClusterStatusResponse.newBuilder())).isEqualTo(STATUS);
  }

  @Test
  void thePageWritesDataAsTextNeverAsMarkup() {
    // Alarm details and addresses come from the cluster: the page must not parse them as HTML.
    String page = new String(StatusPage.html(), StandardCharsets.UTF_8);
    assertThat(page)
        .contains("textContent")
        .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write");
  }
}
