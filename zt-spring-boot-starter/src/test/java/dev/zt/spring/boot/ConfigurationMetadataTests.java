package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata ships in the jar, so IDEs complete {@code zt.*}: every property zt reads is listed with a
 * description, and the ones with a default name it.
 */
class ConfigurationMetadataTests {

  private static Map<String, JsonNode> properties() throws Exception {
    JsonNode json;
    try (InputStream in =
        ZtProperties.class.getClassLoader().getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
      assertThat(in).isNotNull();
      json = new ObjectMapper().readTree(in);
    }
    Map<String, JsonNode> out = new HashMap<>();
    json.get("properties").forEach(p -> out.put(p.get("name").asText(), p));
    return out;
  }

  @Test
  void metadataWhenCompiledThenListsEveryZtProperty() throws Exception {
    Set<String> expected = new TreeSet<>();
    PropertiesPolicy.TYPED.stream().filter(k -> !k.equals("token")).forEach(k -> expected.add("zt." + k));
    Set.of("max-lifetime", "type", "algorithms").forEach(k -> expected.add("zt.token." + k));
    PropertiesPolicy.DOCUMENT.forEach(k -> expected.add("zt." + k));

    assertThat(properties().keySet()).containsAll(expected);
  }

  @Test
  void metadataWhenCompiledThenEveryPropertyHasADescription() throws Exception {
    assertThat(properties().values())
        .allSatisfy(p -> assertThat(p.path("description").asText()).as(p.get("name").asText()).isNotBlank());
  }

  @Test
  void metadataWhenPropertyHasADefaultThenItIsListed() throws Exception {
    Map<String, JsonNode> p = properties();

    assertThat(p.get("zt.policy-reload").get("defaultValue").asBoolean(true)).isFalse();
    assertThat(p.get("zt.allow-plain-http").get("defaultValue").asBoolean(true)).isFalse();
    assertThat(p.get("zt.no-implicit-head").get("defaultValue").asBoolean(true)).isFalse();
  }
}
