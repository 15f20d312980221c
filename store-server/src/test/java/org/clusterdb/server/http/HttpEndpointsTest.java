package org.clusterdb.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HttpEndpointsTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpEndpoints http;

  @BeforeEach
  void start() throws IOException {
    http = HttpEndpoints.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "p1");
    http.register("/", request -> HttpEndpoints.Response.text(200, "root\n"));
    http.register("/page", request -> HttpEndpoints.Response.text(200, "page\n"));
    http.register(
        "/guarded",
        request ->
            "Basic ok".equals(request.getRequestHeaders().getFirst("Authorization"))
                ? Optional.empty()
                : Optional.of("no"),
        request -> HttpEndpoints.Response.text(200, "guarded\n"));
    http.register(
        "/broken",
        request -> {
          throw new IllegalStateException("boom");
        });
  }

  @AfterEach
  void stop() {
    http.close();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return send(method, path, null);
  }

  private HttpResponse<String> send(String method, String path, String authorization)
      throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + http.address().getPort() + path);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aGuardedEndpointAnswersOnlyWhomItsGateLetsInAndChallengesTheRest() throws Exception {
    HttpResponse<String> refused = send("GET", "/guarded");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).isEqualTo("unauthorized: no\n");
    assertThat(refused.headers().firstValue("WWW-Authenticate"))
        .contains("Basic realm=\"clusterdb\", charset=\"UTF-8\"");
    assertThat(send("GET", "/guarded", "Basic wrong").statusCode()).isEqualTo(401);
    HttpResponse<String> head = send("HEAD", "/guarded");
    assertThat(head.statusCode()).isEqualTo(401);
    assertThat(head.body()).isEmpty();
    assertThat(send("GET", "/guarded", "Basic ok").body()).isEqualTo("guarded\n");
    assertThat(send("GET", "/page").statusCode()).as("an open endpoint").isEqualTo(200);
  }

  @Test
  void eachEndpointAnswersItsExactPathOnly() throws Exception {
    assertThat(send("GET", "/page").body()).isEqualTo("page\n");
    assertThat(send("GET", "/").body()).isEqualTo("root\n");
    HttpResponse<String> under = send("GET", "/page/more");
    assertThat(under.statusCode()).isEqualTo(404);
    assertThat(send("GET", "/other").statusCode()).isEqualTo(404);
  }

  @Test
  void headHasNoBodyAndOtherMethodsAreRefused() throws Exception {
    HttpResponse<String> head = send("HEAD", "/page");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");

    HttpResponse<String> post = send("POST", "/page");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void aFailingEndpointAnswers500AndTheListenerGoesOn() throws Exception {
    assertThat(send("GET", "/broken").statusCode()).isEqualTo(500);
    assertThat(send("GET", "/page").statusCode()).isEqualTo(200);
  }
}
