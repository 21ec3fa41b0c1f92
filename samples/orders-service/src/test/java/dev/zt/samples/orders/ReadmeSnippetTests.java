package dev.zt.samples.orders;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.Test;

/**
 * The README's snippets are the sample's code between tags — the servlet one {@link OrdersSecurity#readmeExample},
 * the Netty one the pipeline of {@link OrdersService#startNetty} — and that code works.
 */
class ReadmeSnippetTests {

  private static final Path README = Path.of("../../README.md");
  private static final Path SOURCE = Path.of("src/main/java/dev/zt/samples/orders/OrdersSecurity.java");
  private static final Path NETTY_SOURCE = Path.of("src/main/java/dev/zt/samples/orders/OrdersService.java");

  @Test
  void readmeWhenComparedWithTheSampleThenShowsExactlyItsCode() throws IOException {
    assertThat(readmeSnippet("OrdersSecurity.java#readme ")).isEqualTo(sourceSnippet(SOURCE, "readme"));
    assertThat(readmeSnippet("OrdersService.java#readme-netty ")).isEqualTo(sourceSnippet(NETTY_SOURCE, "readme-netty"));
    assertThat(readmeSnippet("OrdersSecurity.java#readme-introspection "))
        .isEqualTo(sourceSnippet(SOURCE, "readme-introspection"));
  }

  @Test
  void readmeExampleWhenRunThenProtectsTheRoutes() {
    try (TestIssuer issuer = TestIssuer.start()) {
      Enforcer enforcer = OrdersSecurity.readmeExample(new ServletContextHandler(), issuer.issuer());
      String reader = issuer.token().scope("orders:read").build();
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(reader).build())).isAllowed();
      assertThatDecision(enforcer.enforce(TestRequest.post("/orders").bearer(reader).build()))
          .isDeniedWith(DenyReason.INSUFFICIENT_SCOPE);
      assertThatDecision(enforcer.enforce(TestRequest.get("/transactions").bearer(reader).build()))
          .isDeniedWith(DenyReason.ROUTE_UNMATCHED);
    }
  }

  private static List<String> readmeSnippet(String target) throws IOException {
    List<String> lines = Files.readAllLines(README);
    int marker = -1;
    for (int i = 0; i < lines.size() && marker < 0; i++) {
      if (lines.get(i).strip().startsWith("<!-- snippet: ") && lines.get(i).contains(target)) {
        marker = i;
      }
    }
    assertThat(marker).as("README snippet marker for %s", target).isNotNegative();
    int start = indexOf(lines, "```java", marker) + 1;
    int end = indexOf(lines, "```", start);
    return lines.subList(start, end);
  }

  private static List<String> sourceSnippet(Path source, String tag) throws IOException {
    List<String> lines = Files.readAllLines(source);
    int start = indexOf(lines, "// tag::" + tag + "[]", 0) + 1;
    int end = indexOf(lines, "// end::" + tag + "[]", start);
    String indent = lines.get(start).substring(0, lines.get(start).indexOf(lines.get(start).strip()));
    return lines.subList(start, end).stream()
        .map(l -> l.startsWith(indent) ? l.substring(indent.length()) : l)
        .collect(Collectors.toList());
  }

  private static int indexOf(List<String> lines, String prefix, int from) {
    for (int i = from; i < lines.size(); i++) {
      if (lines.get(i).strip().startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("marker not found: " + prefix);
  }

  @Test
  void readmeIntrospectionWhenBuiltThenIntrospectsTheIssuersTokensAndJwts() {
    dev.zt.core.credential.BearerJwt jwt = OrdersSecurity.readmeIntrospection("https://idp.example", "s3cret");
    assertThat(jwt.introspection()).get().satisfies(i -> {
      assertThat(i.introspectJwts()).isTrue();
      assertThat(i.endpoint()).isEmpty();
      assertThat(i.cacheTtl()).isEqualTo(java.time.Duration.ofSeconds(30));
    });
  }
}
