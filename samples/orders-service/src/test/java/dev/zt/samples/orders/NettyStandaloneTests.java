package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.credential.BearerJwt;
import dev.zt.samples.checks.OrdersTarget;
import dev.zt.samples.checks.StandaloneChecks;
import dev.zt.testkit.TestIssuer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shared standalone checks with {@code ZT_SERVER=netty}: Netty with zt's handler. Plus what Jetty does on its own
 * and the Netty pipeline has to be told: an idle connection is closed.
 */
class NettyStandaloneTests extends StandaloneChecks {

  @Override
  protected OrdersTarget target() {
    return new OrdersServiceTarget(OrdersService.ServerKind.NETTY);
  }

  @Test
  void nettyWhenConnectionSitsIdleThenTheServerClosesItAndServesOthers() throws Exception {
    try (TestIssuer issuer = TestIssuer.start()) {
      BearerJwt jwt = OrdersService.jwtFromEnvironment(
          Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", "orders-api"));
      try (OrdersService service = OrdersService.startNetty(
              "127.0.0.1", 0, OrdersSecurity.enforcer(jwt, null), null, null, Duration.ofMillis(200));
          Socket idle = new Socket("127.0.0.1", service.port())) {
        idle.setSoTimeout(10_000); // a bound for a broken test, not the synchronisation: the read ends at the close
        OutputStream out = idle.getOutputStream();
        out.write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII)); // and never ends it

        InputStream in = idle.getInputStream();
        assertThat(in.read()).as("the server closed the idle connection without answering").isEqualTo(-1);

        try (Socket next = new Socket("127.0.0.1", service.port())) {
          next.setSoTimeout(10_000);
          next.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          String answer = new String(next.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
          assertThat(answer).startsWith("HTTP/1.1 200");
        }
      }
    }
  }
}
