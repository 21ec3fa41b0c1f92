package dev.zt.testkit.it.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;

/** What the mock-oauth2-server interop tests ask of the server: tokens over HTTP, and the requests it received. */
final class MockOAuth2Servers {

  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private MockOAuth2Servers() {}

  /**
   * A client-credentials access token with scope {@code orders:read} for {@code audience} from {@code issuerId}'s
   * token endpoint, over HTTP; its subject is the client.
   */
  static String clientCredentials(MockOAuth2Server server, String issuerId, String client, String audience)
      throws Exception {
    server.enqueueCallback(new DefaultOAuth2TokenCallback(issuerId, client, "JWT", List.of(audience),
        Map.of("scope", "orders:read"), 300));
    HttpResponse<String> t = HTTP.send(HttpRequest.newBuilder(server.tokenEndpointUrl(issuerId).uri())
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope="
            + URLEncoder.encode("orders:read", StandardCharsets.UTF_8) + "&client_id=" + client
            + "&client_secret=secret"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(t.statusCode()).isEqualTo(200);
    return (String) JSONObjectUtils.parse(t.body()).get("access_token");
  }

  /**
   * The requests the server received since the last call. A request is recorded before it is answered, so every
   * request of a finished {@code enforce} is there: nothing is waited for.
   */
  static List<RecordedRequest> requestsSinceLastCall(MockOAuth2Server server) throws InterruptedException {
    var recorder = ((MockWebServerWrapper) server.getConfig().getHttpServer()).getMockWebServer();
    List<RecordedRequest> requests = new ArrayList<>();
    for (RecordedRequest r = recorder.takeRequest(0, TimeUnit.MILLISECONDS); r != null;
        r = recorder.takeRequest(0, TimeUnit.MILLISECONDS)) {
      requests.add(r);
    }
    return requests;
  }
}
