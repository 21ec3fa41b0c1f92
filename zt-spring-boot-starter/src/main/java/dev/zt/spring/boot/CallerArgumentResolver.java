package dev.zt.spring.boot;

import dev.zt.core.Caller;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Resolves a controller parameter of type {@link Caller} or {@code Optional<Caller>} to the caller zt verified for
 * this request (the {@link ZeroTrustFilter#CALLER_ATTRIBUTE} request attribute).
 *
 * <ul>
 *   <li>{@code Caller}: an authenticated caller, else {@link CallerRequiredException} (answered 401 by
 *       {@link CallerRequiredResolver}: the route admits anonymous callers but this handler needs one, so the client is
 *       told to authenticate, and the operator finds the mismatch in the audit log);
 *   <li>{@code Optional<Caller>}: the authenticated caller, or empty for an anonymous one;
 *   <li>either, on a request zt never decided (no caller attribute: the filter is not in front of this servlet): an
 *       {@link IllegalStateException}, a server fault. Nothing is made up for a request zt did not see.
 * </ul>
 */
final class CallerArgumentResolver implements HandlerMethodArgumentResolver {

  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    Class<?> type = parameter.getParameterType();
    return type == Caller.class
        || (type == Optional.class && parameter.nestedIfOptional().getNestedParameterType() == Caller.class);
  }

  @Override
  public Object resolveArgument(
      MethodParameter parameter,
      ModelAndViewContainer mavContainer,
      NativeWebRequest webRequest,
      WebDataBinderFactory binderFactory) {
    HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
    Object attribute = request == null ? null : request.getAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE);
    if (!(attribute instanceof Caller caller)) {
      throw new IllegalStateException(
          "zt: no verified Caller on this request (ZeroTrustFilter did not decide it): "
              + parameter.getExecutable().toGenericString()
              + " needs zt's filter in front of the dispatcher servlet");
    }
    boolean optional = parameter.getParameterType() == Optional.class;
    if (caller.isAuthenticated()) {
      return optional ? Optional.of(caller) : caller;
    }
    if (optional) {
      return Optional.empty();
    }
    throw new CallerRequiredException(parameter.getExecutable().toGenericString());
  }
}
