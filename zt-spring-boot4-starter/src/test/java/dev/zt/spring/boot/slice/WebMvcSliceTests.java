package dev.zt.spring.boot.slice;

import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.zt.testkit.TestIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Boot 4.0's {@code @WebMvcTest} slice loads zt (the starter's
 * {@code META-INF/spring/org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc.imports}): MockMvc
 * requests go through the real filter, as they do in the application.
 */
@WebMvcTest(
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
  void webMvcTestWhenNoTokenThen401FromZt() throws Exception {
    mvc.perform(get("/orders/1"))
        .andExpect(status().isUnauthorized())
        .andExpect(header().string("WWW-Authenticate", startsWith("Bearer")));
  }

  @Test
  void webMvcTestWhenTokenOfAnotherAudienceThen401() throws Exception {
    String token = ISSUER.token().audience("other-api").scope("orders:read").build();

    mvc.perform(get("/orders/1").header("Authorization", "Bearer " + token)).andExpect(status().isUnauthorized());
  }

  @Test
  void webMvcTestWhenFormPutWithoutWriteScopeThen403() throws Exception {
    String token = ISSUER.token().audience("starter-api").scope("orders:read").build();

    mvc.perform(
            put("/orders/1")
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .content("note=hello"))
        .andExpect(status().isForbidden());
  }

  @Test
  void webMvcTestWhenTokenHasScopeThenControllerAnswers() throws Exception {
    String token = ISSUER.token().audience("starter-api").scope("orders:read").build();

    mvc.perform(get("/orders/1").header("Authorization", "Bearer " + token))
        .andExpect(status().isOk())
        .andExpect(content().string("order 1"));
  }
}
