package dev.zt.spring.boot;

import dev.zt.core.Enforcer;
import dev.zt.policy.InvalidPolicyException;
import dev.zt.policy.PolicyExtensions;
import dev.zt.policy.PolicyFile;
import dev.zt.servlet.ZeroTrustFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of zt in a servlet web application: an {@link Enforcer} built from {@code zt.policy-file}
 * (replaced by any {@code Enforcer} bean of the application), and {@link ZeroTrustFilter} on every path for
 * {@code REQUEST} dispatches, ordered before Spring's form and method filters and Spring Security's chain
 * ({@link ZtFilters#ORDER}). {@code ERROR} dispatches reach the application's error page only for requests zt allowed.
 * The actuator's management context on its own port gets the same filter ({@link ZtManagementContextConfiguration}).
 *
 * @since 0.4
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(ZeroTrustFilter.class)
@EnableConfigurationProperties(ZtProperties.class)
public class ZtAutoConfiguration {

  /** The variables the properties fill in the policy file. */
  private static final String ISSUER = "ZT_ISSUER";
  private static final String AUDIENCE = "ZT_AUDIENCE";
  private static final String JWKS_URI = "ZT_JWKS_URI";
  private static final String ROLES_CLAIM = "ZT_ROLES_CLAIM";

  /** Spring creates it. */
  public ZtAutoConfiguration() {}

  /**
   * The enforcer of {@code zt.policy-file}, when the application defines none. Without a policy file the start fails:
   * zt denies every request no route allows, and an application with no routes would answer nothing.
   */
  @Bean
  @ConditionalOnMissingBean
  Enforcer ztEnforcer(ZtProperties properties) throws InvalidPolicyException {
    Path file =
        properties
            .policyFileIfSet()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "zt: set zt.policy-file (the routes, deny by default, and issuers) or define an Enforcer"
                            + " bean"));
    Map<String, String> variables = variables(properties);
    requireUsed(file, variables);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putAll(variables);
    return PolicyFile.load(file, env, PolicyExtensions.none()).enforcerBuilder().build();
  }

  @Bean
  FilterRegistrationBean<ZeroTrustFilter> ztFilter(Enforcer enforcer) {
    return ZtFilters.requests(enforcer);
  }

  @Bean
  FilterRegistrationBean<ErrorDispatchGuard> ztErrorDispatchGuard() {
    return ZtFilters.errors();
  }

  /** The properties that are set, by the file variable they fill. */
  static Map<String, String> variables(ZtProperties p) {
    Map<String, String> v = new LinkedHashMap<>();
    putIfSet(v, ISSUER, p.issuer());
    putIfSet(v, AUDIENCE, p.audience());
    putIfSet(v, JWKS_URI, p.jwksUri() == null ? null : p.jwksUri().toString());
    putIfSet(v, ROLES_CLAIM, p.rolesClaim());
    return v;
  }

  private static void putIfSet(Map<String, String> v, String name, String value) {
    if (value != null) {
      v.put(name, value);
    }
  }

  /** A property the file never reads would look enforced and be ignored: refuse it. */
  private static void requireUsed(Path file, Map<String, String> variables) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("zt: cannot read zt.policy-file " + file, e);
    }
    for (String name : variables.keySet()) {
      if (!text.contains("${" + name + "}") && !text.contains("${" + name + ":-")) {
        throw new IllegalStateException(
            "zt: the property for ${" + name + "} is set but the policy file " + file + " does not use ${" + name
                + "}: refer to it in the file or remove the property");
      }
    }
  }
}
