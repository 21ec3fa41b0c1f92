package dev.zt.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.Caller;
import dev.zt.servlet.ZeroTrustFilter;
import dev.zt.testkit.TestCallers;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/** What the bridge puts into Spring Security's context, and that it leaves nothing on the thread. */
class SecurityContextBridgeTests {

  private final SecurityContextBridge bridge = new SecurityContextBridge();

  @AfterEach
  void clear() {
    SecurityContextHolder.clearContext();
  }

  @Test
  void doFilterWhenCallerAuthenticatedThenAuthenticationWithScopeAndRoleAuthorities() throws Exception {
    Caller caller = TestCallers.user("alice").scopes("orders:read").roles("admin").build();
    AtomicReference<Authentication> seen = new AtomicReference<>();

    bridge.doFilter(request(caller), new MockHttpServletResponse(),
        (req, res) -> seen.set(SecurityContextHolder.getContext().getAuthentication()));

    Authentication a = seen.get();
    assertThat(a.isAuthenticated()).isTrue();
    assertThat(a.getPrincipal()).isSameAs(caller);
    assertThat(a.getName()).isEqualTo("alice");
    assertThat(a.getCredentials()).isNull();
    assertThat(a.getAuthorities()).extracting(GrantedAuthority::getAuthority)
        .containsExactlyInAnyOrder("SCOPE_orders:read", "ROLE_admin");
  }

  @Test
  void doFilterWhenCallerAuthenticatedThenSpringSecurityRepositoryFindsTheContext() throws Exception {
    Caller caller = TestCallers.user("alice").build();
    MockHttpServletRequest request = request(caller);
    AtomicReference<SecurityContext> loaded = new AtomicReference<>();

    bridge.doFilter(request, new MockHttpServletResponse(),
        (req, res) -> loaded.set(new RequestAttributeSecurityContextRepository()
            .loadDeferredContext((MockHttpServletRequest) req).get()));

    assertThat(loaded.get().getAuthentication().getPrincipal()).isSameAs(caller);
  }

  @Test
  void doFilterWhenAnonymousThenEmptyContextForSpringSecurity() throws Exception {
    MockHttpServletRequest request = request(Caller.anonymous());
    AtomicReference<Authentication> seen = new AtomicReference<>();

    bridge.doFilter(request, new MockHttpServletResponse(),
        (req, res) -> seen.set(SecurityContextHolder.getContext().getAuthentication()));

    assertThat(seen.get()).isNull();
    SecurityContext stored = (SecurityContext)
        request.getAttribute(RequestAttributeSecurityContextRepository.DEFAULT_REQUEST_ATTR_NAME);
    assertThat(stored.getAuthentication()).isNull();
  }

  @Test
  void doFilterWhenAnonymousAndSessionHoldsAnEarlierAuthenticationThenSpringSecuritySeesNone() throws Exception {
    // Spring Security's default repository: the request attribute first, then the HTTP session
    SecurityContextRepository repository = new DelegatingSecurityContextRepository(
        new RequestAttributeSecurityContextRepository(), new HttpSessionSecurityContextRepository());
    MockHttpServletRequest request = request(Caller.anonymous());
    SecurityContext earlier = SecurityContextHolder.createEmptyContext();
    earlier.setAuthentication(new CallerAuthentication(TestCallers.user("alice").roles("admin").build()));
    request.getSession(true)
        .setAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, earlier);
    AtomicReference<SecurityContext> loaded = new AtomicReference<>();

    bridge.doFilter(request, new MockHttpServletResponse(),
        (req, res) -> loaded.set(repository.loadDeferredContext((MockHttpServletRequest) req).get()));

    assertThat(loaded.get().getAuthentication()).isNull();
  }

  @Test
  void doFilterWhenZtDidNotDecideThenNothingSet() throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/x");
    AtomicReference<Authentication> seen = new AtomicReference<>();

    bridge.doFilter(request, new MockHttpServletResponse(),
        (req, res) -> seen.set(SecurityContextHolder.getContext().getAuthentication()));

    assertThat(seen.get()).isNull();
    assertThat(request.getAttribute(RequestAttributeSecurityContextRepository.DEFAULT_REQUEST_ATTR_NAME)).isNull();
  }

  @Test
  void doFilterWhenChainThrowsThenThreadContextCleared() {
    Caller caller = TestCallers.user("alice").build();

    assertThatThrownBy(() -> bridge.doFilter(request(caller), new MockHttpServletResponse(), (req, res) -> {
          throw new IllegalStateException("boom");
        }))
        .hasMessage("boom");

    assertThat(SecurityContextHolder.getContext().getAuthentication()).isNull();
  }

  @Test
  void doFilterWhenDoneThenThreadContextCleared() throws Exception {
    bridge.doFilter(request(TestCallers.user("alice").build()), new MockHttpServletResponse(), (req, res) -> {});

    assertThat(SecurityContextHolder.getContext().getAuthentication()).isNull();
  }

  private static MockHttpServletRequest request(Caller caller) {
    MockHttpServletRequest r = new MockHttpServletRequest("GET", "/x");
    r.setAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE, caller);
    return r;
  }
}
