package dev.zt.samples.springorders;

import dev.zt.core.credential.BearerJwt;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * spring-orders' standalone variables, read and checked before Spring starts, with orders-service's meanings, defaults
 * and messages: {@code ZT_ISSUER} and {@code ZT_AUDIENCE} (required), {@code ZT_JWKS_URI} (else discovery),
 * {@code ZT_MAX_TOKEN_LIFETIME} (ISO-8601 {@code PT2H} or seconds {@code 7200}; default 1 h),
 * {@code ZT_ACCESS_TOKEN_TYPE} ({@code at+jwt}: RFC 9068 typing required), {@code ZT_ALGORITHMS} (comma-separated, a
 * subset of zt's defaults), {@code ZT_ROLES_CLAIM} (a claim name or dotted path; default {@code roles}),
 * {@code ZT_ALLOW_PLAIN_HTTP} ({@code true} lets keys come over plain http from a host that is not loopback) and
 * {@code PORT} (default 8080). A value that is present and not understood is an {@link IllegalArgumentException}
 * naming its variable, which {@code main} turns into exit status 2: a misspelt setting never silently weakens, or
 * drops, a check.
 *
 * @param issuer {@code ZT_ISSUER}
 * @param audience {@code ZT_AUDIENCE}
 * @param jwksUri {@code ZT_JWKS_URI}
 * @param maxTokenLifetime {@code ZT_MAX_TOKEN_LIFETIME}
 * @param requireAccessTokenType {@code ZT_ACCESS_TOKEN_TYPE=at+jwt}
 * @param algorithms {@code ZT_ALGORITHMS}, empty for zt's defaults
 * @param rolesClaim {@code ZT_ROLES_CLAIM}
 * @param allowPlainHttp {@code ZT_ALLOW_PLAIN_HTTP}
 * @param port {@code PORT}
 */
record OrdersEnvironment(String issuer, String audience, Optional<URI> jwksUri, Optional<Duration> maxTokenLifetime,
    boolean requireAccessTokenType, List<String> algorithms, Optional<String> rolesClaim, boolean allowPlainHttp,
    int port) {

  /** The listener's port when {@code PORT} is not set. */
  static final int DEFAULT_PORT = 8080;

  /** Reads {@code env}; the token rules are also handed to zt's builder once, so what it refuses is refused here. */
  static OrdersEnvironment read(Map<String, String> env) {
    String issuer = required(env, "ZT_ISSUER");
    String audience = required(env, "ZT_AUDIENCE");
    URI issuerUri = uri(issuer, "ZT_ISSUER");
    String jwks = value(env, "ZT_JWKS_URI");
    Optional<URI> jwksUri = jwks == null ? Optional.empty() : Optional.of(uri(jwks, "ZT_JWKS_URI"));
    boolean allowPlainHttp = flag(env, "ZT_ALLOW_PLAIN_HTTP");
    refuseRemotePlainHttp("ZT_ISSUER", issuerUri, allowPlainHttp);
    jwksUri.ifPresent(u -> refuseRemotePlainHttp("ZT_JWKS_URI", u, allowPlainHttp));
    String lifetime = value(env, "ZT_MAX_TOKEN_LIFETIME");
    Optional<Duration> maxLifetime = lifetime == null ? Optional.empty() : Optional.of(maxTokenLifetime(lifetime));
    String type = value(env, "ZT_ACCESS_TOKEN_TYPE");
    if (type != null && !type.equalsIgnoreCase("at+jwt")) {
      throw new IllegalArgumentException("ZT_ACCESS_TOKEN_TYPE must be at+jwt (RFC 9068 explicit typing) or unset,"
          + " not '" + printable(type) + "'");
    }
    String algorithms = value(env, "ZT_ALGORITHMS");
    List<String> algs = algorithms == null ? List.of() : algorithms(algorithms);
    String roles = value(env, "ZT_ROLES_CLAIM");
    if (roles != null && !roles.matches("[A-Za-z0-9_:$-]+(\\.[A-Za-z0-9_:$-]+)*")) {
      throw new IllegalArgumentException("ZT_ROLES_CLAIM must be a claim name or a dotted path such as"
          + " realm_access.roles, not '" + printable(roles) + "'");
    }
    OrdersEnvironment read = new OrdersEnvironment(issuer, audience, jwksUri, maxLifetime, type != null, algs,
        Optional.ofNullable(roles), allowPlainHttp, port(env));
    read.bearerJwt(); // what zt's builder refuses (an issuer it cannot use, …) is refused before Spring starts
    return read;
  }

  /** The token configuration these variables describe, as orders-service builds it. */
  BearerJwt bearerJwt() {
    BearerJwt.Builder b = BearerJwt.issuer(issuer).audience(audience);
    jwksUri.ifPresent(b::jwksUri);
    if (allowPlainHttp) {
      b.allowPlainHttpKeySource();
    }
    maxTokenLifetime.ifPresent(b::maxTokenLifetime);
    if (requireAccessTokenType) {
      b.requireAccessTokenType();
    }
    if (!algorithms.isEmpty()) {
      b.algorithms(algorithms.toArray(String[]::new));
    }
    rolesClaim.ifPresent(b::rolesClaim);
    return b.build();
  }

  /**
   * The issuer options of the policy file these variables set, as YAML lines of the issuer entry (indented by
   * {@code indent}): {@code jwks_uri}, {@code allow_plain_http_key_source}, {@code max_token_lifetime},
   * {@code require_access_token_type}, {@code algorithms}. Every value was checked above; strings are written as JSON
   * strings (valid YAML), so no value can add a key.
   */
  String issuerOptions(String indent) {
    StringBuilder b = new StringBuilder();
    if (allowPlainHttp) {
      b.append(indent).append("allow_plain_http_key_source: true\n");
    }
    jwksUri.ifPresent(u -> b.append(indent).append("jwks_uri: ").append(quoted(u.toString())).append('\n'));
    maxTokenLifetime.ifPresent(d -> b.append(indent).append("max_token_lifetime: ").append(durationText(d))
        .append('\n'));
    if (requireAccessTokenType) {
      b.append(indent).append("require_access_token_type: true\n");
    }
    if (!algorithms.isEmpty()) {
      b.append(indent).append("algorithms:");
      algorithms.forEach(a -> b.append('\n').append(indent).append("  - ").append(quoted(a)));
      b.append('\n');
    }
    return b.toString();
  }

  /** {@code d} in the policy file's duration syntax: whole milliseconds (no precision is lost above that). */
  private static String durationText(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static String quoted(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** {@code ZT_MAX_TOKEN_LIFETIME}: an ISO-8601 duration or whole seconds, more than zero. */
  private static Duration maxTokenLifetime(String value) {
    Duration d;
    try {
      d = value.toUpperCase(Locale.ROOT).startsWith("P") ? Duration.parse(value)
          : Duration.ofSeconds(Long.parseLong(value));
    } catch (java.time.format.DateTimeParseException | NumberFormatException e) {
      d = null;
    }
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("ZT_MAX_TOKEN_LIFETIME must be an ISO-8601 duration (PT2H) or seconds"
          + " (7200), more than zero, not '" + printable(value) + "'");
    }
    return d;
  }

  /** {@code ZT_ALGORITHMS}: comma-separated JOSE names, each one of zt's defaults, no repeats, at least one. */
  private static List<String> algorithms(String value) {
    Set<String> seen = new LinkedHashSet<>();
    for (String raw : value.split(",", -1)) {
      String name = raw.strip();
      if (!BearerJwt.DEFAULT_ALGORITHMS.contains(name)) {
        throw new IllegalArgumentException("ZT_ALGORITHMS: '" + printable(name) + "' is not one of "
            + new TreeSet<>(BearerJwt.DEFAULT_ALGORITHMS) + " (comma-separated, names as in RFC 7518)");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("ZT_ALGORITHMS names " + name + " twice");
      }
    }
    return List.copyOf(seen);
  }

  /** {@code PORT}: 0 to 65535 (0: any free port), {@link #DEFAULT_PORT} when unset. */
  private static int port(Map<String, String> env) {
    String v = value(env, "PORT");
    if (v == null) {
      return DEFAULT_PORT;
    }
    int port;
    try {
      port = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("PORT must be a port number from 0 to 65535, not '" + printable(v) + "'");
    }
    return port;
  }

  /** A {@code true}/{@code false} variable (any case), unset or blank meaning false; anything else is an error. */
  private static boolean flag(Map<String, String> env, String name) {
    String v = value(env, name);
    if (v == null || v.equalsIgnoreCase("false")) {
      return false;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    throw new IllegalArgumentException(name + " must be true or false, not '" + printable(v) + "'");
  }

  private static void refuseRemotePlainHttp(String name, URI uri, boolean allowed) {
    if (isRemotePlainHttp(uri) && !allowed) {
      // Keys fetched without TLS can be swapped in transit: a forged token would then verify.
      throw new IllegalArgumentException(name + " uses plain http to a host that is not loopback (" + uri
          + "): keys fetched that way can be replaced in transit. Use https, or set ZT_ALLOW_PLAIN_HTTP=true inside"
          + " a network you control");
    }
  }

  /** Plain {@code http} to anything but a loopback literal or {@code localhost} (orders-service's rule). */
  private static boolean isRemotePlainHttp(URI uri) {
    if (!"http".equalsIgnoreCase(uri.getScheme())) {
      return false;
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (host.equals("localhost")) {
      return false;
    }
    boolean literal = host.matches("(\\d{1,3}\\.){3}\\d{1,3}") || (host.startsWith("[") && host.endsWith("]"));
    if (!literal) {
      return true;
    }
    try {
      return !InetAddress.getByName(host).isLoopbackAddress(); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      return true;
    }
  }

  private static URI uri(String value, String name) {
    try {
      return new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(name + " is not a URI: '" + printable(value) + "'");
    }
  }

  /** The variable's value, stripped; {@code null} when unset or blank. */
  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static String required(Map<String, String> env, String name) {
    String v = value(env, name);
    if (v == null) {
      throw new IllegalArgumentException(name + " is required (see the README)");
    }
    return v;
  }

  /** A configuration value for an error message: printable ASCII, at most 64 characters. */
  private static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
