package dev.zt.spring.boot;

import dev.zt.core.Enforcer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The actuator health component {@code zt} ({@link ZtHealthIndicator}): the enforcer's issuer key sources, its bound
 * policy decision points and, when the application has a {@code RedisState} bean, the Redis state. Off with
 * {@code management.health.zt.enabled=false}. Its details hold no secret and no URL (issuers are named by their
 * {@code iss}). This class and {@link ZtHealthIndicator} are Boot 4.0's (Boot 4.0 moved the health types to
 * {@code org.springframework.boot.health}); the parts are shared with the Boot 3.5 starter.
 *
 * @since 0.4
 */
@AutoConfiguration(after = ZtAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, Enforcer.class})
@ConditionalOnBean(ZtEnforcers.class)
@ConditionalOnEnabledHealthIndicator("zt")
@Import(ZtHealthParts.class)
public class ZtHealthAutoConfiguration {

  /** Spring creates it. */
  public ZtHealthAutoConfiguration() {}

  @Bean
  @ConditionalOnMissingBean(name = "ztHealthIndicator")
  HealthIndicator ztHealthIndicator(ObjectProvider<HealthPart> parts) {
    return new ZtHealthIndicator(new ZtHealth(parts.orderedStream().toList()));
  }
}
