package dev.zt.spring.boot;

import dev.zt.core.Enforcer;
import dev.zt.policy.InvalidPolicyException;
import dev.zt.policy.LivePolicy;
import dev.zt.servlet.ZeroTrustFilter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of zt in a servlet web application: an {@link Enforcer} built from {@code zt.policy-file} or from
 * the {@code zt.*} properties alone (replaced by any {@code Enforcer} bean of the application; a followed
 * {@link LivePolicy} with {@code zt.policy-reload}), and {@link ZeroTrustFilter} on every path for
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
  private static final String ALLOW_PLAIN_HTTP = "ZT_ALLOW_PLAIN_HTTP";

  /** Spring creates it. */
  public ZtAutoConfiguration() {}

  /**
   * The enforcer of {@code zt.policy-file} or of the {@code zt.*} properties, when the application defines none and
   * the policy file is not followed ({@code zt.policy-reload}). Without a policy the start fails: zt denies every
   * request no route allows, and an application with no routes would answer nothing.
   */
  @Bean
  @ConditionalOnMissingBean({Enforcer.class, LivePolicy.class})
  @Conditional(PolicyReload.Off.class)
  Enforcer ztEnforcer(ZtProperties properties, Environment environment, ResourceLoader resources,
      ObjectProvider<ZtTelemetry> telemetry) throws InvalidPolicyException {
    Map<ConfigurationPropertyName, Object> raw = checked(properties, environment);
    Optional<PolicyLocation> file = properties.policyFileIfSet().map(l -> PolicyLocation.of(l, resources));
    if (file.isEmpty()) {
      if (properties.issuer() == null && raw.isEmpty()) {
        throw new IllegalStateException("zt: set zt.policy-file (the routes, deny by default, and issuers), or"
            + " zt.issuer (or zt.issuers) and zt.routes, or define an Enforcer bean");
      }
      return withTelemetry(PropertiesPolicy.policy(properties, raw).enforcerBuilder(), telemetry).build();
    }
    PolicyLocation location = file.get();
    return withTelemetry(location.load(fileEnvironment(properties, location)).enforcerBuilder(), telemetry).build();
  }

  /**
   * With {@code zt.policy-reload=true}: the followed policy file (zt-policy's {@link LivePolicy}), loaded, self-tested
   * and built at start, then each valid change applied; a bad edit keeps the last good policy and is logged.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean({Enforcer.class, LivePolicy.class})
  @Conditional(PolicyReload.On.class)
  LivePolicy ztLivePolicy(ZtProperties properties, Environment environment, ResourceLoader resources,
      ObjectProvider<ZtTelemetry> telemetry) throws InvalidPolicyException {
    checked(properties, environment);
    PolicyLocation location =
        PolicyLocation.of(
            properties.policyFileIfSet()
                .orElseThrow(() -> new IllegalStateException(
                    "zt.policy-reload: set only with zt.policy-file (a file-system policy file to follow)")),
            resources);
    Path path =
        location.path()
            .orElseThrow(() -> new IllegalStateException(
                "zt.policy-reload: zt.policy-file " + location.location() + " is not on the file system and cannot"
                    + " be followed: give a file: location or a path, or leave zt.policy-reload unset"));
    LivePolicy.Builder live = LivePolicy.builder(path).env(fileEnvironment(properties, location));
    ZtTelemetry t = telemetry.getIfAvailable();
    if (t != null) {
      live.customize(b -> b.openTelemetry(t.openTelemetry()));
    }
    return live.start();
  }

  /** zt's counters into Micrometer when the application has a meter registry ({@link ZtMetricsAutoConfiguration}). */
  private static Enforcer.Builder withTelemetry(Enforcer.Builder builder, ObjectProvider<ZtTelemetry> telemetry) {
    ZtTelemetry t = telemetry.getIfAvailable();
    return t == null ? builder : builder.openTelemetry(t.openTelemetry());
  }

  /** What the filters ask on each request: the followed policy's current enforcer, else the enforcer bean. */
  @Bean
  ZtEnforcers ztEnforcers(
      ZtProperties properties,
      Environment environment,
      ObjectProvider<LivePolicy> live,
      ObjectProvider<Enforcer> enforcer,
      BeanFactory beans) {
    Map<ConfigurationPropertyName, Object> raw = checked(properties, environment);
    if (!beans.containsBean("ztEnforcer") && !beans.containsBean("ztLivePolicy")) {
      // the application's own enforcer: a policy configured in zt.* as well would be silently ignored
      Set<String> ignored = new TreeSet<>(PropertiesPolicy.structural(raw));
      properties.policyFileIfSet().ifPresent(f -> ignored.add("zt.policy-file"));
      if (!ignored.isEmpty()) {
        throw new IllegalStateException("zt: the application defines its own Enforcer (or LivePolicy) bean, which"
            + " zt uses, and " + ignored + " would be ignored: remove them, or the bean");
      }
    }
    LivePolicy l = live.getIfUnique();
    if (l != null) {
      return new ZtEnforcers(l);
    }
    Enforcer e = enforcer.getObject();
    return new ZtEnforcers(() -> e);
  }

  /**
   * The {@code zt.*} properties, read, once an unknown one and a mix of a policy file with properties only the
   * properties-only mode reads have failed the start.
   */
  static Map<ConfigurationPropertyName, Object> checked(ZtProperties properties, Environment environment) {
    Map<ConfigurationPropertyName, Object> raw = PropertiesPolicy.read(environment);
    Set<String> unknown = PropertiesPolicy.unknown(raw);
    if (!unknown.isEmpty()) {
      throw new IllegalStateException("zt: unknown properties " + unknown + ": zt refuses what it would otherwise"
          + " ignore; the zt.* properties are listed in the starter's configuration metadata and docs/spring-boot.md");
    }
    if (properties.policyFileIfSet().isPresent()) {
      Set<String> mixed = new TreeSet<>(PropertiesPolicy.structural(raw));
      if (properties.token() != null && properties.token().isSet()) {
        mixed.add("zt.token");
      }
      if (!mixed.isEmpty()) {
        throw new IllegalStateException("zt: zt.policy-file and " + mixed + " are set: configure zt either by the"
            + " policy file or by properties, not both (the file would silently win); move these into the file");
      }
    } else if (properties.policyReload()) {
      throw new IllegalStateException(
          "zt.policy-reload: set only with zt.policy-file (a file-system policy file to follow)");
    }
    return raw;
  }

  /** The policy file's variables: the process environment, and the properties that fill its ${ZT_…} variables. */
  private static Map<String, String> fileEnvironment(ZtProperties properties, PolicyLocation location) {
    Map<String, String> variables = variables(properties);
    requireUsed(location, variables);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putAll(variables);
    return env;
  }

  @Bean
  FilterRegistrationBean<ZeroTrustFilter> ztFilter(ZtEnforcers enforcers) {
    return ZtFilters.requests(enforcers);
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
    putIfSet(v, ALLOW_PLAIN_HTTP, p.allowPlainHttp() ? "true" : null); // false is every file's default
    return v;
  }

  private static void putIfSet(Map<String, String> v, String name, String value) {
    if (value != null) {
      v.put(name, value);
    }
  }

  /** A property the file never reads would look enforced and be ignored: refuse it. */
  private static void requireUsed(PolicyLocation file, Map<String, String> variables) {
    if (variables.isEmpty()) {
      return;
    }
    String text = file.text();
    for (String name : variables.keySet()) {
      if (!text.contains("${" + name + "}") && !text.contains("${" + name + ":-")) {
        throw new IllegalStateException(
            "zt: the property for ${" + name + "} is set but the policy file " + file.location() + " does not use ${"
                + name + "}: refer to it in the file or remove the property");
      }
    }
  }
}
