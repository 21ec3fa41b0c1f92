package dev.zt.testkit.spring.testapp;

import static dev.zt.testkit.spring.ZtTokens.zt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Without {@code @ZtTest} nothing changes the application (its own issuer stays), and {@code zt()} refuses to mint
 * rather than send a token the application would refuse for a reason the test does not show.
 */
@SpringBootTest(properties = "zt.issuer=https://issuer.example")
@AutoConfigureMockMvc
class ZtTokenWithoutZtTestTests {

  @Autowired MockMvc mvc;

  @Value("${zt.issuer}")
  String issuer;

  @Test
  void contextWhenNoZtTestThenIssuerPropertyUntouched() {
    assertThat(issuer).isEqualTo("https://issuer.example");
  }

  @Test
  void mockMvcWhenNoZtTestThenZtRefusesToMint() {
    assertThatThrownBy(() -> mvc.perform(get("/orders/1").with(zt().scopes("orders:read"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("@ZtTest");
  }

  @Test
  void headersWhenNoZtTestThenZtRefusesToMint() {
    assertThatThrownBy(() -> zt().accept(new HttpHeaders()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("@ZtTest");
  }
}
