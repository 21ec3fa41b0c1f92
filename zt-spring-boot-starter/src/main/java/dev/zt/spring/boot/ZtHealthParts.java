package dev.zt.spring.boot;

import dev.zt.redis.RedisState;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The parts of the {@code zt} health component, shared by both Boot lines: the current enforcer's issuer key sources
 * and bound PDPs, and the Redis state when the application has a {@link RedisState} bean. Each Boot line's
 * {@code ZtHealthAutoConfiguration} imports it and adapts {@link ZtHealth} to its {@code HealthIndicator}.
 */
@Configuration(proxyBeanMethods = false)
class ZtHealthParts {

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
