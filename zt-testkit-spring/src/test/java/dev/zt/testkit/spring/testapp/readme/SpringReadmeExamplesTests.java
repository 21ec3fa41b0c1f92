package dev.zt.testkit.spring.testapp.readme;

import static dev.zt.testkit.spring.ZtTokens.zt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.boot.test.context.SpringBootTest.WebEnvironment.RANDOM_PORT;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.zt.testkit.spring.ZtTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;

/** The Spring deny tests of zt-testkit/README.md, compiled and run, and the page checked to show them as here. */
class SpringReadmeExamplesTests {

  @Nested
  @SpringBootTest
  @AutoConfigureMockMvc
  @ZtTest
  class OrdersSecurityTests {
    @Autowired MockMvc mvc;

    @Test
    void getOrderWhenScopeMissingThenForbidden() throws Exception {
      mvc.perform(get("/orders/1").with(zt().scopes("profile"))).andExpect(status().isForbidden());
    }
  }

  @Nested
  @SpringBootTest(webEnvironment = RANDOM_PORT)
  @ZtTest
  class OrdersHttpTests {
    @Autowired WebTestClient client;

    @Test
    void getOrderWhenTokenExpiredThenUnauthorized() {
      client.get().uri("/orders/1").headers(zt().scopes("orders:read").expired())
          .exchange().expectStatus().isUnauthorized();
    }
  }

  @Test
  void readmeWhenComparedWithThisFileThenShowsTheSpringTestsAsCompiledHere() throws Exception {
    Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    String readme = Files.readString(module.resolveSibling("zt-testkit").resolve("README.md"));
    String self = Files.readString(module.resolve("src/test/java/"
        + SpringReadmeExamplesTests.class.getName().replace('.', '/') + ".java"));
    List<String> blocks = new ArrayList<>();
    Matcher java = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
    while (java.find()) {
      if (java.group(1).contains("@ZtTest")) {
        blocks.add(java.group(1));
      }
    }

    assertThat(blocks).hasSize(2);
    for (String block : blocks) {
      for (String line : block.strip().split("\n")) {
        assertThat(self).as("README line %s", line).contains(line.strip());
      }
    }
  }
}
