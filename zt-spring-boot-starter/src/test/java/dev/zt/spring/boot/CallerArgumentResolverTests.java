package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.Caller;
import dev.zt.servlet.ZeroTrustFilter;
import dev.zt.testkit.TestCallers;
import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.ServletWebRequest;

/** Which parameters the resolver takes, and what it does on requests zt allowed anonymously or never decided. */
class CallerArgumentResolverTests {

  private final CallerArgumentResolver resolver = new CallerArgumentResolver();

  @SuppressWarnings("unused")
  void handler(Caller caller, Optional<Caller> maybe, Principal principal, Optional<String> other) {}

  @Test
  void supportsParameterWhenCallerOrOptionalCallerThenTrueElseFalse() throws Exception {
    assertThat(resolver.supportsParameter(parameter(0))).isTrue();
    assertThat(resolver.supportsParameter(parameter(1))).isTrue();
    assertThat(resolver.supportsParameter(parameter(2))).isFalse();
    assertThat(resolver.supportsParameter(parameter(3))).isFalse();
  }

  @Test
  void resolveArgumentWhenAuthenticatedThenCallerAndOptionalOfCaller() throws Exception {
    Caller caller = TestCallers.user("alice").build();

    assertThat(resolver.resolveArgument(parameter(0), null, request(caller), null)).isSameAs(caller);
    assertThat(resolver.resolveArgument(parameter(1), null, request(caller), null)).isEqualTo(Optional.of(caller));
  }

  @Test
  void resolveArgumentWhenAnonymousThenOptionalEmptyAndPlainCallerRefused() throws Exception {
    assertThat(resolver.resolveArgument(parameter(1), null, request(Caller.anonymous()), null))
        .isEqualTo(Optional.empty());
    assertThatThrownBy(() -> resolver.resolveArgument(parameter(0), null, request(Caller.anonymous()), null))
        .isInstanceOf(CallerRequiredException.class)
        .hasMessageContaining("Optional<Caller>");
  }

  @Test
  void resolveArgumentWhenZtNeverDecidedThenServerFaultEvenForOptional() throws Exception {
    ServletWebRequest undecided = new ServletWebRequest(new MockHttpServletRequest("GET", "/x"));

    assertThatThrownBy(() -> resolver.resolveArgument(parameter(1), null, undecided, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ZeroTrustFilter did not decide");
    assertThatThrownBy(() -> resolver.resolveArgument(parameter(0), null, undecided, null))
        .isInstanceOf(IllegalStateException.class);
  }

  private static MethodParameter parameter(int index) throws NoSuchMethodException {
    Method m = CallerArgumentResolverTests.class.getDeclaredMethod(
        "handler", Caller.class, Optional.class, Principal.class, Optional.class);
    return new MethodParameter(m, index);
  }

  private static ServletWebRequest request(Caller caller) {
    MockHttpServletRequest r = new MockHttpServletRequest("GET", "/x");
    r.setAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE, caller);
    return new ServletWebRequest(r);
  }
}
