package dev.zt.testkit.spring.testapp;

import static dev.zt.testkit.spring.ZtTokens.zt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.zt.testkit.spring.ZtTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.MockMvc;

/**
 * An application whose policy file names the audience and roles claim itself (no {@code zt.audience}): tokens take
 * the file's first audience for the test issuer and put roles where the file reads them.
 */
@SpringBootTest(
    properties = {
      "spring.config.name=none", // not application.properties: no zt.audience
      "zt.policy-file=src/test/resources/zt-policy-fixed-audience.yaml"
    })
@AutoConfigureMockMvc
@ZtTest
class ZtTestPolicyFileTests {

  @Autowired MockMvc mvc;

  @Test
  void withZtWhenAudienceOnlyInPolicyFileThenAccepted() throws Exception {
    mvc.perform(get("/orders/1").with(zt().scopes("orders:read"))).andExpect(status().isOk());
  }

  @Test
  void withZtWhenAnotherAudienceThenUnauthorized() throws Exception {
    mvc.perform(get("/orders/1").with(zt().scopes("orders:read").audience("orders-api")))
        .andExpect(status().isUnauthorized());
  }

  @Test
  void withZtWhenRolesClaimNestedInPolicyFileThenRolesReachTheCaller() throws Exception {
    mvc.perform(get("/admin").with(zt().roles("admin"))).andExpect(status().isOk());
  }

  @Test
  void withZtWhenNestedRoleMissingThenForbidden() throws Exception {
    mvc.perform(get("/admin").with(zt().roles("user"))).andExpect(status().isForbidden());
  }
}
