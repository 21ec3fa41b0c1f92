package dev.zt.samples.checks;

import dev.zt.testkit.TestIssuer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The set-up the HTTP check classes share: one {@link TestIssuer} and one service under test per class, started from
 * {@code ZT_ISSUER}, {@code ZT_AUDIENCE=orders-api} and {@code PORT=0}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServiceChecks {

  /** The issuer of every token of the checks. */
  protected TestIssuer issuer;

  /** The service under test. */
  protected OrdersTarget.Running service;

  /** How to start the service under test. */
  protected abstract OrdersTarget target();

  @BeforeAll
  void start() throws Exception {
    issuer = TestIssuer.builder().audience("orders-api").start();
    service = target().start(Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", "orders-api", "PORT", "0"));
  }

  @AfterAll
  void stop() throws Exception {
    if (service != null) {
      service.close();
    }
    issuer.close();
  }
}
