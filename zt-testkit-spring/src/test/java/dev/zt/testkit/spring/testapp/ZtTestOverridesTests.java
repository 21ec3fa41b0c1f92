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
 * An application configured for its production issuer ({@code zt.issuer}, {@code zt.jwks-uri}) and a nested roles
 * claim: {@code @ZtTest} points both issuer properties at the test issuer, over the application's own.
 */
@SpringBootTest(
    properties = {
      "zt.issuer=https://login.example",
      "zt.jwks-uri=https://login.example/keys",
      "zt.roles-claim=realm_access.roles",
      "zt.policy-file=src/test/resources/zt-policy-jwks.yaml"
    })
@AutoConfigureMockMvc
@ZtTest
class ZtTestOverridesTests {

  @Autowired MockMvc mvc;

  @Test
  void withZtWhenApplicationNamesAnotherIssuerThenTestIssuerWins() throws Exception {
    mvc.perform(get("/orders/1").with(zt().scopes("orders:read"))).andExpect(status().isOk());
  }

  @Test
  void withZtWhenRolesClaimPropertyNestedThenRolesReachTheCaller() throws Exception {
    mvc.perform(get("/admin").with(zt().roles("admin"))).andExpect(status().isOk());
  }

  @Test
  void withZtWhenRoleInFlatClaimOnlyThenForbidden() throws Exception {
    mvc.perform(get("/admin").with(zt().claim("roles", java.util.List.of("admin")))).andExpect(status().isForbidden());
  }
}
