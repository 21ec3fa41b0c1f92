package dev.zt.spring.boot;

import dev.zt.core.Caller;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * The optional bridge from zt to Spring Security ({@code zt.spring-security.enabled=true}): each request zt allowed
 * carries its {@link Caller} into Spring Security's {@code SecurityContext}, as an {@code Authentication} whose
 * principal is the caller and whose authorities are {@code SCOPE_<scope>} and {@code ROLE_<role>}, so
 * {@code @PreAuthorize("hasAuthority('SCOPE_orders:read')")}, {@code hasRole('admin')} and
 * {@code SecurityContextHolder} see zt's caller. zt still answers first: a request it refuses never reaches Spring
 * Security.
 *
 * <p>Off unless enabled: granting authorities in another framework's model is a grant, and a security library makes
 * no grant the application did not ask for (a chain that says {@code authenticated()} would otherwise start admitting
 * every token zt accepts). Off, Spring Security sees no authentication and refuses what needs one: closed, and visible
 * at the first request.
 *
 * @since 0.4
 */
@AutoConfiguration(after = ZtAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({SecurityContextHolder.class, RequestAttributeSecurityContextRepository.class, ZeroTrustFilter.class})
@ConditionalOnProperty(prefix = "zt.spring-security", name = "enabled", havingValue = "true")
public class ZtSpringSecurityAutoConfiguration {

  /** Spring creates it. */
  public ZtSpringSecurityAutoConfiguration() {}

  @Bean
  FilterRegistrationBean<SecurityContextBridge> ztSecurityContextBridge() {
    return bridge();
  }

  /** Right after zt's filter ({@link ZtFilters#ORDER}), long before Spring Security's chain ({@code -100}). */
  static FilterRegistrationBean<SecurityContextBridge> bridge() {
    FilterRegistrationBean<SecurityContextBridge> r = new FilterRegistrationBean<>(new SecurityContextBridge());
    r.setName("ztSecurityContextBridge");
    r.setDispatcherTypes(DispatcherType.REQUEST);
    r.addUrlPatterns("/*");
    r.setAsyncSupported(true);
    r.setOrder(ZtFilters.ORDER + 1);
    return r;
  }
}
