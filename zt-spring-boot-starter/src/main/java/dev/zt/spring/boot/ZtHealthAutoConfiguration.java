package dev.zt.spring.boot;

import dev.zt.core.Enforcer;
import dev.zt.redis.RedisState;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The actuator health component {@code zt} ({@link ZtHealthIndicator}): the enforcer's issuer key sources, its bound
 * policy decision points and, when the application has a {@link RedisState} bean, the Redis state. Off with {@code management.health.zt.enabled=false}.
 * Its details hold no secret and no URL (issuers are named by their {@code iss}).
 *
 * @since 0.4
 */
@AutoConfiguration(after = ZtAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, Enforcer.class})
@ConditionalOnBean(ZtEnforcers.class)
@ConditionalOnEnabledHealthIndicator("zt")
public class ZtHealthAutoConfiguration {

  /** Spring creates it. */
  public ZtHealthAutoConfiguration() {}

  @Bean
  @ConditionalOnMissingBean(name = "ztHealthIndicator")
  HealthIndicator ztHealthIndicator(ObjectProvider<HealthPart> parts) {
    return new ZtHealthIndicator(new ZtHealth(parts.orderedStream().toList()));
  }

  @Bean
  HealthPart ztKeySourcesHealth(ZtEnforcers enforcers) {
    return new KeySourcesHealthPart(() -> enforcers.get().keySources());
  }

  @Bean
  HealthPart ztPdpsHealth(ZtEnforcers enforcers) {
    return new PdpHealthPart(() -> enforcers.get().pdps());
  }

  /** The Redis state's part, when zt-redis is on the class path and the application has a {@code RedisState}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.zt.redis.RedisState")
  static class Redis {
    @Bean
    @ConditionalOnBean(RedisState.class)
    HealthPart ztRedisHealth(RedisState state) {
      return new RedisHealthPart(state::health);
    }
  }
}
