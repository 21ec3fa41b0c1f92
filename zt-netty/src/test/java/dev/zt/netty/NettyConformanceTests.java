package dev.zt.netty;

import dev.zt.core.Enforcer;
import dev.zt.testkit.conformance.AdapterConformanceSuite;
import dev.zt.testkit.conformance.ServerHandle;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ZeroTrustHandler} on a Netty 4.2 server without an aggregator: the request arrives as an
 * {@code HttpRequest} and its contents; the application routes on the path zt authorized.
 *
 * <p>Netty's codec refuses nothing the suite sends except the 20 KB token (its 8 KiB header limit: the handler
 * answers the codec's failure with 431 and closes). Everything else reaches zt, which decides exactly as the suite's
 * own enforcer does for the same raw path: {@code /admin/../orders}, {@code /orders;x=1}, {@code /%6Frders} and the
 * absolute-form targets resolve to {@code /orders} and are allowed; encoded separators, {@code ..;} and {@code %2e}
 * climbing into {@code /admin}, bad UTF-8, NUL and {@code \} get zt's 400 (path rejected) or 403 (admin role); the
 * application then never sees a path zt did not authorize, because it routes on {@link ZeroTrustHandler#PATH}.
 */
@ExtendWith(NoLeaksOrBlocking.class)
class NettyConformanceTests extends AdapterConformanceSuite {

  @Override
  protected ServerHandle start(Enforcer enforcer) throws Exception {
    return NettyServer.start(enforcer, false, ConformanceApp::new);
  }
}
