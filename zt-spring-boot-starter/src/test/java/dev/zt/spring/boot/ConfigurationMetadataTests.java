package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The configuration processor's metadata ships in the jar, so IDEs complete {@code zt.*}. */
class ConfigurationMetadataTests {

  @Test
  void metadataWhenCompiledThenListsEveryZtProperty() throws Exception {
    String json;
    try (InputStream in =
        ZtProperties.class.getClassLoader().getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
      assertThat(in).isNotNull();
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(json)
        .contains("\"zt.policy-file\"", "\"zt.issuer\"", "\"zt.audience\"", "\"zt.jwks-uri\"", "\"zt.roles-claim\"")
        .contains("dev.zt.spring.boot.ZtProperties");
  }
}
