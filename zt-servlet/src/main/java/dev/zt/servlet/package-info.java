/**
 * The Jakarta Servlet 6 adapter: {@link dev.zt.servlet.ZeroTrustFilter}, a filter that puts zt's
 * {@link dev.zt.core.Enforcer} in front of every request a container dispatches, answers a denial with the
 * enforcer's wire answer, and hands an allowed request on with its {@link dev.zt.core.Caller} (a request attribute,
 * {@code getUserPrincipal()}, {@code isUserInRole(…)}). The rest of the package is the filter's package-private
 * helpers.
 *
 * <p>The entry point, in any Servlet 6 container (from a {@code ServletContainerInitializer}, or a
 * {@code ServletContextListener} declared in {@code web.xml}): map the filter to {@code /*} on the {@code REQUEST}
 * dispatcher, before any other filter that reads the request.
 *
 * <pre>{@code
 * servletContext.addFilter("zt", new ZeroTrustFilter(enforcer))
 *     .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
 * }</pre>
 *
 * <p>In the application, for a request zt allowed:
 *
 * <pre>{@code
 * Caller caller = (Caller) request.getAttribute(ZeroTrustFilter.CALLER_ATTRIBUTE);
 * }</pre>
 *
 * @since 0.1
 */
package dev.zt.servlet;
