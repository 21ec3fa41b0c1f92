package dev.zt.samples.gateway.session;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token handler in front of zt's filter. It answers {@code GET /login}, {@code GET /callback} and
 * {@code POST /logout} itself; on any other request that carries the session cookie it finds the session, renews
 * its access token when it ends within the margin, and passes the request on with {@code Authorization: Bearer}
 * set to that token, so zt decides exactly as for a token client. Requests without the cookie pass untouched.
 */
final class SessionFilter implements Filter {

  static final String SESSION_COOKIE = "__Host-zt-session";
  static final String LOGIN_COOKIE = "__Host-zt-login";
  static final Duration LOGIN_LIFETIME = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(SessionFilter.class);
  private static final Pattern COOKIE_VALUE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

  private final SessionSettings settings;
  private final IssuerEndpoints endpoints;
  private final TokenClient tokens;
  private final PendingLogins pending;
  private final SessionStore sessions;
  private final Clock clock;
  private final Duration renewalWait;

  SessionFilter(SessionSettings settings, IssuerEndpoints endpoints, TokenClient tokens, PendingLogins pending,
      SessionStore sessions, Clock clock, Duration renewalWait) {
    this.settings = settings;
    this.endpoints = endpoints;
    this.tokens = tokens;
    this.pending = pending;
    this.sessions = sessions;
    this.clock = clock;
    this.renewalWait = renewalWait;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    String path = request.getRequestURI();
    String method = request.getMethod();
    switch (path) {
      case "/login" -> {
        if (method.equals("GET")) {
          login(response);
        } else {
          notAllowed(response, "GET");
        }
        return;
      }
      case "/callback" -> {
        if (method.equals("GET")) {
          callback(request, response);
        } else {
          notAllowed(response, "GET");
        }
        return;
      }
      case "/logout" -> {
        if (method.equals("POST")) {
          logout(request, response);
        } else {
          notAllowed(response, "POST");
        }
        return;
      }
      default -> { }
    }
    List<String> ids = cookies(request, SESSION_COOKIE);
    if (ids.isEmpty()) {
      chain.doFilter(request, response); // a token client, or anonymous: zt decides as it always does
      return;
    }
    if (ids.size() > 1) {
      problem(response, 400, "ambiguous-session", "Ambiguous session", "the request carries two session cookies");
      return;
    }
    if (request.getHeader("Authorization") != null) {
      problem(response, 400, "ambiguous-credentials", "Ambiguous credentials",
          "the request carries both a session cookie and an Authorization header");
      return;
    }
    if (!SAFE.contains(method) && !sameOrigin(request)) {
      problem(response, 403, "cross-origin", "Cross-origin request refused",
          "a " + method + " with the session cookie needs the Origin of " + settings.publicOrigin());
      return;
    }
    String id = ids.get(0);
    Optional<Session> found = COOKIE_VALUE.matcher(id).matches() ? sessions.find(id) : Optional.empty();
    if (found.isEmpty()) {
      clearSession(response);
      unauthenticated(response, "no-session", "No session", "the session is unknown or has ended; log in again");
      return;
    }
    Session session = found.get();
    Tokens current = session.tokens();
    if (session.needsRenewal(clock.instant(), settings.renewBefore())) {
      TokenResult renewed = session.renew(s -> s.needsRenewal(clock.instant(), settings.renewBefore()),
          tokens::refresh, renewalWait);
      if (renewed instanceof TokenResult.Issued issued) {
        current = issued.tokens();
      } else if (renewed instanceof TokenResult.Refused refused) {
        sessions.remove(id);
        LOG.info("browser session ended: the issuer refused its renewal ({})", refused.error());
        clearSession(response);
        unauthenticated(response, "session-ended", "Session ended",
            "the issuer refused to renew the session; log in again");
        return;
      } else {
        LOG.warn("browser session kept, not renewed: {}", ((TokenResult.Unavailable) renewed).why());
        response.setHeader("Retry-After", "5");
        problem(response, 503, "issuer-unavailable", "Issuer unavailable",
            "the session's access token could not be renewed now; try again shortly");
        return;
      }
    }
    chain.doFilter(new BearerRequest(request, current.accessToken()), response);
  }

  private void login(HttpServletResponse response) throws IOException {
    String state = Randoms.token();
    String nonce = Randoms.token();
    String verifier = Randoms.token();
    String loginId = pending.start(new PendingLogins.Pending(state, nonce, verifier));
    String base = endpoints.authorization().toString();
    StringBuilder location = new StringBuilder(base).append(base.contains("?") ? '&' : '?')
        .append("response_type=code")
        .append("&client_id=").append(encode(settings.clientId()))
        .append("&redirect_uri=").append(encode(settings.redirectUri().toString()))
        .append("&scope=").append(encode(String.join(" ", settings.scopes())))
        .append("&state=").append(state)
        .append("&nonce=").append(nonce)
        .append("&code_challenge=").append(Randoms.challenge(verifier))
        .append("&code_challenge_method=S256");
    // Lax, not Strict: the browser must send it on the issuer's cross-site redirect to /callback
    response.addHeader("Set-Cookie", LOGIN_COOKIE + "=" + loginId + "; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age="
        + LOGIN_LIFETIME.toSeconds());
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("Location", location.toString());
    response.setStatus(302);
  }

  private void callback(HttpServletRequest request, HttpServletResponse response) throws IOException {
    List<String> logins = cookies(request, LOGIN_COOKIE);
    // whatever happens next, this browser's login attempt is over
    response.addHeader("Set-Cookie", LOGIN_COOKIE + "=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0");
    if (logins.size() != 1 || !COOKIE_VALUE.matcher(logins.get(0)).matches()) {
      problem(response, 400, "no-login", "No login in progress",
          "this browser did not start a login here (no login cookie); start again at /login");
      return;
    }
    Optional<PendingLogins.Pending> started = pending.take(logins.get(0));
    if (started.isEmpty()) {
      problem(response, 400, "no-login", "No login in progress",
          "the login was not found or took too long; start again at /login");
      return;
    }
    PendingLogins.Pending login = started.get();
    Optional<String> state = single(request, "state");
    if (state.isEmpty() || !Randoms.same(state.get(), login.state())) {
      problem(response, 400, "state-mismatch", "Login refused", "the callback's state is not this browser's login");
      return;
    }
    Optional<String> iss = single(request, "iss");
    if (iss.isPresent() ? !iss.get().equals(endpoints.issuer().toString()) : endpoints.issParameter()) {
      // RFC 9207 §2.4: a response from another issuer (mix-up), or without iss from an issuer that sends it
      problem(response, 400, "issuer-mismatch", "Login refused", "the callback's iss is not the configured issuer");
      return;
    }
    if (request.getParameter("error") != null) {
      problem(response, 403, "login-refused", "Login refused", "the issuer did not authenticate the user");
      return;
    }
    Optional<String> code = single(request, "code");
    if (code.isEmpty()) {
      problem(response, 400, "no-code", "Login refused", "the callback carries no single authorization code");
      return;
    }
    TokenResult redeemed = tokens.redeem(code.get(), login.verifier(), login.nonce());
    if (redeemed instanceof TokenResult.Issued issued) {
      String id = sessions.add(new Session(issued.tokens(), clock.instant()));
      response.addHeader("Set-Cookie", SESSION_COOKIE + "=" + id
          + "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=" + settings.absoluteTimeout().toSeconds());
      response.setHeader("Cache-Control", "no-store");
      response.setHeader("Location", settings.publicOrigin() + "/");
      response.setStatus(303);
    } else if (redeemed instanceof TokenResult.Refused refused) {
      LOG.info("browser login refused by the token endpoint ({})", refused.error());
      problem(response, 400, "login-refused", "Login refused", "the issuer refused the authorization code");
    } else {
      LOG.warn("browser login failed: {}", ((TokenResult.Unavailable) redeemed).why());
      response.setHeader("Retry-After", "5");
      problem(response, 503, "issuer-unavailable", "Issuer unavailable", "the login could not be finished now");
    }
  }

  private void logout(HttpServletRequest request, HttpServletResponse response) throws IOException {
    List<String> ids = cookies(request, SESSION_COOKIE);
    if (!ids.isEmpty() && !sameOrigin(request)) {
      problem(response, 403, "cross-origin", "Cross-origin request refused",
          "a POST with the session cookie needs the Origin of " + settings.publicOrigin());
      return;
    }
    ids.forEach(sessions::remove);
    clearSession(response);
    response.setHeader("Cache-Control", "no-store");
    response.setStatus(204);
  }

  private boolean sameOrigin(HttpServletRequest request) {
    List<String> origins = Collections.list(request.getHeaders("Origin"));
    return origins.size() == 1 && origins.get(0).equals(settings.publicOrigin());
  }

  private static Optional<String> single(HttpServletRequest request, String name) {
    String[] values = request.getParameterValues(name);
    return values == null || values.length != 1 || values[0].isEmpty() ? Optional.empty() : Optional.of(values[0]);
  }

  private static List<String> cookies(HttpServletRequest request, String name) {
    Cookie[] all = request.getCookies();
    List<String> values = new ArrayList<>(1);
    if (all != null) {
      for (Cookie c : all) {
        if (c.getName().equals(name)) {
          values.add(c.getValue());
        }
      }
    }
    return values;
  }

  private static void clearSession(HttpServletResponse response) {
    response.addHeader("Set-Cookie", SESSION_COOKIE + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
  }

  private static void notAllowed(HttpServletResponse response, String allow) throws IOException {
    response.setHeader("Allow", allow);
    problem(response, 405, "method-not-allowed", "Method not allowed", "this endpoint answers " + allow + " only");
  }

  private static void unauthenticated(HttpServletResponse response, String type, String title, String detail)
      throws IOException {
    // RFC 9110 §15.5.2: a 401 carries a challenge; the gateway also takes Bearer tokens
    response.setHeader("WWW-Authenticate", "Bearer realm=\"zt\"");
    problem(response, 401, type, title, detail);
  }

  /** A problem+json answer (RFC 9457) with fixed texts only: nothing of the request is echoed. */
  private static void problem(HttpServletResponse response, int status, String type, String title, String detail)
      throws IOException {
    byte[] body = ("{\"type\":\"https://zt.dev/problems/" + type + "\",\"title\":\"" + title + "\",\"status\":"
        + status + ",\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setHeader("Content-Type", "application/problem+json");
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The browser's request with the session's access token as its {@code Authorization}, for zt's filter. */
  private static final class BearerRequest extends HttpServletRequestWrapper {
    private final String authorization;

    BearerRequest(HttpServletRequest request, String accessToken) {
      super(request);
      this.authorization = "Bearer " + accessToken;
    }

    @Override
    public String getHeader(String name) {
      return "Authorization".equalsIgnoreCase(name) ? authorization : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return "Authorization".equalsIgnoreCase(name)
          ? Collections.enumeration(List.of(authorization)) : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
      List<String> names = Collections.list(super.getHeaderNames());
      if (names.stream().noneMatch("Authorization"::equalsIgnoreCase)) {
        names.add("Authorization");
      }
      return Collections.enumeration(names);
    }
  }
}
