package dev.zt.testkit;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A bare OAuth client for the tests of {@link TestIssuer}'s endpoints: the JDK's HTTP client, no redirects. */
final class OAuthClient {

  static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; // RFC 7636 Appendix B

  private final HttpClient http = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final TestIssuer issuer;

  OAuthClient(TestIssuer issuer) {
    this.issuer = issuer;
  }

  /** A token endpoint answer. */
  record Answer(int status, Map<String, Object> json, HttpResponse<String> response) {
    String string(String name) {
      return (String) json.get(name);
    }

    String error() {
      return string("error");
    }
  }

  /** {@code GET /authorize} with {@code params} (a list: keys may repeat). */
  HttpResponse<String> authorize(String... params) {
    return send(HttpRequest.newBuilder(URI.create(issuer.authorizationEndpoint() + "?" + form(params))).GET());
  }

  /** The standard authorization request of {@code client} to {@code redirect} with the RFC 7636 challenge. */
  HttpResponse<String> authorize(String clientId, URI redirect, String scope) {
    return authorize("response_type", "code", "client_id", clientId, "redirect_uri", redirect.toString(),
        "code_challenge", CHALLENGE, "code_challenge_method", "S256", "state", "st-1", "nonce", "n-1",
        "scope", scope);
  }

  /** The code of a successful authorization. */
  String code(String clientId, URI redirect, String scope) {
    HttpResponse<String> r = authorize(clientId, redirect, scope);
    if (r.statusCode() != 302) {
      throw new AssertionError("authorization failed: " + r.statusCode() + " " + r.body());
    }
    return query(r).get("code");
  }

  /** The query parameters of a redirect's {@code Location}. */
  static Map<String, String> query(HttpResponse<String> redirect) {
    URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : location.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** {@code POST /token} with the form {@code params} and, unless null, Basic credentials. */
  Answer token(String basicId, String basicSecret, String... params) {
    HttpRequest.Builder b = HttpRequest.newBuilder(issuer.tokenEndpoint())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(params)));
    if (basicId != null) {
      String creds = enc(basicId) + ":" + enc(basicSecret);
      b.header("Authorization",
          "Basic " + Base64.getEncoder().encodeToString(creds.getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> r = send(b);
    try {
      return new Answer(r.statusCode(), JSONObjectUtils.parse(r.body()), r);
    } catch (ParseException e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }

  /** Redeems {@code code} as the confidential client {@code id}/{@code secret} with the right verifier. */
  Answer redeem(String id, String secret, String code, URI redirect) {
    return token(id, secret, "grant_type", "authorization_code", "code", code, "redirect_uri", redirect.toString(),
        "code_verifier", VERIFIER);
  }

  Answer refresh(String id, String secret, String refreshToken, String... more) {
    String[] params = new String[4 + more.length];
    params[0] = "grant_type";
    params[1] = "refresh_token";
    params[2] = "refresh_token";
    params[3] = refreshToken;
    System.arraycopy(more, 0, params, 4, more.length);
    return token(id, secret, params);
  }

  static Map<String, Object> claims(String jwt) {
    try {
      return JWSObject.parse(jwt).getPayload().toJSONObject();
    } catch (ParseException e) {
      throw new AssertionError(e);
    }
  }

  static String type(String jwt) {
    try {
      return JWSObject.parse(jwt).getHeader().getType().getType();
    } catch (ParseException e) {
      throw new AssertionError(e);
    }
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static String form(String... params) {
    return java.util.stream.IntStream.range(0, params.length / 2)
        .mapToObj(i -> enc(params[2 * i]) + "=" + enc(params[2 * i + 1]))
        .collect(Collectors.joining("&"));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static List<String> list(Object o) {
    return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(o));
  }
}
