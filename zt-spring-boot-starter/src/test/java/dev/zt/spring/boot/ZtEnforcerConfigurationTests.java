package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.RoutePolicy;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** How the enforcer bean comes about: from the policy file, from the application, or not at all (the start fails). */
class ZtEnforcerConfigurationTests {

  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(ZtAutoConfiguration.class));

  @Test
  void startWhenNoPolicyFileAndNoEnforcerThenFails() {
    runner.run(
        context ->
            assertThat(context)
                .hasFailed()
                .getFailure()
                .rootCause()
                .hasMessageContaining("zt.policy-file"));
  }

  @Test
  void startWhenPropertyTheFileDoesNotUseThenFails() {
    runner
        .withPropertyValues(
            "zt.policy-file=src/test/resources/zt-policy.yaml",
            "zt.issuer=https://issuer.example",
            "zt.audience=starter-api",
            "zt.jwks-uri=https://issuer.example/jwks")
        .run(
            context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("${ZT_JWKS_URI}"));
  }

  @Test
  void startWhenPolicyFileVariableUnsetThenFails() {
    runner
        .withPropertyValues("zt.policy-file=src/test/resources/zt-policy.yaml", "zt.issuer=https://issuer.example")
        .run(context -> assertThat(context).hasFailed());
  }

  @Test
  void startWhenPolicyFileAndPropertiesThenEnforcerAndFilters() {
    runner
        .withPropertyValues(
            "zt.policy-file=src/test/resources/zt-policy.yaml",
            "zt.issuer=https://issuer.example",
            "zt.audience=starter-api",
            "zt.roles-claim=realm_access.roles")
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(Enforcer.class);
              assertThat(context).hasBean("ztFilter").hasBean("ztErrorDispatchGuard");
            });
  }

  @Test
  void startWhenApplicationDefinesEnforcerThenItIsUsedAndNoFileNeeded() {
    Enforcer own =
        Enforcer.builder()
            .bearerJwt(
                BearerJwt.issuer("https://issuer.example")
                    .audience("starter-api")
                    .jwksUri(URI.create("https://issuer.example/jwks"))
                    .build())
            .routes(RoutePolicy.builder().build())
            .build();
    runner
        .withBean(Enforcer.class, () -> own)
        .run(context -> assertThat(context).hasNotFailed().getBean(Enforcer.class).isSameAs(own));
  }

  @Test
  void startWhenApplicationEnforcerAndPolicyPropertiesThenFailsNamingThem() {
    Enforcer own =
        Enforcer.builder()
            .bearerJwt(
                BearerJwt.issuer("https://issuer.example")
                    .audience("starter-api")
                    .jwksUri(URI.create("https://issuer.example/jwks"))
                    .build())
            .routes(RoutePolicy.builder().build())
            .build();
    runner
        .withBean(Enforcer.class, () -> own)
        .withPropertyValues("zt.routes[0].path=/open", "zt.routes[0].require.permit-all=true")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("own Enforcer").hasMessageContaining("zt.routes[0].path"));
  }
}
