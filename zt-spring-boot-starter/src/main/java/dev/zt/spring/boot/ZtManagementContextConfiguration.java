package dev.zt.spring.boot;

import dev.zt.core.Enforcer;
import dev.zt.servlet.ZeroTrustFilter;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * zt in the actuator's management child context, which Boot starts when {@code management.server.port} differs from
 * the server's: its own servlet container, which registers only the filters defined in that context. Without this,
 * {@code /actuator/**} on the management port would be answered with no zt decision at all. The filter uses the main
 * context's {@link Enforcer} (the current one, when the policy file is followed), so the policy's routes decide
 * {@code /actuator/**} there too.
 *
 * @since 0.4
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(ZeroTrustFilter.class)
public class ZtManagementContextConfiguration {

  /** Spring creates it. */
  public ZtManagementContextConfiguration() {}

  @Bean
  FilterRegistrationBean<ZeroTrustFilter> ztManagementFilter(ZtEnforcers enforcers) {
    return ZtFilters.requests(enforcers);
  }

  @Bean
  FilterRegistrationBean<ErrorDispatchGuard> ztManagementErrorDispatchGuard() {
    return ZtFilters.errors();
  }
}
