package dev.zt.samples.gateway.session;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the browser-session feature is told by the environment. {@code GATEWAY_SESSION_CLIENT_ID} turns it on; every
 * other variable has a default. A bad value is an {@link IllegalArgumentException} naming the variable.
 *
 * @param issuer {@code ZT_ISSUER}: whose discovery metadata names the authorization and token endpoints
 * @param clientId {@code GATEWAY_SESSION_CLIENT_ID}
 * @param clientSecret {@code GATEWAY_SESSION_CLIENT_SECRET}: empty for a public client (PKCE only)
 * @param publicOrigin {@code GATEWAY_PUBLIC_URL} as an origin ({@code scheme://host[:port]}, no path)
 * @param scopes {@code GATEWAY_SESSION_SCOPES} (space separated; default {@code openid})
 * @param renewBefore {@code GATEWAY_SESSION_RENEW_BEFORE} seconds: renew an access token with less than this left
 * @param idleTimeout {@code GATEWAY_SESSION_IDLE_TIMEOUT} seconds without a request end a session
 * @param absoluteTimeout {@code GATEWAY_SESSION_ABSOLUTE_TIMEOUT} seconds after login end a session, renewals or not
 * @param maxSessions {@code GATEWAY_SESSION_MAX}: sessions kept at most (the least used go first)
 */
record SessionSettings(
    URI issuer,
    String clientId,
    Optional<Secret> clientSecret,
    String publicOrigin,
    List<String> scopes,
    Duration renewBefore,
    Duration idleTimeout,
    Duration absoluteTimeout,
    int maxSessions) {

  static final String CLIENT_ID = "GATEWAY_SESSION_CLIENT_ID";
  static final String CLIENT_SECRET = "GATEWAY_SESSION_CLIENT_SECRET";
  static final String PUBLIC_URL = "GATEWAY_PUBLIC_URL";
  static final String SCOPES = "GATEWAY_SESSION_SCOPES";
  static final String RENEW_BEFORE = "GATEWAY_SESSION_RENEW_BEFORE";
  static final String IDLE_TIMEOUT = "GATEWAY_SESSION_IDLE_TIMEOUT";
  static final String ABSOLUTE_TIMEOUT = "GATEWAY_SESSION_ABSOLUTE_TIMEOUT";
  static final String MAX_SESSIONS = "GATEWAY_SESSION_MAX";
  static final String ISSUER = "ZT_ISSUER";

  /** The settings, or empty when {@code GATEWAY_SESSION_CLIENT_ID} is unset (no browser sessions). */
  static Optional<SessionSettings> fromEnvironment(Map<String, String> env, int port) {
    String clientId = blankToNull(env.get(CLIENT_ID));
    if (clientId == null) {
      for (String dependent : List.of(CLIENT_SECRET, SCOPES, RENEW_BEFORE, IDLE_TIMEOUT, ABSOLUTE_TIMEOUT, MAX_SESSIONS)) {
        if (blankToNull(env.get(dependent)) != null) {
          throw new IllegalArgumentException(dependent + " is set but " + CLIENT_ID + " is not: browser sessions"
              + " need the client id the gateway logs in with");
        }
      }
      return Optional.empty();
    }
    if (!clientId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(CLIENT_ID + " must be visible ASCII characters");
    }
    String issuerValue = blankToNull(env.get(ISSUER));
    if (issuerValue == null) {
      throw new IllegalArgumentException(ISSUER + " is required with " + CLIENT_ID
          + ": its discovery metadata names the authorization and token endpoints");
    }
    URI issuer = httpUrl(ISSUER, issuerValue, true);
    Optional<Secret> secret = Optional.ofNullable(blankToNull(env.get(CLIENT_SECRET))).map(Secret::new);
    String publicUrl = Optional.ofNullable(blankToNull(env.get(PUBLIC_URL))).orElse("http://127.0.0.1:" + port);
    String origin = origin(httpUrl(PUBLIC_URL, publicUrl, false));
    String scopeValue = Optional.ofNullable(blankToNull(env.get(SCOPES))).orElse("openid");
    List<String> scopes = Arrays.stream(scopeValue.trim().split(" +")).distinct().toList();
    for (String s : scopes) {
      // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
      if (!s.chars().allMatch(c -> c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e))) {
        throw new IllegalArgumentException(SCOPES + " holds a scope that is not an RFC 6749 scope-token");
      }
    }
    Duration renew = seconds(env, RENEW_BEFORE, 30, 0, 3600);
    Duration idle = seconds(env, IDLE_TIMEOUT, 1800, 1, 7 * 86400);
    Duration absolute = seconds(env, ABSOLUTE_TIMEOUT, 8 * 3600, 1, 30 * 86400);
    if (idle.compareTo(absolute) > 0) {
      throw new IllegalArgumentException(IDLE_TIMEOUT + " (" + idle.toSeconds() + " s) is longer than "
          + ABSOLUTE_TIMEOUT + " (" + absolute.toSeconds() + " s)");
    }
    int max = (int) seconds(env, MAX_SESSIONS, 10_000, 1, 10_000_000).toSeconds();
    return Optional.of(new SessionSettings(issuer, clientId, secret, origin, scopes, renew, idle, absolute, max));
  }

  /** The redirect URI registered at the issuer: {@code {public URL}/callback}. */
  URI redirectUri() {
    return URI.create(publicOrigin + "/callback");
  }

  private static URI httpUrl(String name, String value, boolean pathAllowed) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(name + " is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(name + " must be an http(s) URL with a host and no user info, query or"
          + " fragment");
    }
    if (scheme.equals("http") && !loopback(uri.getHost())) {
      throw new IllegalArgumentException(name + " must be https (plain http only on a loopback address)");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!pathAllowed && !path.isEmpty() && !path.equals("/")) {
      throw new IllegalArgumentException(name + " must be an origin without a path (the gateway serves /login,"
          + " /callback and /logout at its root)");
    }
    return uri;
  }

  private static boolean loopback(String host) {
    return host.equals("localhost") || host.equals("[::1]") || host.equals("::1") || host.startsWith("127.");
  }

  private static String origin(URI uri) {
    String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
    return scheme + "://" + uri.getHost().toLowerCase(java.util.Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }

  private static Duration seconds(Map<String, String> env, String name, long dflt, long min, long max) {
    String v = blankToNull(env.get(name));
    if (v == null) {
      return Duration.ofSeconds(dflt);
    }
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a whole number");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
    }
    return Duration.ofSeconds(n);
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v;
  }

  /** A client secret: never printed, compared in constant time only by the issuer. */
  static final class Secret {
    private final String value;

    Secret(String value) {
      this.value = value;
    }

    String reveal() {
      return value;
    }

    @Override
    public String toString() {
      return "Secret[redacted]";
    }
  }
}
