package dev.zt.servlet;

import dev.zt.core.Enforcer;
import dev.zt.testkit.conformance.AdapterConformanceSuite;
import dev.zt.testkit.conformance.ServerHandle;

/**
 * {@link ZeroTrustFilter} in embedded Jetty 12 (ee10) with its default configuration: the filter on {@code /*} for
 * {@code REQUEST} dispatches, a servlet per handler of the suite's application.
 *
 * <p>Jetty's default URI compliance refuses ambiguous paths with its own 400 before any filter runs, which the
 * suite accepts as long as no handler answers. What Jetty 12.1 does with each path trick (token with
 * {@code orders:read}, no role):
 *
 * <table>
 *   <caption>Path tricks on Jetty 12.1 (ee10), default configuration</caption>
 *   <tr><th>request-target</th><th>status</th><th>answered by</th></tr>
 *   <tr><td>{@code /admin/../orders}</td><td>200</td><td>orders handler, path {@code /orders}</td></tr>
 *   <tr><td>{@code /orders/..;/admin/stats}, {@code /docs/..;/admin/stats}</td><td>400</td>
 *       <td>Jetty (ambiguous path parameter)</td></tr>
 *   <tr><td>{@code /docs/%2e%2e/admin/stats}, {@code /orders/%2e%2e/admin/stats}</td><td>400</td>
 *       <td>Jetty (ambiguous segment)</td></tr>
 *   <tr><td>{@code /%2e%2e/admin}</td><td>400</td><td>Jetty (above the root)</td></tr>
 *   <tr><td>{@code /orders%2F..%2Fadmin}, {@code /docs/..%2fadmin/stats}, {@code /admin%2Fstats}</td><td>400</td>
 *       <td>Jetty (ambiguous separator)</td></tr>
 *   <tr><td>{@code //admin/stats}</td><td>400</td><td>Jetty (ambiguous empty segment)</td></tr>
 *   <tr><td>{@code /ORDERS}, {@code /orders/}, {@code /orders/.}</td><td>403</td><td>zt (no rule)</td></tr>
 *   <tr><td>{@code /orders;x=1}, {@code /admin/stats;/../../orders}, {@code /%6Frders}</td><td>200</td>
 *       <td>orders handler, path {@code /orders}</td></tr>
 *   <tr><td>{@code /docs/%252e%252e/admin/stats}</td><td>400</td><td>Jetty (ambiguous {@code %25})</td></tr>
 *   <tr><td>{@code /docs/./../admin/stats}</td><td>403</td><td>zt (admin role)</td></tr>
 *   <tr><td>{@code /orders/%C3%A9}</td><td>200</td><td>orders handler, path {@code /orders/é}</td></tr>
 *   <tr><td>{@code /orders/%FF}, {@code /docs/%c0%ae%c0%ae/admin/stats}</td><td>400</td>
 *       <td>Jetty (bad UTF-8)</td></tr>
 *   <tr><td>{@code /orders/%00}</td><td>400</td><td>Jetty</td></tr>
 *   <tr><td>{@code /orders/..%5cadmin/stats}, {@code /admin\stats}</td><td>400</td><td>Jetty (suspicious path)</td></tr>
 *   <tr><td>absolute-form {@code http://host/orders}, {@code http://host/admin/../orders}</td><td>200</td>
 *       <td>orders handler, path {@code /orders}</td></tr>
 *   <tr><td>absolute-form {@code http://host/docs/..;/admin/stats}</td><td>400</td><td>Jetty</td></tr>
 *   <tr><td>a 20 KB token</td><td>431</td><td>Jetty (header larger than 8 KiB)</td></tr>
 * </table>
 */
class JettyConformanceTests extends AdapterConformanceSuite {

  @Override
  protected ServerHandle start(Enforcer enforcer) throws Exception {
    return start(enforcer, "/");
  }

  static ServerHandle start(Enforcer enforcer, String contextPath) throws Exception {
    return Containers.jetty(enforcer, contextPath, ConformanceSupportServlet.all());
  }
}
