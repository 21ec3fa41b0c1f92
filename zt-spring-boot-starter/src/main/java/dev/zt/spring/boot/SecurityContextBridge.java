package dev.zt.spring.boot;

import dev.zt.core.Caller;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * Puts what zt decided into Spring Security's view of the request, after zt's filter and before Spring Security's
 * chain: for an authenticated {@link Caller}, a context holding its {@link CallerAuthentication}; for an anonymous
 * one, an empty context (so a session Spring Security kept from an earlier request cannot stand in for a caller zt
 * did not see now). The context goes both on the thread and in the request attribute that Spring Security's
 * {@link RequestAttributeSecurityContextRepository} (part of its default and of the stateless repository) loads it
 * from, so its {@code SecurityContextHolderFilter} finds it. The thread's context is cleared when the request
 * leaves this filter, whatever happened.
 */
final class SecurityContextBridge implements Filter {

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request.getAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE) instanceof Caller caller)) {
      chain.doFilter(request, response); // zt did not allow this request: nothing to tell Spring Security
      return;
    }
    SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();
    SecurityContext context = holder.createEmptyContext();
    if (caller.isAuthenticated()) {
      context.setAuthentication(new CallerAuthentication(caller));
    }
    request.setAttribute(RequestAttributeSecurityContextRepository.DEFAULT_REQUEST_ATTR_NAME, context);
    holder.setContext(context);
    try {
      chain.doFilter(request, response);
    } finally {
      holder.clearContext();
    }
  }
}
