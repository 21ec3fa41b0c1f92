package dev.zt.testkit.spring.testapp;

import static dev.zt.testkit.spring.ZtTokens.zt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.zt.testkit.spring.ZtTest;
import dev.zt.testkit.spring.ZtTokens;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * A {@code @DynamicPropertySource} for {@code zt.issuer} is the one source above {@code @ZtTest}'s: the application
 * then trusts that issuer, and {@code zt()} fails saying so rather than mint tokens it would refuse.
 */
@SpringBootTest
@AutoConfigureMockMvc
@ZtTest
class ZtTestDynamicIssuerTests {

  @DynamicPropertySource
  static void otherIssuer(DynamicPropertyRegistry registry) {
    registry.add("zt.issuer", () -> "https://login.example");
  }

  @Autowired MockMvc mvc;

  @Value("${zt.issuer}")
  String issuer;

  @Test
  void ztWhenDynamicPropertyNamesAnotherIssuerThenFailsNamingIt() {
    assertThat(issuer).isEqualTo("https://login.example").isNotEqualTo(ZtTokens.issuer().issuer());
    assertThatThrownBy(() -> mvc.perform(get("/orders/1").with(zt().scopes("orders:read"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("https://login.example")
        .hasMessageContaining("@DynamicPropertySource");
  }

  @Test
  void requestWhenAnonymousThenStillUnauthorized() throws Exception {
    mvc.perform(get("/orders/1")).andExpect(status().isUnauthorized());
  }
}
