package dev.zt.spring.boot;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Enforcer;
import dev.zt.policy.LivePolicy;
import dev.zt.policy.PolicyHealth;
import dev.zt.testkit.TestRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** {@code zt.policy-file} as a Spring resource location, and {@code zt.policy-reload}. */
class ZtPolicyFileTests {

  private static final String POLICY = """
      version: 1
      issuers:
        - issuer: https://issuer.example
          audience: files-api
      routes:
        - method: GET
          path: %s
          require:
            permit_all: true
      """;

  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(ZtAutoConfiguration.class));

  @TempDir Path dir;

  private Path write(String publicPath) throws IOException {
    Path file = dir.resolve("zt-policy.yaml");
    Files.writeString(file, POLICY.formatted(publicPath));
    return file;
  }

  @Test
  void startWhenClasspathLocationThenPolicyFromTheClassPath() {
    runner
        .withPropertyValues("zt.policy-file=classpath:zt-policy.yaml", "zt.issuer=https://issuer.example",
            "zt.audience=starter-api")
        .run(context -> {
          assertThat(context).hasNotFailed();
          Enforcer enforcer = context.getBean(ZtEnforcers.class).get();
          assertThatDecision(enforcer.enforce(TestRequest.get("/boom").build())).isAllowed();
          assertThatDecision(enforcer.enforce(TestRequest.get("/orders/1").build())).hasStatus(401);
        });
  }

  @Test
  void startWhenFileUrlLocationThenPolicyFromTheFile() throws IOException {
    Path file = write("/open");
    runner
        .withPropertyValues("zt.policy-file=" + file.toUri())
        .run(context -> assertThatDecision(context.getBean(ZtEnforcers.class).get()
            .enforce(TestRequest.get("/open").build())).isAllowed());
  }

  @Test
  void startWhenBarePathThenItIsAFile() throws IOException {
    Path file = write("/open");
    runner
        .withPropertyValues("zt.policy-file=" + file)
        .run(context -> assertThatDecision(context.getBean(ZtEnforcers.class).get()
            .enforce(TestRequest.get("/open").build())).isAllowed());
  }

  @Test
  void startWhenClasspathResourceMissingThenFailsNamingTheProperty() {
    runner
        .withPropertyValues("zt.policy-file=classpath:no-such-policy.yaml")
        .run(context -> assertThat(context.getStartupFailure())
            .hasStackTraceContaining("zt.policy-file")
            .hasStackTraceContaining("no-such-policy.yaml"));
  }

  @Test
  void startWhenNetworkLocationThenRefused() {
    runner
        .withPropertyValues("zt.policy-file=https://policies.example/zt-policy.yaml")
        .run(context -> assertThat(context.getStartupFailure())
            .hasStackTraceContaining("zt.policy-file")
            .hasStackTraceContaining("never from the network"));
  }

  @Test
  void startWhenReloadUnsetThenNoLivePolicy() throws IOException {
    Path file = write("/open");
    runner
        .withPropertyValues("zt.policy-file=" + file)
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LivePolicy.class)
            .hasSingleBean(Enforcer.class));
  }

  @Test
  void reloadWhenFileChangesThenFiltersUseTheNewPolicy() throws IOException {
    Path file = write("/before");
    runner
        .withPropertyValues("zt.policy-file=" + file, "zt.policy-reload=true")
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(LivePolicy.class).doesNotHaveBean(Enforcer.class);
          ZtEnforcers enforcers = context.getBean(ZtEnforcers.class);
          assertThatDecision(enforcers.get().enforce(TestRequest.get("/before").build())).isAllowed();

          Files.writeString(file, POLICY.formatted("/after"));
          assertThat(context.getBean(LivePolicy.class).checkNow().status()).isEqualTo(PolicyHealth.Status.OK);

          assertThatDecision(enforcers.get().enforce(TestRequest.get("/after").build())).isAllowed();
          assertThatDecision(enforcers.get().enforce(TestRequest.get("/before").build())).hasStatus(401);
        });
  }

  @Test
  void reloadWhenBadEditThenLastGoodPolicyKept() throws IOException {
    Path file = write("/before");
    runner
        .withPropertyValues("zt.policy-file=" + file, "zt.policy-reload=true")
        .run(context -> {
          ZtEnforcers enforcers = context.getBean(ZtEnforcers.class);
          Enforcer good = enforcers.get();

          Files.writeString(file, POLICY.formatted("no-slash"));
          PolicyHealth health = context.getBean(LivePolicy.class).checkNow();

          assertThat(health.status()).isEqualTo(PolicyHealth.Status.DEGRADED);
          assertThat(enforcers.get()).isSameAs(good);
          assertThatDecision(enforcers.get().enforce(TestRequest.get("/before").build())).isAllowed();
        });
  }

  @Test
  void startWhenReloadOfClasspathPolicyThenFailsNamingTheProperty() {
    runner
        .withPropertyValues("zt.policy-file=classpath:zt-policy.yaml", "zt.policy-reload=true",
            "zt.issuer=https://issuer.example", "zt.audience=starter-api")
        .run(context -> assertThat(context.getStartupFailure()).hasStackTraceContaining("zt.policy-reload")
            .hasStackTraceContaining("not on the file system"));
  }

  @Test
  void startWhenReloadWithoutPolicyFileThenFails() {
    runner
        .withPropertyValues("zt.policy-reload=true", "zt.issuer=https://issuer.example", "zt.audience=a",
            "zt.routes[0].path=/x", "zt.routes[0].require.permit-all=true")
        .run(context -> assertThat(context.getStartupFailure()).hasStackTraceContaining("zt.policy-reload"));
  }

  @Test
  void startWhenReloadNotABooleanThenFailsNamingIt() throws IOException {
    Path file = write("/open");
    runner
        .withPropertyValues("zt.policy-file=" + file, "zt.policy-reload=sometimes")
        .run(context -> assertThat(context.getStartupFailure()).hasStackTraceContaining("zt.policy-reload"));
  }
}
