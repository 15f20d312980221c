package org.clusterdb.server.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;
import org.clusterdb.proto.api.v1.AlarmsResponse;
import org.clusterdb.proto.api.v1.ClusterStatusResponse;
import org.clusterdb.proto.api.v1.GetClusteringSettingsResponse;

/**
 * The read-only status page, in the manner of the appliance's System &gt; Clustering page: the
 * clustering settings, each peer with its certificate and clustering status, the cluster database
 * status and the active alarms, as this peer sees them.
 *
 * <p>{@code /} is the page; it fetches {@code /status.json} every second and redraws, so it follows
 * the cluster live without a reload, and says so when this peer stops answering. {@code
 * /status.json} is the three gRPC answers the page is drawn from ({@code Cluster.ClusterStatus},
 * {@code Cluster.Alarms}, {@code Cluster.GetClusteringSettings}) in protobuf's JSON mapping, under
 * {@code status}, {@code alarms} and {@code settings}. Neither holds a secret: the clustering
 * settings, peer states and alarm texts only.
 */
public final class StatusPage {
  /** Where the page's data is served. */
  public static final String JSON_PATH = "/status.json";

  private static final String HTML_TYPE = "text/html; charset=utf-8";
  private static final String JSON_TYPE = "application/json; charset=utf-8";

  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

  /**
   * What the page shows, as the gRPC calls of the same names answer it; {@code settings} is empty
   * where the peer cannot read them (a peer whose database failed).
   */
  public record Source(
      Supplier<ClusterStatusResponse> clusterStatus,
      Supplier<AlarmsResponse> alarms,
      Supplier<Optional<GetClusteringSettingsResponse>> settings) {}

  private StatusPage() {}

  /** Serves the page at {@code /} and its data at {@link #JSON_PATH}. */
  public static void register(HttpEndpoints http, HttpEndpoints.Gate gate, Source source) {
    byte[] page = html();
    http.register("/", gate, request -> new HttpEndpoints.Response(200, HTML_TYPE, page));
    http.register(
        JSON_PATH,
        gate,
        request ->
            new HttpEndpoints.Response(
                200, JSON_TYPE, json(source).getBytes(StandardCharsets.UTF_8)));
  }

  /** The page's data: one JSON object with {@code status}, {@code alarms} and {@code settings}. */
  static String json(Source source) throws InvalidProtocolBufferException {
    // Each part is printed by protobuf's own JSON printer; only the envelope is written here.
    Optional<GetClusteringSettingsResponse> settings = source.settings().get();
    return "{\"status\":"
        + JSON.print(source.clusterStatus().get())
        + ",\"alarms\":"
        + JSON.print(source.alarms().get())
        + ",\"settings\":"
        + (settings.isPresent() ? JSON.print(settings.get()) : "null")
        + "}";
  }

  static byte[] html() {
    try (InputStream in = StatusPage.class.getResourceAsStream("status.html")) {
      if (in == null) {
        throw new IllegalStateException("status.html is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
