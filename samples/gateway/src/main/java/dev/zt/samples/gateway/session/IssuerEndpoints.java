package dev.zt.samples.gateway.session;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The issuer's endpoints, read once at start from its discovery metadata (OpenID Connect Discovery 1.0 §4, or
 * RFC 8414 §3 when the issuer serves only that). The metadata's {@code issuer} must be {@code ZT_ISSUER} exactly
 * (RFC 8414 §3.3), and it must list {@code S256} among its PKCE methods: the gateway never logs in without PKCE.
 *
 * @param issuer the issuer identifier
 * @param authorization {@code authorization_endpoint}
 * @param token {@code token_endpoint}
 * @param issParameter {@code authorization_response_iss_parameter_supported} (RFC 9207 §3): then a callback without
 *     {@code iss} is refused
 */
record IssuerEndpoints(URI issuer, URI authorization, URI token, boolean issParameter) {

  static final int MAX_BODY = 64 * 1024;

  static IssuerEndpoints discover(URI issuer, HttpClient http, Duration timeout) {
    String base = issuer.toString().endsWith("/")
        ? issuer.toString().substring(0, issuer.toString().length() - 1) : issuer.toString();
    Map<String, Object> json = fetch(URI.create(base + "/.well-known/openid-configuration"), http, timeout);
    if (json == null) {
      json = fetch(URI.create(base + "/.well-known/oauth-authorization-server"), http, timeout);
    }
    if (json == null) {
      throw new IllegalArgumentException(SessionSettings.ISSUER + ": " + issuer + " serves no discovery metadata"
          + " (neither OpenID Connect nor RFC 8414)");
    }
    if (!issuer.toString().equals(json.get("issuer"))) {
      throw new IllegalArgumentException(SessionSettings.ISSUER + ": the discovery metadata names another issuer");
    }
    URI authorization = endpoint(json, "authorization_endpoint");
    URI token = endpoint(json, "token_endpoint");
    Object methods = json.get("code_challenge_methods_supported");
    if (!(methods instanceof List<?> list) || !list.contains("S256")) {
      throw new IllegalArgumentException(SessionSettings.ISSUER + ": the issuer does not list S256 in"
          + " code_challenge_methods_supported; browser sessions need PKCE (RFC 7636)");
    }
    boolean iss = Boolean.TRUE.equals(json.get("authorization_response_iss_parameter_supported"));
    return new IssuerEndpoints(issuer, authorization, token, iss);
  }

  private static URI endpoint(Map<String, Object> json, String name) {
    if (!(json.get(name) instanceof String s)) {
      throw new IllegalArgumentException(SessionSettings.ISSUER + ": the discovery metadata has no " + name);
    }
    URI uri;
    try {
      uri = URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(SessionSettings.ISSUER + ": the metadata's " + name + " is not a URL");
    }
    boolean https = "https".equals(uri.getScheme());
    boolean loopbackHttp = "http".equals(uri.getScheme()) && uri.getHost() != null
        && (uri.getHost().startsWith("127.") || uri.getHost().equals("localhost") || uri.getHost().equals("[::1]"));
    if (!https && !loopbackHttp || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(SessionSettings.ISSUER + ": the metadata's " + name
          + " must be https (plain http only on loopback), without a fragment");
    }
    return uri;
  }

  /** The JSON at {@code uri}, or null on a 404; a fault (I/O, another status, not JSON) is a start-up error. */
  private static Map<String, Object> fetch(URI uri, HttpClient http, Duration timeout) {
    try {
      HttpResponse<InputStream> res = http.send(
          HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      String body = readBounded(res.body());
      if (res.statusCode() == 404) {
        return null;
      }
      if (res.statusCode() != 200) {
        throw new IllegalArgumentException(SessionSettings.ISSUER + ": discovery at " + uri + " answered "
            + res.statusCode());
      }
      return JSONObjectUtils.parse(body);
    } catch (IOException | ParseException e) {
      throw new IllegalArgumentException(SessionSettings.ISSUER + ": cannot read discovery at " + uri + ": "
          + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the issuer's discovery metadata", e);
    }
  }

  /** The body as UTF-8, at most {@link #MAX_BODY} bytes; a longer body is an {@link IOException}. */
  static String readBounded(InputStream in) throws IOException {
    try (in) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        throw new IOException("response body over " + MAX_BODY + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
