package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.samples.orders.model.Answer;
import dev.zt.samples.orders.model.OrderStore;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** What the API answers when the store is full: 507, problem+json, no Location; reads still work. */
class OrdersApiTests {

  @Test
  void createWhenStoreFullThen507ProblemJsonWithoutLocation() throws Exception {
    dev.zt.testkit.TestIssuer issuer = dev.zt.testkit.TestIssuer.start();
    try (issuer) {
      OrdersApi api = new OrdersApi(new OrderStore(new SecureRandom(), 1, 1));
      dev.zt.core.Enforcer enforcer = OrdersSecurity.enforcer(issuer.bearerJwt().build(), null);
      dev.zt.core.Caller alice = ((dev.zt.core.Decision.Allow) enforcer.enforce(dev.zt.testkit.TestRequest
          .post("/orders").bearer(issuer.token().subject("alice").scope("orders:write")
              .build()).build()).toCompletableFuture().get()).caller();

      Answer first = ((OrdersApi.Step.Done) api.route("POST", "/orders", alice)).answer();
      Answer second = ((OrdersApi.Step.Done) api.route("POST", "/orders", alice)).answer();

      assertThat(first.status()).isEqualTo(201);
      assertThat(second.status()).isEqualTo(507);
      assertThat(second.contentType()).isEqualTo("application/problem+json");
      assertThat(second.headers()).doesNotContainKey("Location");
      assertThat(second.json()).contains("\"status\":507");
      assertThat(api.route("GET", "/orders", alice)).isInstanceOf(OrdersApi.Step.Done.class);
    }
  }
}
