package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.core.Caller;
import dev.zt.servlet.ZeroTrustFilter;
import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class ErrorDispatchGuardTests {

  private final ErrorDispatchGuard guard = new ErrorDispatchGuard();

  @Test
  void doFilterWhenRequestNeverAllowedThenErrorPageNotReachedAndBodyEmpty() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/error");
    request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, 400);
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();

    guard.doFilter(request, response, chain);

    assertThat(chain.getRequest()).isNull();
    assertThat(response.getStatus()).isEqualTo(400);
    assertThat(response.getContentAsByteArray()).isEmpty();
  }

  @Test
  void doFilterWhenNeverAllowedAndNoErrorStatusThen500() throws Exception {
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();

    guard.doFilter(new MockHttpServletRequest("GET", "/error"), response, chain);

    assertThat(chain.getRequest()).isNull();
    assertThat(response.getStatus()).isEqualTo(500);
  }

  @Test
  void doFilterWhenCallerAttributeIsNotACallerThenRefused() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/error");
    request.setAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE, "admin");
    MockFilterChain chain = new MockFilterChain();

    guard.doFilter(request, new MockHttpServletResponse(), chain);

    assertThat(chain.getRequest()).isNull();
  }

  @Test
  void doFilterWhenZtAllowedTheRequestThenErrorPageRuns() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/error");
    request.setAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE, Caller.anonymous());
    MockFilterChain chain = new MockFilterChain();

    guard.doFilter(request, new MockHttpServletResponse(), chain);

    assertThat(chain.getRequest()).isSameAs(request);
  }
}
