package dev.zt.testkit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives each test class a running {@link TestIssuer} on a {@link TestClock}, injected into
 * test methods (and constructors, {@code @BeforeEach} methods) by type. Before each test the clock is set to the
 * current time (whole seconds) and then stands still: its tokens are valid for an enforcer on the system clock (one
 * built without {@code .clock(clock)}), an enforcer given the clock sees time move only when the test moves it, and
 * tests that move time do not leak into each other. A test that needs a fixed instant sets it
 * ({@code clock.set(TestClock.DEFAULT_START)}).
 *
 * <pre>{@code
 * @ExtendWith(ZtExtension.class)
 * class OrdersSecurityTests {
 *   @Test
 *   void getOrdersWhenTokenExpiredThenDenied(TestIssuer issuer, TestClock clock) {
 *     Enforcer enforcer = Enforcer.builder()
 *         .bearerJwt(issuer.bearerJwt().build())
 *         .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
 *         .clock(clock)
 *         .build();
 *     String token = issuer.token().scope("orders:read").expiresIn(Duration.ofMinutes(-5)).build();
 *     assertThatDecision(enforcer.enforce(TestRequest.get("/orders").bearer(token).build()))
 *         .isDeniedWith(DenyReason.TOKEN_EXPIRED);
 *   }
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class ZtExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ZtExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    state(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    state(context).clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    State s = context.getStore(NS).remove(State.class, State.class);
    if (s != null) {
      s.issuer.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    Class<?> type = p.getParameter().getType();
    return type == TestIssuer.class || type == TestClock.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) throws ParameterResolutionException {
    State s = state(e);
    return p.getParameter().getType() == TestIssuer.class ? s.issuer : s.clock;
  }

  private static State state(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    return classContext.getStore(NS).getOrComputeIfAbsent(State.class, k -> new State(), State.class);
  }

  private static final class State {
    final TestClock clock = TestClock.create();
    final TestIssuer issuer = TestIssuer.start(clock);
  }
}
