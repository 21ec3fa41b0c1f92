package dev.zt.spring.boot;

import dev.zt.core.Enforcer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The actuator health component {@code zt} ({@link ZtHealthIndicator}): the enforcer's issuer key sources, its bound
 * policy decision points and, when the application has a {@code RedisState} bean, the Redis state. Off with
 * {@code management.health.zt.enabled=false}. Its details hold no secret and no URL (issuers are named by their
 * {@code iss}). This class and {@link ZtHealthIndicator} are Boot 3.5's (the Boot 4.0 starter has its own, on Boot
 * 4.0's moved health types); the parts are shared.
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
