package dev.zt.samples.gateway;

import dev.zt.spiffe.SpiffeId;
import dev.zt.spiffe.TrustBundle;
import dev.zt.spiffe.TrustDomain;
import dev.zt.spiffe.X509Svid;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's configuration, read from the environment (see the module's README). Every variable that is required
 * and missing, or present and not understood, is an {@link IllegalArgumentException} naming it: a misspelt setting
 * never silently weakens a check or falls back to a default.
 *
 * @param issuer {@code ZT_ISSUER}, the clients' token issuer
 * @param audience {@code ZT_AUDIENCE}, the audience client tokens must name
 * @param allowPlainHttp {@code ZT_ALLOW_PLAIN_HTTP}: keys of a plain-http issuer that is not loopback
 * @param upstream {@code GATEWAY_UPSTREAM}, {@code https://host:port} of orders-service's mTLS listener
 * @param upstreamId {@code GATEWAY_UPSTREAM_ID}, the upstream's exact SPIFFE ID, if pinned
 * @param upstreamAudience {@code GATEWAY_UPSTREAM_AUDIENCE}, the internal token's {@code aud}
 * @param svidCert {@code ZT_SVID_CERT}, the gateway's X.509-SVID chain (PEM), re-read when it changes
 * @param svidKey {@code ZT_SVID_KEY}, its private key (PEM, PKCS#8), re-read when it changes
 * @param trustDomain {@code ZT_TRUST_DOMAIN}, the upstream's (and the gateway's) trust domain
 * @param bundle {@code ZT_X509_BUNDLE}, the trust domain's CA certificates (PEM)
 * @param host {@code ZT_HOST}, the bind address
 * @param port {@code PORT}, 0 for any free port
 * @param internalIssuer {@code GATEWAY_INTERNAL_ISSUER}, empty for the default {@code http://127.0.0.1:{PORT}/internal}
 * @param signingKey {@code GATEWAY_SIGNING_KEY}, a PEM file with the minter's P-256 key; empty: generated at start
 * @param keyActivation {@code GATEWAY_KEY_ACTIVATION}: how long a changed {@code GATEWAY_SIGNING_KEY} is published in
 *     the JWKS before it signs (zero: at once)
 * @param exchange {@code GATEWAY_EXCHANGE}: how internal tokens are made
 * @param sts with {@code GATEWAY_EXCHANGE=sts}: the STS and the gateway's client there
 */
record GatewayConfig(String issuer, String audience, boolean allowPlainHttp, URI upstream,
    Optional<SpiffeId> upstreamId, String upstreamAudience, Path svidCert, Path svidKey, TrustDomain trustDomain,
    TrustBundle bundle, String host, int port, Optional<URI> internalIssuer, Optional<Path> signingKey,
    Duration keyActivation, Exchange exchange, Optional<Sts> sts) {

  /**
   * {@code GATEWAY_STS_URI} (the STS's token endpoint), {@code GATEWAY_STS_CLIENT_ID} and
   * {@code GATEWAY_STS_CLIENT_SECRET} (sent as {@code client_secret_basic}). The secret never appears in
   * {@link #toString()}.
   */
  record Sts(URI tokenEndpoint, String clientId, String clientSecret) {
    @Override
    public String toString() {
      return "Sts[" + tokenEndpoint + ", client " + clientId + ", secret (redacted)]";
    }
  }

  /** How the gateway gets the internal token it forwards. */
  enum Exchange {
    /** Minted by the gateway itself with its own key ({@code InternalTokenMinter}). */
    LOCAL,
    /** Exchanged at an RFC 8693 STS ({@code GATEWAY_STS_URI}). */
    STS
  }

  /** The audience of the internal token when {@code GATEWAY_UPSTREAM_AUDIENCE} is not set. */
  static final String DEFAULT_UPSTREAM_AUDIENCE = "orders-service";

  /**
   * How long a changed signing key is published before it signs when {@code GATEWAY_KEY_ACTIVATION} is not set: longer
   * than the 5 min a {@code BearerJwt} (orders-service's) caches a JWKS by default, so every verifier has fetched the
   * new key before the first token names it.
   */
  static final Duration DEFAULT_KEY_ACTIVATION = Duration.ofMinutes(6);

  /** The longest {@code GATEWAY_KEY_ACTIVATION}. */
  static final Duration MAX_KEY_ACTIVATION = Duration.ofDays(1);

  /** Every address: the bind address when {@code ZT_HOST} is not set (as orders-service). */
  static final String DEFAULT_HOST = "0.0.0.0";

  /** The gateway's SPIFFE ID: the one its SVID names (the {@code act} of every internal token). */
  SpiffeId gatewayId() {
    return svid().spiffeId();
  }

  /** The SVID as the files hold it now. */
  X509Svid svid() {
    return readSvid(svidCert, svidKey);
  }

  static GatewayConfig fromEnvironment(Map<String, String> env) {
    String issuer = required(env, "ZT_ISSUER");
    URI issuerUri = uri(issuer, "ZT_ISSUER");
    if (!"https".equalsIgnoreCase(issuerUri.getScheme()) && !"http".equalsIgnoreCase(issuerUri.getScheme())
        || issuerUri.getHost() == null) {
      throw new IllegalArgumentException("ZT_ISSUER must be an http(s) URL with a host, not '" + printable(issuer)
          + "'");
    }
    boolean allowPlainHttp = flag(env, "ZT_ALLOW_PLAIN_HTTP");
    if (isRemotePlainHttp(issuerUri) && !allowPlainHttp) {
      throw new IllegalArgumentException("ZT_ISSUER uses plain http to a host that is not loopback (" + issuerUri
          + "): keys fetched that way can be replaced in transit. Use https, or set ZT_ALLOW_PLAIN_HTTP=true inside"
          + " a network you control");
    }
    String audience = required(env, "ZT_AUDIENCE");
    URI upstream = upstream(required(env, "GATEWAY_UPSTREAM"));
    String tdName = required(env, "ZT_TRUST_DOMAIN");
    TrustDomain td;
    try {
      td = TrustDomain.parse(tdName);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("ZT_TRUST_DOMAIN is not a trust domain name: '" + printable(tdName) + "'");
    }
    Path cert = path(env, "ZT_SVID_CERT");
    Path key = path(env, "ZT_SVID_KEY");
    X509Svid svid = readSvid(cert, key);
    if (!svid.spiffeId().trustDomain().equals(td)) {
      throw new IllegalArgumentException("ZT_SVID_CERT names " + svid.spiffeId() + ", not a workload of "
          + "ZT_TRUST_DOMAIN " + td.name());
    }
    Path bundlePath = path(env, "ZT_X509_BUNDLE");
    TrustBundle bundle;
    try {
      bundle = TrustBundle.fromPem(td, read(bundlePath, "ZT_X509_BUNDLE"));
    } catch (IllegalArgumentException e) {
      throw e.getMessage() != null && e.getMessage().startsWith("ZT_X509_BUNDLE") ? e
          : new IllegalArgumentException("ZT_X509_BUNDLE holds no usable CA certificates (" + e.getMessage() + ")");
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("ZT_X509_BUNDLE holds no usable CA certificates ("
          + e.getClass().getSimpleName() + ")");
    }
    Optional<SpiffeId> upstreamId = Optional.ofNullable(value(env, "GATEWAY_UPSTREAM_ID")).map(v -> {
      SpiffeId id;
      try {
        id = SpiffeId.parse(v);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("GATEWAY_UPSTREAM_ID is not a SPIFFE ID: '" + printable(v) + "'");
      }
      if (!id.toString().equals(v)) {
        throw new IllegalArgumentException("GATEWAY_UPSTREAM_ID is not a canonical SPIFFE ID: '" + printable(v)
            + "' (write it as " + id + ")");
      }
      if (!id.trustDomain().equals(td)) {
        throw new IllegalArgumentException("GATEWAY_UPSTREAM_ID " + id + " is not in ZT_TRUST_DOMAIN " + td.name());
      }
      return id;
    });
    String upstreamAudience = Optional.ofNullable(value(env, "GATEWAY_UPSTREAM_AUDIENCE"))
        .orElse(DEFAULT_UPSTREAM_AUDIENCE);
    if (!upstreamAudience.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("GATEWAY_UPSTREAM_AUDIENCE must be visible ASCII without spaces");
    }
    String host = host(env);
    int port = port(env);
    Optional<URI> internalIssuer = Optional.ofNullable(value(env, "GATEWAY_INTERNAL_ISSUER"))
        .map(GatewayConfig::internalIssuer);
    Optional<Path> signingKey = Optional.ofNullable(value(env, "GATEWAY_SIGNING_KEY"))
        .map(v -> path(env, "GATEWAY_SIGNING_KEY"));
    signingKey.ifPresent(p -> SigningKeys.read(p)); // fails now, naming the variable, rather than at first use
    Duration keyActivation = keyActivation(env);
    if (value(env, "GATEWAY_KEY_ACTIVATION") != null && signingKey.isEmpty()) {
      throw new IllegalArgumentException("GATEWAY_KEY_ACTIVATION is set but GATEWAY_SIGNING_KEY is not: a key"
          + " generated at start never changes, so the setting would do nothing");
    }
    Exchange exchange = exchange(env);
    Optional<Sts> sts = Optional.empty();
    if (exchange == Exchange.STS) {
      for (String name : new String[] {"GATEWAY_INTERNAL_ISSUER", "GATEWAY_SIGNING_KEY", "GATEWAY_KEY_ACTIVATION"}) {
        if (value(env, name) != null) {
          throw new IllegalArgumentException(name + " is set but GATEWAY_EXCHANGE=sts: the STS issues the internal"
              + " tokens, so the setting would do nothing");
        }
      }
      URI endpoint = uri(required(env, "GATEWAY_STS_URI"), "GATEWAY_STS_URI");
      if (endpoint.getHost() == null || endpoint.getRawUserInfo() != null || endpoint.getRawFragment() != null
          || !("https".equalsIgnoreCase(endpoint.getScheme()) || "http".equalsIgnoreCase(endpoint.getScheme()))) {
        throw new IllegalArgumentException("GATEWAY_STS_URI must be the STS's https token endpoint, not '"
            + printable(endpoint.toString()) + "'");
      }
      if (isRemotePlainHttp(endpoint) && !allowPlainHttp) {
        throw new IllegalArgumentException("GATEWAY_STS_URI uses plain http to a host that is not loopback: client"
            + " tokens and the gateway's secret would cross the network in clear. Use https, or set"
            + " ZT_ALLOW_PLAIN_HTTP=true inside a network you control");
      }
      sts = Optional.of(new Sts(endpoint, required(env, "GATEWAY_STS_CLIENT_ID"),
          required(env, "GATEWAY_STS_CLIENT_SECRET")));
    }
    return new GatewayConfig(issuer, audience, allowPlainHttp, upstream, upstreamId, upstreamAudience, cert, key, td,
        bundle, host, port, internalIssuer, signingKey, keyActivation, exchange, sts);
  }

  /**
   * {@code GATEWAY_KEY_ACTIVATION}: an ISO-8601 duration ({@code PT6M}) or whole seconds ({@code 360}), from 0 (the
   * new key signs at once) to a day; default {@link #DEFAULT_KEY_ACTIVATION}.
   */
  private static Duration keyActivation(Map<String, String> env) {
    String v = value(env, "GATEWAY_KEY_ACTIVATION");
    if (v == null) {
      return DEFAULT_KEY_ACTIVATION;
    }
    Duration d;
    try {
      d = v.matches("\\d{1,6}") ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v);
    } catch (RuntimeException e) {
      d = null;
    }
    if (d == null || d.isNegative() || d.compareTo(MAX_KEY_ACTIVATION) > 0) {
      throw new IllegalArgumentException("GATEWAY_KEY_ACTIVATION must be seconds or an ISO-8601 duration (PT6M)"
          + " from 0 to a day, not '" + printable(v) + "'");
    }
    return d;
  }

  /** {@code GATEWAY_EXCHANGE}: {@code local} (default) or {@code sts} (with its variables). */
  private static Exchange exchange(Map<String, String> env) {
    String v = value(env, "GATEWAY_EXCHANGE");
    String mode = v == null ? "local" : v.toLowerCase(Locale.ROOT);
    switch (mode) {
      case "local" -> {
        for (String name : new String[] {"GATEWAY_STS_URI", "GATEWAY_STS_CLIENT_ID", "GATEWAY_STS_CLIENT_SECRET"}) {
          if (value(env, name) != null) {
            throw new IllegalArgumentException(name + " is set but GATEWAY_EXCHANGE is not sts: a setting that"
                + " would do nothing");
          }
        }
        return Exchange.LOCAL;
      }
      case "sts" -> {
        return Exchange.STS;
      }
      default -> throw new IllegalArgumentException("GATEWAY_EXCHANGE must be local or sts, not '" + printable(v)
          + "'");
    }
  }

  private static URI upstream(String v) {
    URI u = uri(v, "GATEWAY_UPSTREAM");
    if (!"https".equalsIgnoreCase(u.getScheme())) {
      throw new IllegalArgumentException("GATEWAY_UPSTREAM must be https://host:port (mTLS with the gateway's SVID),"
          + " not '" + printable(v) + "'");
    }
    if (u.getHost() == null || u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null
        || !(u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))) {
      throw new IllegalArgumentException("GATEWAY_UPSTREAM must be https://host:port without user, path, query or"
          + " fragment, not '" + printable(v) + "'");
    }
    int port = u.getPort() == -1 ? 443 : u.getPort();
    return URI.create("https://" + u.getRawAuthority().replaceAll(":\\d+$", "") + ":" + port);
  }

  private static URI internalIssuer(String v) {
    URI u = uri(v, "GATEWAY_INTERNAL_ISSUER");
    if (!("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme())) || u.getHost() == null
        || u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
      throw new IllegalArgumentException("GATEWAY_INTERNAL_ISSUER must be an http(s) URL without user, query or"
          + " fragment, not '" + printable(v) + "'");
    }
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    if (path.endsWith("/") || path.contains("//") || path.contains("/.") || path.contains("%")) {
      throw new IllegalArgumentException("GATEWAY_INTERNAL_ISSUER's path must be plain segments without a trailing"
          + " slash, not '" + printable(v) + "'");
    }
    return u;
  }

  /** {@code ZT_HOST}, as orders-service reads it: an IP literal or a host name that resolves here. */
  private static String host(Map<String, String> env) {
    String v = value(env, "ZT_HOST");
    if (v == null) {
      return DEFAULT_HOST;
    }
    if (!v.matches("[A-Za-z0-9.:\\[\\]%_-]+")) {
      throw new IllegalArgumentException("ZT_HOST is not an address or host name: '" + printable(v) + "'");
    }
    try {
      return InetAddress.getByName(v).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("ZT_HOST does not resolve to an address here: '" + printable(v) + "'");
    }
  }

  private static int port(Map<String, String> env) {
    String v = value(env, "PORT");
    if (v == null) {
      return 8080;
    }
    try {
      int p = Integer.parseInt(v);
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("PORT must be a port number (0-65535), not '" + printable(v) + "'");
    }
  }

  static X509Svid readSvid(Path cert, Path key) {
    String chainPem = read(cert, "ZT_SVID_CERT");
    String keyPem = read(key, "ZT_SVID_KEY");
    try {
      return X509Svid.fromPem(chainPem, keyPem);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("ZT_SVID_CERT / ZT_SVID_KEY are not an X.509-SVID and its key ("
          + printable(String.valueOf(e.getMessage())) + ")");
    }
  }

  static String read(Path path, String name) {
    try {
      return Files.readString(path);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(name + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static Path path(Map<String, String> env, String name) {
    String v = required(env, name);
    try {
      return Path.of(v);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(name + " is not a path: '" + printable(v) + "'");
    }
  }

  private static URI uri(String value, String name) {
    try {
      return new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(name + " is not a URI: '" + printable(value) + "'");
    }
  }

  private static boolean flag(Map<String, String> env, String name) {
    String v = value(env, name);
    if (v == null) {
      return false;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, not '" + printable(v) + "'");
    };
  }

  /** Plain {@code http} to anything but a loopback literal or {@code localhost} (as orders-service decides). */
  static boolean isRemotePlainHttp(URI uri) {
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

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static String required(Map<String, String> env, String name) {
    String v = value(env, name);
    if (v == null) {
      throw new IllegalArgumentException(name + " is required (see samples/gateway/README.md)");
    }
    return v;
  }

  /** A configuration value for an error message: printable ASCII, at most 64 characters. */
  static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
