package dev.zt.spring.boot;

import dev.zt.core.Enforcer;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.DispatcherType;
import java.util.function.Supplier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/** The registrations of zt's filters, the same in the main and the management context. */
final class ZtFilters {

  /**
   * zt's filter order: after Boot's character-encoding filter ({@code Ordered.HIGHEST_PRECEDENCE}) and the server
   * observation filter, before {@code HiddenHttpMethodFilter} ({@link BootFilterOrders#HIDDEN_HTTP_METHOD_FILTER},
   * {@code -10000}, which reads a POST form and changes the method), {@code FormContentFilter}
   * ({@link BootFilterOrders#FORM_CONTENT_FILTER}, {@code -9900}, which reads PUT/PATCH/DELETE forms), the
   * request-context filter ({@code -105}) and Spring Security's chain ({@code -100}). Boot's ordered filters moved
   * package in Boot 4.0: their orders come from the Boot line's {@link BootFilterOrders}.
   */
  static final int ORDER = BootFilterOrders.REQUEST_WRAPPER_FILTER_MAX_ORDER - 10_100;

  private ZtFilters() {}

  /** The filter on {@code REQUEST} dispatches; each request reads {@code enforcers} once (a reloaded policy too). */
  static FilterRegistrationBean<ZeroTrustFilter> requests(Supplier<Enforcer> enforcers) {
    FilterRegistrationBean<ZeroTrustFilter> r = new FilterRegistrationBean<>(new ZeroTrustFilter(enforcers));
    r.setName("ztFilter");
    r.setDispatcherTypes(DispatcherType.REQUEST);
    r.addUrlPatterns("/*");
    r.setAsyncSupported(true);
    r.setOrder(ORDER);
    return r;
  }

  static FilterRegistrationBean<ErrorDispatchGuard> errors() {
    FilterRegistrationBean<ErrorDispatchGuard> r = new FilterRegistrationBean<>(new ErrorDispatchGuard());
    r.setName("ztErrorDispatchGuard");
    r.setDispatcherTypes(DispatcherType.ERROR);
    r.addUrlPatterns("/*");
    r.setAsyncSupported(true);
    r.setOrder(ORDER);
    return r;
  }
}
