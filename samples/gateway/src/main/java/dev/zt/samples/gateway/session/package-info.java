/**
 * Browser sessions at the gateway (the token-handler, or backend-for-frontend, pattern): login with the
 * authorization code flow and PKCE S256, tokens kept server-side behind an opaque {@code __Host-} cookie, the access
 * token renewed with the refresh token before it ends (single flight per session, rotation honoured). The only
 * public type is {@link dev.zt.samples.gateway.session.BrowserSessions}, whose filter the gateway installs before
 * zt's filter:
 *
 * <pre>{@code
 * Optional<BrowserSessions> sessions = BrowserSessions.fromEnvironment(System.getenv(), port, Clock.systemUTC());
 * sessions.ifPresent(s -> context.addFilter(new FilterHolder(s.filter()), "/*", EnumSet.of(DispatcherType.REQUEST)));
 * context.addFilter(new FilterHolder(new ZeroTrustFilter(enforcer)), "/*", EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 *
 * <p>See the module's README ("Browser sessions") for the variables, the answers and why the cookie is
 * {@code SameSite=Strict}.
 */
package dev.zt.samples.gateway.session;
