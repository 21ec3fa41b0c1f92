package dev.zt.samples.gateway.session;

import jakarta.servlet.Filter;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Browser sessions at the gateway (the token-handler, or backend-for-frontend, pattern): the gateway logs the user
 * in with the authorization code flow and PKCE (RFC 6749 §4.1, RFC 7636, RFC 9700 §2.1.1), keeps the tokens
 * server-side, gives the browser only an opaque {@code __Host-} session cookie, and renews the access token with the
 * refresh token (single flight per session, rotation honoured) before it ends. Its {@link #filter()} goes before
 * zt's filter, which then decides on the session's access token as on any client token.
 *
 * @since 0.3
 */
public final class BrowserSessions {

  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
  static final int MAX_PENDING_LOGINS = 10_000;

  private final SessionFilter filter;
  private final SessionStore sessions;
  private final PendingLogins pending;

  BrowserSessions(SessionSettings settings, IssuerEndpoints endpoints, HttpClient http, Clock clock,
      int maxPendingLogins) {
    this.sessions = new SessionStore(settings.maxSessions(), settings.idleTimeout(), settings.absoluteTimeout(), clock);
    this.pending = new PendingLogins(maxPendingLogins, SessionFilter.LOGIN_LIFETIME, clock);
    TokenClient tokens = new TokenClient(endpoints, settings, http, HTTP_TIMEOUT, clock);
    this.filter = new SessionFilter(settings, endpoints, tokens, pending, sessions, clock,
        HTTP_TIMEOUT.plusSeconds(1));
  }

  /**
   * Browser sessions as {@code env} configures them ({@code GATEWAY_SESSION_CLIENT_ID} and the variables the
   * gateway's README lists), or empty when that variable is unset. Reads the issuer's discovery metadata now.
   *
   * @param port the gateway's port, for the default public URL {@code http://127.0.0.1:{port}}
   * @param clock what session timeouts and token lifetimes are measured on
   * @throws IllegalArgumentException a variable is invalid (the message names it), or the issuer's metadata is
   *     missing or unfit (no S256 PKCE, another issuer)
   */
  public static Optional<BrowserSessions> fromEnvironment(Map<String, String> env, int port, Clock clock) {
    Optional<SessionSettings> settings = SessionSettings.fromEnvironment(env, port);
    if (settings.isEmpty()) {
      return Optional.empty();
    }
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(HTTP_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    IssuerEndpoints endpoints = IssuerEndpoints.discover(settings.get().issuer(), http, HTTP_TIMEOUT);
    return Optional.of(new BrowserSessions(settings.get(), endpoints, http, clock, MAX_PENDING_LOGINS));
  }

  /** The servlet filter to install before zt's filter, on every path. */
  public Filter filter() {
    return filter;
  }

  SessionStore sessions() {
    return sessions;
  }

  PendingLogins pendingLogins() {
    return pending;
  }
}
