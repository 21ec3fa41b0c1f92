package dev.zt.samples.springorders;

import dev.zt.core.Enforcer;
import dev.zt.policy.InvalidPolicyException;
import dev.zt.policy.PolicyExtensions;
import dev.zt.policy.PolicyFile;
import dev.zt.samples.orders.model.OrderStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * spring-orders' protection: the zt policy file named by {@code spring-orders.policy-file} ({@code classpath:} or
 * {@code file:}; the jar's own {@code classpath:zt-policy.yaml} by default), i.e. orders-service's rules plus the
 * actuator's. Its enforcer replaces the starter's ({@code @ConditionalOnMissingBean}); the starter still registers
 * zt's filter in the main and the management context. The sample builds the enforcer itself because its variables
 * keep orders-service's meanings ({@code ZT_MAX_TOKEN_LIFETIME=7200} or {@code PT2H}, {@code ZT_ALGORITHMS} as a
 * comma-separated list, {@code ZT_JWKS_URI} optional), which the file's {@code ${NAME}} references cannot spell: the
 * file takes {@code ${ZT_ISSUER}}, {@code ${ZT_AUDIENCE}} and {@code ${ZT_ROLES_CLAIM}} from the checked settings, and
 * the other token rules are written into its issuer entry, in place of {@link #ISSUER_OPTIONS}, from values
 * {@link OrdersEnvironment} checked.
 */
@Configuration(proxyBeanMethods = false)
class OrdersSecurityConfiguration {

  /** The property naming the policy file. */
  static final String POLICY_FILE = "spring-orders.policy-file";

  /** The line of the policy file's issuer entry the environment's token rules replace. */
  static final String ISSUER_OPTIONS = "# spring-orders: the token rules of the environment go here";

  @Bean
  OrderStore orderStore() {
    return new OrderStore();
  }

  @Bean
  Enforcer ordersEnforcer(OrdersEnvironment settings, Environment environment, ResourceLoader resources)
      throws IOException, InvalidPolicyException {
    String location = environment.getRequiredProperty(POLICY_FILE);
    String text = resources.getResource(location).getContentAsString(StandardCharsets.UTF_8);
    return policy(location, text, settings).enforcerBuilder().build();
  }

  /** The policy file {@code text} with {@code settings} applied. */
  static PolicyFile policy(String name, String text, OrdersEnvironment settings) throws InvalidPolicyException {
    int at = text.indexOf(ISSUER_OPTIONS);
    if (at < 0 || text.indexOf(ISSUER_OPTIONS, at + 1) >= 0) {
      throw new IllegalStateException(name + " must hold the line '" + ISSUER_OPTIONS + "' once, in its issuer"
          + " entry: the environment's token rules are written there");
    }
    int lineStart = text.lastIndexOf('\n', at) + 1;
    String indent = text.substring(lineStart, at);
    if (!indent.isBlank()) {
      throw new IllegalStateException(name + ": '" + ISSUER_OPTIONS + "' must stand alone on its line");
    }
    int lineEnd = text.indexOf('\n', at);
    String applied = text.substring(0, lineStart) + settings.issuerOptions(indent)
        + (lineEnd < 0 ? "" : text.substring(lineEnd + 1));
    Map<String, String> variables = new HashMap<>();
    variables.put("ZT_ISSUER", settings.issuer());
    variables.put("ZT_AUDIENCE", settings.audience());
    settings.rules().rolesClaim().ifPresent(claim -> variables.put("ZT_ROLES_CLAIM", claim));
    return PolicyFile.parse(name, applied, variables, PolicyExtensions.none());
  }
}
