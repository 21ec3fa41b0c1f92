package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.pdp.FakeOpa;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PdpChecks} with {@code ZT_SERVER=netty}. Plus what only Netty has to get right itself: the object checks of
 * pipelined requests complete on other threads (a PDP answer), yet the answers leave in the order the requests came.
 */
class NettyPdpTests extends PdpChecks {

  @Override
  String server() {
    return "netty";
  }

  @Test
  void pdpWhenRequestsArePipelinedThenAnswersKeepTheirOrder() throws Exception {
    try (TestIssuer issuer = TestIssuer.start(); FakeOpa opa = FakeOpa.start();
        OrdersService service = OrdersService.startFromEnvironment(Map.of("ZT_ISSUER", issuer.issuer(),
            "ZT_AUDIENCE", "orders-api", "PORT", "0", "ZT_HOST", "127.0.0.1", "ZT_SERVER", "netty",
            "ZT_PDP_URL", opa.baseUri().toString()))) {
      String alice = issuer.token().subject("alice").scope("orders:read orders:write").build();
      String[] ids = new String[3];
      for (int i = 0; i < ids.length; i++) {
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + service.port() + "/orders")).header("Authorization", "Bearer " + alice)
            .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        ids[i] = created.headers().firstValue("Location").orElseThrow().substring("/orders/".length());
      }
      String denied = ids[1];
      opa.allowWhen(in -> !in.get("resource.id").filter(denied::equals).isPresent()); // the second one: no
      StringBuilder pipelined = new StringBuilder();
      for (String path : new String[] {"/orders/" + ids[0], "/orders/" + ids[1], "/health", "/orders/" + ids[2],
          "/orders/AAAAAAAAAAAAAAAAAAAAAA"}) {
        pipelined.append("GET ").append(path).append(" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ").append(alice)
            .append("\r\n\r\n");
      }
      pipelined.append("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

      String answers;
      try (Socket socket = new Socket("127.0.0.1", service.port())) {
        socket.setSoTimeout(10_000); // a bound for a broken test; the read ends when the server closes
        socket.getOutputStream().write(pipelined.toString().getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        answers = all.toString(StandardCharsets.UTF_8);
      }

      java.util.List<String> order = new java.util.ArrayList<>();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("HTTP/1.1 (\\d{3})[^\\r]*\\r\\n")
          .matcher(answers);
      while (m.find()) {
        order.add(m.group(1));
      }
      assertThat(order).containsExactly("200", "403", "200", "200", "404", "200");
      int health = answers.indexOf("\"status\":\"UP\"");
      assertThat(answers.indexOf(ids[0])).isBetween(0, health);
      assertThat(answers.indexOf("\"status\":403")).isBetween(answers.indexOf(ids[0]), health);
      assertThat(answers.indexOf(ids[2])).isGreaterThan(health);
      assertThat(opa.requestCount()).isEqualTo(3);
    }
  }
}
