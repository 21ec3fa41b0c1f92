package dev.zt.netty;

import dev.zt.core.Enforcer;
import dev.zt.testkit.conformance.AdapterConformanceSuite;
import dev.zt.testkit.conformance.ServerHandle;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ZeroTrustHandler} after an {@code HttpObjectAggregator}: each request arrives as one {@code FullHttpRequest}.
 *
 * <p>In this placement the aggregator reads every body before zt sees the request, so the tests of a body that never
 * arrives or arrives too slowly cannot pass here: that is the aggregator's doing, and why the handler's Javadoc and
 * docs/architecture.md say to put zt <em>before</em> an aggregator ({@link NettyConformanceTests} runs them).
 */
@ExtendWith(NoLeaksOrBlocking.class)
class NettyAggregatedConformanceTests extends AdapterConformanceSuite {

  private static final String AGGREGATOR_READS_FIRST =
      "an HttpObjectAggregator before zt reads the whole body before zt decides: put zt before it";

  @Override
  protected ServerHandle start(Enforcer enforcer) throws Exception {
    return NettyServer.start(enforcer, true, ConformanceApp::new);
  }

  @Override
  @Test
  @Disabled(AGGREGATOR_READS_FIRST)
  public void postOrdersWhenAnonymousAndFormBodyNeverArrivesThen401AtOnce() {}

  @Override
  @Test
  @Disabled(AGGREGATOR_READS_FIRST)
  public void postOrdersWhenScopeMissingAndFormBodyNeverArrivesThen403AtOnce() {}

  @Override
  @Test
  @Disabled(AGGREGATOR_READS_FIRST)
  public void postOrdersWhenAllowedFormBodyIsTooSlowThen408AndClosed() {}
}
