package dev.zt.samples.gateway.session;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The gateway's client of the issuer's token endpoint (RFC 6749 §3.2): the authorization code grant with its PKCE
 * verifier (§4.1.3, RFC 7636 §4.5) and the refresh token grant (§6). A confidential client authenticates with
 * {@code client_secret_basic} (§2.3.1); a public client sends its {@code client_id}. Every call has a deadline.
 */
final class TokenClient {

  private static final Pattern ERROR_CODE = Pattern.compile("[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}");

  private final IssuerEndpoints endpoints;
  private final SessionSettings settings;
  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;

  TokenClient(IssuerEndpoints endpoints, SessionSettings settings, HttpClient http, Duration timeout, Clock clock) {
    this.endpoints = endpoints;
    this.settings = settings;
    this.http = http;
    this.timeout = timeout;
    this.clock = clock;
  }

  /**
   * Redeems {@code code}; an ID token in the answer (required when the scopes hold {@code openid}) must name this
   * issuer, this client and {@code nonce}.
   */
  TokenResult redeem(String code, String verifier, String nonce) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", settings.redirectUri().toString());
    form.put("code_verifier", verifier);
    return post(form, Optional.of(nonce));
  }

  /** Renews with {@code refreshToken}. */
  TokenResult refresh(String refreshToken) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    return post(form, Optional.empty());
  }

  private TokenResult post(Map<String, String> form, Optional<String> nonce) {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoints.token()).timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json");
    if (settings.clientSecret().isPresent()) {
      String basic = encode(settings.clientId()) + ":" + encode(settings.clientSecret().get().reveal());
      request.header("Authorization",
          "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    } else {
      form.put("client_id", settings.clientId());
    }
    StringBuilder body = new StringBuilder();
    form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(encode(k)).append('=').append(encode(v)));
    Instant sent = clock.instant();
    HttpResponse<InputStream> res;
    String text;
    try {
      res = http.send(request.POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      text = IssuerEndpoints.readBounded(res.body());
    } catch (HttpTimeoutException e) {
      return new TokenResult.Unavailable("the token endpoint did not answer within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      return new TokenResult.Unavailable("the token endpoint is unreachable: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new TokenResult.Unavailable("interrupted");
    }
    int status = res.statusCode();
    if (status >= 500 || status == 429 || status == 408) {
      return new TokenResult.Unavailable("the token endpoint answered " + status);
    }
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(text);
    } catch (ParseException e) {
      return status == 200
          ? new TokenResult.Unavailable("the token endpoint's answer is not JSON")
          : new TokenResult.Refused("unreadable_error");
    }
    if (status != 200) {
      // RFC 6749 §5.2: 400 (401 for invalid_client); any other 4xx is as final for this grant
      Object error = json.get("error");
      return new TokenResult.Refused(
          error instanceof String s && ERROR_CODE.matcher(s).matches() ? s : "status_" + status);
    }
    return issued(json, sent, nonce);
  }

  private TokenResult issued(Map<String, Object> json, Instant sent, Optional<String> nonce) {
    if (!(json.get("access_token") instanceof String access) || access.isEmpty()) {
      return new TokenResult.Unavailable("the token endpoint's answer has no access_token");
    }
    if (!(json.get("token_type") instanceof String type) || !type.equalsIgnoreCase("Bearer")) {
      return new TokenResult.Unavailable("the token endpoint's answer is not a Bearer token");
    }
    Optional<Instant> expires = Optional.empty();
    if (json.get("expires_in") instanceof Number n && n.longValue() > 0) {
      // counted from when the request left: never later than the issuer meant
      expires = Optional.of(sent.plusSeconds(n.longValue()));
    } else {
      expires = jwtExpiry(access);
    }
    if (expires.isEmpty()) {
      return new TokenResult.Unavailable("the token endpoint's answer says neither expires_in nor a JWT exp");
    }
    Optional<String> refresh = json.get("refresh_token") instanceof String r && !r.isEmpty()
        ? Optional.of(r) : Optional.empty();
    if (nonce.isPresent()) {
      if (json.get("id_token") instanceof String idToken) {
        String problem = idTokenProblem(idToken, nonce.get());
        if (problem != null) {
          return new TokenResult.Refused(problem);
        }
      } else if (settings.scopes().contains("openid")) {
        return new TokenResult.Refused("id_token_missing"); // OpenID Connect Core §3.1.3.3: required with openid
      }
    }
    return new TokenResult.Issued(new Tokens(access, expires.get(), refresh));
  }

  /**
   * What is wrong with an ID token that came straight from the token endpoint, or null. Its signature is not
   * checked: OpenID Connect Core 1.0 §3.1.3.7 (6) lets the TLS connection to the token endpoint stand for it; it
   * must be signed all the same (no {@code alg: none}), and its issuer, audience and nonce are checked.
   */
  private String idTokenProblem(String idToken, String nonce) {
    try {
      com.nimbusds.jwt.JWT jwt = JWTParser.parse(idToken);
      if (!(jwt instanceof com.nimbusds.jwt.SignedJWT)) {
        return "id_token_unsigned"; // alg none or encrypted: not what an OpenID provider answers here
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      if (!endpoints.issuer().toString().equals(claims.getIssuer())) {
        return "id_token_issuer";
      }
      List<String> aud = claims.getAudience();
      if (aud == null || !aud.contains(settings.clientId())) {
        return "id_token_audience";
      }
      Object claimed = claims.getClaim("nonce");
      if (!(claimed instanceof String s) || !java.security.MessageDigest.isEqual(
          s.getBytes(StandardCharsets.UTF_8), nonce.getBytes(StandardCharsets.UTF_8))) {
        return "id_token_nonce";
      }
      return null;
    } catch (ParseException e) {
      return "id_token_malformed";
    }
  }

  private static Optional<Instant> jwtExpiry(String token) {
    try {
      return Optional.ofNullable(JWTParser.parse(token).getJWTClaimsSet().getExpirationTime()).map(d -> d.toInstant());
    } catch (ParseException e) {
      return Optional.empty();
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
