package dev.zt.spring.boot;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * zt configured by {@code application.yaml} alone: the properties are the policy file's keys, validated by the file's
 * schema and builders, and each problem fails the start naming the property.
 */
class ZtPropertiesTests {

  private static final TestIssuer ISSUER = TestIssuer.start();

  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(ZtAutoConfiguration.class));

  @AfterAll
  static void stopIssuer() {
    ISSUER.close();
  }

  /** An issuer and two routes: the least a properties-only service sets. */
  private static List<String> base(String... more) {
    List<String> p = new ArrayList<>(List.of(
        "zt.issuer=" + ISSUER.issuer(),
        "zt.audience=props-api",
        "zt.routes[0].method=GET",
        "zt.routes[0].path=/orders/{id}",
        "zt.routes[0].require.all-scopes=orders:read",
        "zt.routes[1].method=GET",
        "zt.routes[1].path=/health",
        "zt.routes[1].require.permit-all=true"));
    p.addAll(List.of(more));
    return p;
  }

  private void run(List<String> properties, ContextConsumer<AssertableWebApplicationContext> check) {
    runner.withPropertyValues(properties.toArray(String[]::new)).run(check);
  }

  private static void failsNaming(AssertableWebApplicationContext context, String... texts) {
    assertThat(context).hasFailed();
    assertThat(context.getStartupFailure()).rootCause().message().contains(texts);
  }

  private static Enforcer enforcer(AssertableWebApplicationContext context) {
    assertThat(context).hasNotFailed();
    return context.getBean(ZtEnforcers.class).get();
  }

  @Test
  void startWhenStarterSwitchesSetThenNotReportedUnknown() {
    run(base("zt.spring-security.enabled=false", "zt.metrics.enabled=false"), context -> enforcer(context));
  }

  @Test
  void startWhenSwitchMisspelledThenFailsNamingIt() {
    run(base("zt.metrics.enable=false"), context -> failsNaming(context, "zt.metrics.enable"));
    run(base("zt.spring-security.enabled.x=true"), context -> failsNaming(context, "zt.spring-security.enabled.x"));
  }

  @Test
  void enforceWhenMeterRegistryThenTheStartersOwnEnforcerCountsDecisionsInIt() {
    runner.withConfiguration(AutoConfigurations.of(ZtMetricsAutoConfiguration.class))
        .withBean(io.micrometer.core.instrument.MeterRegistry.class,
            io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
        .withPropertyValues(base().toArray(String[]::new))
        .run(context -> {
          enforcer(context).enforce(TestRequest.get("/orders/1").build());
          io.micrometer.core.instrument.MeterRegistry registry =
              context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
          assertThat(registry.find("zt.decisions").tag("zt.reason", "CREDENTIAL_MISSING").counter())
              .isNotNull()
              .satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
        });
  }

  private String token(String... scopes) {
    return ISSUER.token().audience("props-api").scope(scopes).build();
  }

  @Test
  void startWhenPropertiesOnlyThenTheirRoutesDecide() {
    run(base(), context -> {
      Enforcer enforcer = enforcer(context);
      assertThat(context).hasSingleBean(Enforcer.class).hasBean("ztFilter").doesNotHaveBean("ztLivePolicy");

      assertThatDecision(enforcer.enforce(TestRequest.get("/orders/1").bearer(token("orders:read")).build()))
          .isAllowed();
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders/1").build()))
          .isDeniedWith(DenyReason.CREDENTIAL_MISSING);
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders/1").bearer(token("orders:list")).build()))
          .isDeniedWith(DenyReason.INSUFFICIENT_SCOPE);
      assertThatDecision(enforcer.enforce(TestRequest.get("/health").build())).isAllowed();
    });
  }

  @Test
  void enforceWhenNoRouteMatchesThenDeniedByDefault() {
    run(base(), context -> {
      Enforcer enforcer = enforcer(context);
      String token = token("orders:read");

      assertThatDecision(enforcer.enforce(TestRequest.of("DELETE", "/orders/1").bearer(token).build())).isDenied();
      assertThatDecision(enforcer.enforce(TestRequest.get("/admin").bearer(token).build())).isDenied();
      assertThatDecision(enforcer.enforce(TestRequest.post("/health").build())).isDenied();
    });
  }

  @Test
  void startWhenNoRoutesThenFailsNamingZtRoutes() {
    run(List.of("zt.issuer=" + ISSUER.issuer(), "zt.audience=props-api"),
        context -> failsNaming(context, "zt.routes", "denies every request"));
  }

  @Test
  void startWhenRoutesButNoIssuerThenFailsNamingZtIssuer() {
    run(List.of("zt.routes[0].method=GET", "zt.routes[0].path=/x", "zt.routes[0].require.permit-all=true"),
        context -> failsNaming(context, "zt.issuer"));
  }

  @Test
  void startWhenAudienceMissingThenFailsAsTheFileDoes() {
    List<String> p = base();
    p.remove("zt.audience=props-api");
    run(p, context -> failsNaming(context, "zt.issuer", "audience"));
  }

  @Test
  void enforceWhenTokenLifetimeOverMaxLifetimeThenInvalidToken() {
    run(base("zt.token.max-lifetime=10m"), context -> {
      Enforcer enforcer = enforcer(context);
      String longLived = ISSUER.token().audience("props-api").scope("orders:read").expiresIn(Duration.ofHours(2))
          .build();

      assertThatDecision(enforcer.enforce(TestRequest.get("/orders/1").bearer(longLived).build()))
          .isDeniedWith(DenyReason.TOKEN_LIFETIME_EXCEEDED);
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders/1").bearer(token("orders:read")).build()))
          .isAllowed();
    });
  }

  @Test
  void enforceWhenTokenTypeAtJwtAndTokenUntypedThenInvalidToken() {
    run(base("zt.token.type=at+jwt"), context -> {
      Enforcer enforcer = enforcer(context);
      String untyped = ISSUER.token().audience("props-api").scope("orders:read").withoutHeader("typ").build();

      assertThatDecision(enforcer.enforce(TestRequest.get("/orders/1").bearer(untyped).build())).hasStatus(401);
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders/1").bearer(token("orders:read")).build()))
          .isAllowed();
    });
  }

  @Test
  void enforceWhenAlgorithmsExcludeTheTokensThenInvalidToken() {
    run(base("zt.token.algorithms=ES256,PS256"), context -> assertThatDecision(enforcer(context)
        .enforce(TestRequest.get("/orders/1").bearer(token("orders:read")).build()))
        .isDeniedWith(DenyReason.TOKEN_ALGORITHM_REJECTED));
  }

  @Test
  void enforceWhenRolesClaimSetThenRolesReadFromIt() {
    List<String> p = base(
        "zt.roles-claim=realm_access.roles",
        "zt.routes[2].method=GET",
        "zt.routes[2].path=/admin",
        "zt.routes[2].require.all-roles=admin");
    run(p, context -> {
      Enforcer enforcer = enforcer(context);
      String nested = ISSUER.token().audience("props-api").claim("realm_access", Map.of("roles", List.of("admin")))
          .build();
      String topLevel = ISSUER.token().audience("props-api").roles("admin").build();

      assertThatDecision(enforcer.enforce(TestRequest.get("/admin").bearer(nested).build())).isAllowed();
      assertThatDecision(enforcer.enforce(TestRequest.get("/admin").bearer(topLevel).build()))
          .isDeniedWith(DenyReason.INSUFFICIENT_ROLE);
    });
  }

  @Test
  void startWhenIssuersListThenTokenRulesApplyToEach() {
    List<String> p = base("zt.issuers[0].issuer=" + ISSUER.issuer(), "zt.issuers[0].audience=props-api",
        "zt.issuers[1].issuer=https://other.example", "zt.issuers[1].audience=props-api",
        "zt.token.max-lifetime=10m");
    p.removeIf(s -> s.startsWith("zt.issuer=") || s.startsWith("zt.audience="));
    run(p, context -> {
      Enforcer enforcer = enforcer(context);
      String longLived = ISSUER.token().audience("props-api").scope("orders:read").expiresIn(Duration.ofHours(2))
          .build();

      assertThatDecision(enforcer.enforce(TestRequest.get("/orders/1").bearer(token("orders:read")).build()))
          .isAllowed();
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders/1").bearer(longLived).build()))
          .isDeniedWith(DenyReason.TOKEN_LIFETIME_EXCEEDED);
    });
  }

  @Test
  void startWhenIssuerAndIssuersThenFails() {
    run(base("zt.issuers[0].issuer=https://other.example", "zt.issuers[0].audience=props-api"),
        context -> failsNaming(context, "zt.issuer and zt.issuers"));
  }

  @Test
  void startWhenPlainHttpIssuerThenFailsUnlessAllowPlainHttp() {
    List<String> p = base();
    p.set(0, "zt.issuer=http://issuer.example");
    run(p, context -> failsNaming(context, "zt.issuer", "http"));
    p.add("zt.allow-plain-http=true");
    run(p, context -> assertThat(context).hasNotFailed());
  }

  @Test
  void enforceWhenRateLimitOnRouteThenSecondRequestIs429() {
    List<String> p = base(
        "zt.rate-limits.routes[0].route=GET /health",
        "zt.rate-limits.routes[0].name=health",
        "zt.rate-limits.routes[0].bandwidths[0].capacity=1",
        "zt.rate-limits.routes[0].bandwidths[0].period=1m",
        "zt.trust.cut-points.high=0.8",
        "zt.trust.cut-points.medium=0.6",
        "zt.trust.cut-points.low=0.3",
        "zt.detection=off",
        "zt.countermeasures=none",
        "zt.trust-forwarded-for=loopback,10.0.0.0/8",
        "zt.realm=props");
    run(p, context -> {
      Enforcer enforcer = enforcer(context);

      assertThatDecision(enforcer.enforce(TestRequest.get("/health").build())).isAllowed();
      assertThatDecision(enforcer.enforce(TestRequest.get("/health").build())).hasStatus(429);
    });
  }

  @Test
  void startWhenDetectionAndCountermeasuresGivenAsMapsThenStarts() {
    run(base("zt.detection.probing.per-source=20", "zt.detection.probing.per-network=200",
            "zt.detection.probing.window=1m", "zt.countermeasures.rules[0].on=sqli.*",
            "zt.countermeasures.rules[0].actions[0].block-source=15m", "zt.countermeasures.never-block=loopback"),
        context -> assertThat(context).hasNotFailed());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "zt.routes[0].path|orders",
    "zt.routes[0].method|get",
    "zt.routes[0].require.permit-all|yes",
    "zt.routes[0].require.minimum-trust|SUPER",
    "zt.token.type|JWT",
    "zt.token.max-lifetime|-5m",
    "zt.trust-forwarded-for|10.0.0.1/8",
    "zt.rate-limits.routes[0].route|GET /nowhere",
    "zt.trust.critical-event-ttl|1 hour",
    "zt.detection|sometimes",
    "zt.countermeasures|all",
    "zt.issuers|x",
    "zt.signature-provider|not a name",
    "zt.signature-provider|AUTO",
  })
  void startWhenPropertyHasBadValueThenFailsNamingIt(String property, String value) {
    List<String> p = base(property + "=" + value);
    if (property.startsWith("zt.rate-limits")) {
      p.add("zt.rate-limits.routes[0].name=nowhere");
      p.add("zt.rate-limits.routes[0].bandwidths[0].capacity=1");
      p.add("zt.rate-limits.routes[0].bandwidths[0].period=1m");
    }
    run(p, context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasStackTraceContaining(property);
    });
  }

  @Test
  void startWhenSignatureProviderIsJdkThenTheEnforcerVerifiesOnTheJdk() {
    run(base("zt.signature-provider=jdk"), context -> assertThat(enforcer(context).signatureProviders())
        .containsEntry("RS256", "SunRsaSign").containsEntry("ES256", "SunEC"));
  }

  @Test
  void startWhenSignatureProviderCannotVerifyAnAcceptedAlgorithmThenFailsNamingIt() {
    run(base("zt.signature-provider=SunEC"), context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasStackTraceContaining("SunEC").hasStackTraceContaining("cannot verify");
    });
    run(base("zt.signature-provider=NoSuchProvider"), context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasStackTraceContaining("NoSuchProvider")
          .hasStackTraceContaining("never falls back");
    });
  }

  @Test
  void startWhenPathWithoutSlashThenMessageIsTheSchemasAtTheProperty() {
    List<String> p = base();
    p.set(3, "zt.routes[0].path=orders/{id}");
    run(p, context -> failsNaming(context,
        "zt: the zt.* properties do not make a valid policy",
        "\n  zt.routes[0].path: does not match the regex pattern ^/"));
  }

  @Test
  void startWhenMaxLifetimeNotADurationThenFailsNamingIt() {
    run(base("zt.token.max-lifetime=banana"),
        context -> assertThat(context.getStartupFailure()).hasStackTraceContaining("zt.token.max-lifetime"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "zt.rotues[0].path|/x|zt.rotues[0].path",
    "zt.polcy-file|zt-policy.yaml|zt.polcy-file",
    "zt.token.lifetime|5m|zt.token.lifetime",
    "zt.routes[0].requir.all-scopes|orders:read|zt.routes[0].requir",
    "zt.issuer-uri|https://issuer.example|zt.issuer-uri",
    "zt.trust.signal[0].name|x|zt.trust.signal",
    "zt.issuer.uri|https://issuer.example|zt.issuer.uri",
    "zt.token.max-lifetime.value|5m|zt.token.max-lifetime.value",
  })
  void startWhenUnknownPropertyThenFailsNamingIt(String property, String value, String named) {
    run(base(property + "=" + value), context -> failsNaming(context, named));
  }

  @Test
  void startWhenPolicyFileAndRoutesThenFailsNamingBoth() {
    run(List.of("zt.policy-file=classpath:zt-policy.yaml", "zt.issuer=" + ISSUER.issuer(), "zt.audience=a",
            "zt.routes[0].path=/x", "zt.routes[0].require.permit-all=true"),
        context -> failsNaming(context, "zt.policy-file", "zt.routes[0].path", "not both"));
  }

  @Test
  void startWhenPolicyFileAndTokenRulesThenFails() {
    run(List.of("zt.policy-file=classpath:zt-policy.yaml", "zt.issuer=" + ISSUER.issuer(), "zt.audience=a",
            "zt.token.max-lifetime=5m"),
        context -> failsNaming(context, "zt.policy-file", "zt.token"));
  }

  @Test
  void startWhenValueHoldsSpringPlaceholderThenResolvedAsForEveryBootProperty() {
    List<String> p = base();
    p.set(4, "zt.routes[0].require.all-scopes=${zt-test.scope:orders:read}");
    run(p, context -> {
      Enforcer enforcer = enforcer(context);
      assertThatDecision(enforcer.enforce(TestRequest.get("/orders/1").bearer(token("orders:read")).build()))
          .isAllowed();
    });
  }

  @Test
  void startWhenSpringPlaceholderUnresolvableThenFailsNamingTheProperty() {
    run(base("zt.realm=${zt-test.no-such-value}"),
        context -> assertThat(context.getStartupFailure()).hasStackTraceContaining("zt: zt.realm: Could not resolve"));
  }

  @Test
  void startWhenDocsExampleYamlThenItsRoutesDecide() throws Exception {
    String doc = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/spring-boot.md"));
    int section = doc.indexOf("### Properties alone");
    int start = doc.indexOf("```yaml\n", section) + "```yaml\n".length();
    String yaml = doc.substring(start, doc.indexOf("```", start));
    var sources = new org.springframework.boot.env.YamlPropertySourceLoader()
        .load("spring-boot.md", new org.springframework.core.io.ByteArrayResource(
            yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    runner
        .withInitializer(c -> sources.forEach(ps -> c.getEnvironment().getPropertySources().addFirst(ps)))
        .run(context -> {
          Enforcer enforcer = enforcer(context);
          assertThatDecision(enforcer.enforce(TestRequest.get("/actuator/health").build())).isAllowed();
          assertThatDecision(enforcer.enforce(TestRequest.of("PATCH", "/orders/1").build())).hasStatus(401);
          assertThatDecision(enforcer.enforce(TestRequest.post("/orders").build())).hasStatus(401);
        });
  }

  @Test
  void startWhenListIndexesHaveAGapThenFailsNamingTheList() {
    List<String> p = base("zt.routes[3].method=GET", "zt.routes[3].path=/gap",
        "zt.routes[3].require.permit-all=true");
    run(p, context -> failsNaming(context, "zt.routes", "index 2"));
  }
}
