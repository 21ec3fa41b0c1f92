package dev.zt.testkit.spring;

import dev.zt.policy.PolicyExtensions;
import dev.zt.policy.PolicyFile;
import dev.zt.testkit.TestIssuer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * What a {@link ZtTest} application's tokens need, read once from its environment: the audience and the roles claim
 * its enforcer expects for the test issuer. Registered as a bean by {@link ZtContextCustomizer}; its absence means
 * the application was not started by a {@code @ZtTest} class.
 */
final class ZtTestContext {

  static final String BEAN_NAME = "dev.zt.testkit.spring.ztTestContext";
  static final String ISSUER = "zt.issuer";
  static final String AUDIENCE = "zt.audience";
  static final String JWKS_URI = "zt.jwks-uri";
  static final String ROLES_CLAIM = "zt.roles-claim";
  static final String POLICY_FILE = "zt.policy-file";
  static final String DEFAULT_ROLES_CLAIM = "roles";

  /** The audience and roles claim of the application's enforcer for the test issuer. */
  record Settings(String audience, String rolesClaim) {}

  private final ApplicationContext context;
  private final TestIssuer issuer;
  private volatile Settings settings;

  ZtTestContext(ApplicationContext context, TestIssuer issuer) {
    this.context = context;
    this.issuer = issuer;
  }

  TestIssuer issuer() {
    return issuer;
  }

  /** The zt test context of {@code context}, which must come from a {@code @ZtTest} class. */
  static ZtTestContext of(ApplicationContext context) {
    ZtTestContext zt = context.getBeanProvider(ZtTestContext.class).getIfAvailable();
    if (zt == null) {
      throw new IllegalStateException(
          "zt(): this application was not started by a @ZtTest test class, so it does not trust the test issuer:"
              + " annotate the test class with @ZtTest");
    }
    return zt;
  }

  Settings settings() {
    Settings s = settings;
    if (s == null) {
      s = resolve();
      settings = s;
    }
    return s;
  }

  private Settings resolve() {
    Environment env = context.getEnvironment();
    String configured = env.getProperty(ISSUER);
    if (!issuer.issuer().equals(configured)) {
      throw new IllegalStateException(
          "zt(): zt.issuer is " + configured + ", not the test issuer " + issuer.issuer()
              + ": a property source above @ZtTest's (e.g. @DynamicPropertySource) overrides it; remove that");
    }
    Optional<Map<?, ?>> fileIssuer = Optional.empty();
    String audience = env.getProperty(AUDIENCE);
    String rolesClaim = env.getProperty(ROLES_CLAIM);
    if (audience == null || rolesClaim == null) {
      fileIssuer = policyFileIssuer(env);
    }
    if (audience == null) {
      audience = fileIssuer.map(i -> firstAudience(i.get("audience"))).orElse(null);
    }
    if (audience == null) {
      throw new IllegalStateException(
          "zt(): the application names no audience for the test issuer: set zt.audience, or the audience of the"
              + " issuer ${ZT_ISSUER} in zt.policy-file");
    }
    if (rolesClaim == null) {
      rolesClaim =
          fileIssuer
              .map(i -> i.get("roles_claim"))
              .filter(String.class::isInstance)
              .map(String.class::cast)
              .orElse(DEFAULT_ROLES_CLAIM);
    }
    return new Settings(audience, rolesClaim);
  }

  /** The policy file's entry for the test issuer, read as the starter reads the file (its variables set). */
  private Optional<Map<?, ?>> policyFileIssuer(Environment env) {
    String location = env.getProperty(POLICY_FILE);
    if (location == null) {
      return Optional.empty();
    }
    Map<String, String> variables = new HashMap<>(System.getenv());
    variables.put("ZT_ISSUER", issuer.issuer());
    putIfSet(variables, "ZT_AUDIENCE", env.getProperty(AUDIENCE));
    putIfSet(variables, "ZT_JWKS_URI", env.getProperty(JWKS_URI));
    putIfSet(variables, "ZT_ROLES_CLAIM", env.getProperty(ROLES_CLAIM));
    PolicyFile file;
    try {
      file = PolicyFile.parse(location, read(location), variables, PolicyExtensions.none());
    } catch (Exception e) {
      throw new IllegalStateException("zt(): cannot read the audience from zt.policy-file " + location
          + " (set zt.audience instead): " + e.getMessage(), e);
    }
    if (!(file.document().get("issuers") instanceof List<?> issuers)) {
      return Optional.empty();
    }
    return issuers.stream()
        .filter(Map.class::isInstance)
        .<Map<?, ?>>map(i -> (Map<?, ?>) i)
        .filter(i -> issuer.issuer().equals(i.get("issuer")))
        .findFirst();
  }

  private static String read(String location) throws IOException {
    if (location.startsWith("classpath:") || location.startsWith("file:")) {
      try (InputStream in = new DefaultResourceLoader().getResource(location).getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    return Files.readString(Path.of(location));
  }

  private static String firstAudience(Object audience) {
    if (audience instanceof String s) {
      return s;
    }
    if (audience instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof String s) {
      return s;
    }
    return null;
  }

  private static void putIfSet(Map<String, String> variables, String name, String value) {
    if (value != null) {
      variables.put(name, value);
    }
  }
}
