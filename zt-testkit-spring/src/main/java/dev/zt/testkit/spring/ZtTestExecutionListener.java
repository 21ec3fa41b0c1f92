package dev.zt.testkit.spring;

import java.util.Optional;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Registered in {@code META-INF/spring.factories}: while a test method of a {@link ZtTest} class runs (its
 * {@code @BeforeEach} methods included), its application context is bound to the test's thread, so that
 * {@link ZtToken#accept} (WebTestClient, RestClient, {@code RequestEntity}) finds the application's audience without
 * a request to read it from. Unbound after the method, whatever its outcome.
 */
final class ZtTestExecutionListener extends AbstractTestExecutionListener {

  private static final ThreadLocal<ApplicationContext> CURRENT = new ThreadLocal<>();

  /** The application context of the {@code @ZtTest} method running on this thread, if any. */
  static Optional<ApplicationContext> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  @Override
  public int getOrder() {
    return 10_000; // after dependency injection (2000), before transactional and SQL listeners
  }

  @Override
  public void beforeTestMethod(TestContext testContext) {
    if (TestContextAnnotationUtils.hasAnnotation(testContext.getTestClass(), ZtTest.class)) {
      CURRENT.set(testContext.getApplicationContext());
    }
  }

  @Override
  public void afterTestMethod(TestContext testContext) {
    CURRENT.remove();
  }
}
