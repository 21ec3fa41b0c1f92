package dev.zt.netty;

import dev.zt.core.Enforcer;
import dev.zt.testkit.conformance.AdapterConformanceSuite;
import dev.zt.testkit.conformance.ServerHandle;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ZeroTrustHandler} after an {@code HttpObjectAggregator}: each request arrives as one {@code FullHttpRequest}. */
@ExtendWith(NoLeaksOrBlocking.class)
class NettyAggregatedConformanceTests extends AdapterConformanceSuite {

  @Override
  protected ServerHandle start(Enforcer enforcer) throws Exception {
    return NettyServer.start(enforcer, true, ConformanceApp::new);
  }
}
