package dev.zt.spring.boot;

import dev.zt.core.Caller;
import dev.zt.core.Enforcer;
import dev.zt.servlet.ZeroTrustFilter;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * {@link Caller} as a Spring MVC controller method argument: {@code Caller caller} for handlers of routes that require
 * a credential, {@code Optional<Caller> caller} for routes that also admit anonymous callers. A plain {@code Caller}
 * on a request zt allowed anonymously is answered 401 by zt (audited), never handed an anonymous caller; a request zt
 * never decided is a server fault.
 *
 * <p>The resolver goes first in the handler adapter's list: {@code Caller} is a {@link java.security.Principal}, which
 * Spring's own servlet-request resolver would otherwise resolve to {@code getUserPrincipal()} (Spring Security's
 * {@code Authentication} when its chain wraps the request, or nothing on an anonymous request).
 *
 * @since 0.4
 */
@AutoConfiguration(after = ZtAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({DispatcherServlet.class, ZeroTrustFilter.class})
public class ZtWebMvcAutoConfiguration {

  /** Spring creates it. */
  public ZtWebMvcAutoConfiguration() {}

  @Bean
  static BeanPostProcessor ztCallerArguments() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        if (bean instanceof RequestMappingHandlerAdapter adapter && adapter.getArgumentResolvers() != null) {
          List<HandlerMethodArgumentResolver> resolvers = new ArrayList<>();
          resolvers.add(new CallerArgumentResolver());
          resolvers.addAll(adapter.getArgumentResolvers());
          adapter.setArgumentResolvers(resolvers);
        }
        return bean;
      }
    };
  }

  @Bean
  WebMvcConfigurer ztCallerRequired(ObjectProvider<Enforcer> enforcer) {
    return new WebMvcConfigurer() {
      @Override
      public void extendHandlerExceptionResolvers(List<HandlerExceptionResolver> resolvers) {
        resolvers.add(0, new CallerRequiredResolver(enforcer::getObject));
      }
    };
  }
}
