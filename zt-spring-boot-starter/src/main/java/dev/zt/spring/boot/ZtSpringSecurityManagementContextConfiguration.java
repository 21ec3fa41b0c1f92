package dev.zt.spring.boot;

import dev.zt.servlet.ZeroTrustFilter;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * The Spring Security bridge ({@link ZtSpringSecurityAutoConfiguration}) in the actuator's management child context
 * too, where Boot registers Spring Security's chain for {@code management.server.port}.
 *
 * @since 0.4
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({SecurityContextHolder.class, RequestAttributeSecurityContextRepository.class, ZeroTrustFilter.class})
@ConditionalOnProperty(prefix = "zt.spring-security", name = "enabled", havingValue = "true")
public class ZtSpringSecurityManagementContextConfiguration {

  /** Spring creates it. */
  public ZtSpringSecurityManagementContextConfiguration() {}

  @Bean
  FilterRegistrationBean<SecurityContextBridge> ztManagementSecurityContextBridge() {
    return ZtSpringSecurityAutoConfiguration.bridge();
  }
}
