package dev.zt.spring.boot.testapp;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.zt.testkit.TestIssuer;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * A {@code @WebMvcTest} slice of one controller loads zt, as it loads Spring Security: the starter lists
 * {@code ZtAutoConfiguration} in {@code META-INF/spring/…AutoConfigureMockMvc.imports}, so the slice's MockMvc sends
 * each request through {@code ZeroTrustFilter} (zt-testkit-spring's {@code @ZtTest} does this setup in one annotation).
 */
@WebMvcTest(
    controllers = StarterTestApplication.Orders.class,
    properties = {"zt.policy-file=src/test/resources/zt-policy.yaml", "zt.audience=starter-api"})
class WebMvcSliceTests {

  private static final TestIssuer ISSUER = TestIssuer.start();

  @DynamicPropertySource
  static void zt(DynamicPropertyRegistry registry) {
    registry.add("zt.issuer", ISSUER::issuer);
  }

  @AfterAll
  static void stopIssuer() {
    ISSUER.close();
  }

  @Autowired MockMvc mvc;

  @Test
  void sliceWhenAnonymousThenUnauthorizedByZt() throws Exception {
    mvc.perform(get("/orders/1"))
        .andExpect(status().isUnauthorized())
        .andExpect(header().string("WWW-Authenticate", Matchers.startsWith("Bearer")));
  }

  @Test
  void sliceWhenScopeMissingThenForbiddenByZt() throws Exception {
    String token = ISSUER.token().audience("starter-api").scope("profile").build();

    mvc.perform(get("/orders/1").header("Authorization", "Bearer " + token))
        .andExpect(status().isForbidden())
        .andExpect(header().string("WWW-Authenticate", Matchers.containsString("insufficient_scope")));
  }

  @Test
  void sliceWhenScopeGrantedThenControllerAnswers() throws Exception {
    String token = ISSUER.token().audience("starter-api").scope("orders:read").build();

    mvc.perform(get("/orders/1").header("Authorization", "Bearer " + token)).andExpect(status().isOk());
  }
}
