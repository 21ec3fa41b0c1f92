package dev.zt.testkit.spring;

import static dev.zt.testkit.spring.ZtTokens.zt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.zt.testkit.TestKey;
import dev.zt.testkit.spring.testapp.OrdersApplication;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.MockMvc;

/**
 * {@code .with(zt()…)} in a full application on MockMvc: every token is minted by the JVM's issuer for the
 * application's audience and verified by the real filter; each accept path beside its deny paths.
 */
@SpringBootTest(classes = OrdersApplication.class)
@AutoConfigureMockMvc
@ZtTest
class ZtMockMvcTests {

  @Autowired MockMvc mvc;

  @Test
  void withZtWhenScopeGrantedThenApplicationAnswers() throws Exception {
    mvc.perform(get("/orders/1").with(zt().scopes("orders:read")))
        .andExpect(status().isOk())
        .andExpect(content().string("order 1"));
  }

  @Test
  void withZtWhenScopeMissingThenForbidden() throws Exception {
    mvc.perform(get("/orders/1").with(zt().scopes("profile")))
        .andExpect(status().isForbidden())
        .andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.containsString("insufficient_scope")));
  }

  @Test
  void requestWhenAnonymousThenUnauthorized() throws Exception {
    mvc.perform(get("/orders/1")).andExpect(status().isUnauthorized());
  }

  @Test
  void withZtWhenExpiredThenUnauthorized() throws Exception {
    mvc.perform(get("/orders/1").with(zt().scopes("orders:read").expired()))
        .andExpect(status().isUnauthorized())
        .andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.containsString("invalid_token")));
  }

  @Test
  void withZtWhenAnotherAudienceThenUnauthorized() throws Exception {
    mvc.perform(get("/orders/1").with(zt().scopes("orders:read").audience("payments-api")))
        .andExpect(status().isUnauthorized());
  }

  @Test
  void withZtWhenAnotherIssuerThenUnauthorized() throws Exception {
    mvc.perform(get("/orders/1").with(zt().scopes("orders:read").issuer("https://issuer.example")))
        .andExpect(status().isUnauthorized());
  }

  @Test
  void withZtWhenSignedWithUnpublishedKeyThenUnauthorized() throws Exception {
    mvc.perform(get("/orders/1").with(zt().scopes("orders:read").signedWith(TestKey.rsa())))
        .andExpect(status().isUnauthorized());
  }

  @Test
  void withZtWhenRoleGrantedThenApplicationAnswers() throws Exception {
    mvc.perform(get("/admin").with(zt().roles("admin"))).andExpect(status().isOk());
  }

  @Test
  void withZtWhenRoleMissingThenForbidden() throws Exception {
    mvc.perform(get("/admin").with(zt().roles("user"))).andExpect(status().isForbidden());
  }

  @Test
  void withZtWhenSubjectClientAndClaimsSetThenCallerCarriesThem() throws Exception {
    mvc.perform(
            get("/me")
                .with(
                    zt().subject("alice")
                        .clientId("orders-ui")
                        .scopes("orders:read", "orders:write")
                        .roles("buyer")
                        .claim("tenant", "acme")))
        .andExpect(status().isOk())
        .andExpect(content().string("alice orders-ui [orders:read, orders:write] [buyer] acme"));
  }

  @Test
  void withZtWhenRequestAlreadyHasCredentialThenBothAreSentAndRefused() throws Exception {
    mvc.perform(get("/orders/1").header("Authorization", "Bearer x").with(zt().scopes("orders:read")))
        .andExpect(status().isBadRequest());
  }

  @Test
  void withZtWhenClaimIsMapThenSentAsJson() throws Exception {
    mvc.perform(get("/me").with(zt().claim("tenant", Map.of("id", "acme"))))
        .andExpect(status().isOk())
        .andExpect(content().string(org.hamcrest.Matchers.endsWith("{id=acme}")));
  }
}
