package dev.zt.servlet;

import dev.zt.core.Enforcer;
import dev.zt.testkit.conformance.AdapterConformanceSuite;
import dev.zt.testkit.conformance.ServerHandle;

/**
 * {@link ZeroTrustFilter} in embedded Tomcat 10.1 with its default connector settings: the filter on {@code /*} for
 * {@code REQUEST} dispatches, a servlet per handler of the suite's application.
 *
 * <p>Tomcat resolves most path tricks itself ({@code ;} parameters, {@code %2e}, {@code //}) and lets them through
 * to the filter, whose normalization must then agree with the servlet path Tomcat dispatches on; it refuses encoded
 * {@code /} and {@code \}, bad UTF-8, NUL and paths above the root with its own 400. What Tomcat 10.1 does with each
 * path trick (token with {@code orders:read}, no role):
 *
 * <table>
 *   <caption>Path tricks on Tomcat 10.1, default connector</caption>
 *   <tr><th>request-target</th><th>status</th><th>answered by</th></tr>
 *   <tr><td>{@code /admin/../orders}</td><td>200</td><td>orders handler, path {@code /orders}</td></tr>
 *   <tr><td>{@code /orders/..;/admin/stats}, {@code /docs/..;/admin/stats}</td><td>403</td>
 *       <td>zt (admin role; Tomcat resolved {@code /admin/stats} too)</td></tr>
 *   <tr><td>{@code /docs/%2e%2e/admin/stats}, {@code /orders/%2e%2e/admin/stats}</td><td>403</td>
 *       <td>zt (admin role)</td></tr>
 *   <tr><td>{@code /%2e%2e/admin}</td><td>400</td><td>Tomcat (above the root)</td></tr>
 *   <tr><td>{@code /orders%2F..%2Fadmin}, {@code /docs/..%2fadmin/stats}, {@code /admin%2Fstats}</td><td>400</td>
 *       <td>Tomcat (encoded {@code /})</td></tr>
 *   <tr><td>{@code //admin/stats}</td><td>403</td><td>zt (admin role)</td></tr>
 *   <tr><td>{@code /ORDERS}, {@code /orders/}, {@code /orders/.}</td><td>403</td><td>zt (no rule)</td></tr>
 *   <tr><td>{@code /orders;x=1}, {@code /admin/stats;/../../orders}, {@code /%6Frders}</td><td>200</td>
 *       <td>orders handler, path {@code /orders}</td></tr>
 *   <tr><td>{@code /docs/%252e%252e/admin/stats}</td><td>200</td>
 *       <td>docs handler, path {@code /docs/%2e%2e/admin/stats} (decoded once, as zt does)</td></tr>
 *   <tr><td>{@code /docs/./../admin/stats}</td><td>403</td><td>zt (admin role)</td></tr>
 *   <tr><td>{@code /orders/%C3%A9}</td><td>200</td><td>orders handler, path {@code /orders/é}</td></tr>
 *   <tr><td>{@code /orders/%FF}, {@code /docs/%c0%ae%c0%ae/admin/stats}, {@code /orders/%00}</td><td>400</td>
 *       <td>Tomcat</td></tr>
 *   <tr><td>{@code /orders/..%5cadmin/stats}, {@code /admin\stats}</td><td>400</td><td>Tomcat</td></tr>
 *   <tr><td>absolute-form {@code http://host/orders}, {@code http://host/admin/../orders}</td><td>200</td>
 *       <td>orders handler, path {@code /orders}</td></tr>
 *   <tr><td>absolute-form {@code http://host/docs/..;/admin/stats}</td><td>403</td><td>zt (admin role)</td></tr>
 *   <tr><td>a 20 KB token</td><td>400</td><td>Tomcat (header larger than 8 KiB)</td></tr>
 * </table>
 */
class TomcatConformanceTests extends AdapterConformanceSuite {

  @Override
  protected ServerHandle start(Enforcer enforcer) throws Exception {
    return start(enforcer, "");
  }

  static ServerHandle start(Enforcer enforcer, String contextPath) throws Exception {
    return Containers.tomcat(enforcer, contextPath, ConformanceSupportServlet.all());
  }
}
