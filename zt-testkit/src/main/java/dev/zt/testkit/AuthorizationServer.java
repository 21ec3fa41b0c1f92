package dev.zt.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The authorization and token endpoints of a {@link TestIssuer}: authorization code with PKCE (RFC 6749 §4.1,
 * RFC 7636, RFC 9207), refresh with rotation (RFC 9700 §4.14.2), client credentials (RFC 6749 §4.4) and token
 * exchange (RFC 8693). Strict like a real authorization server: every refusal is the RFC's error, never a partial
 * success. All state is in memory; every grant decision runs under one lock, so codes and refresh tokens are
 * consumed exactly once even under concurrent requests.
 */
final class AuthorizationServer {

  static final String AUTHORIZATION_CODE = "authorization_code";
  static final String REFRESH_TOKEN = "refresh_token";
  static final String CLIENT_CREDENTIALS = "client_credentials";
  static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
  static final String JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";
  static final Duration CODE_LIFETIME = Duration.ofSeconds(60);

  /** Claims the issuer sets itself: a user's configured claims may not replace them. */
  private static final Set<String> RESERVED_CLAIMS = Set.of("iss", "sub", "aud", "exp", "iat", "nbf", "jti",
      "client_id", "scope", "sid", "auth_time", "nonce", "azp", "act", "cnf", "may_act");
  /** RFC 7636 §4.1: 43 to 128 unreserved characters. */
  private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
  /** An S256 challenge is a base64url SHA-256: 43 characters, no padding. */
  private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final int MAX_BODY = 64 * 1024;

  private record Client(String id, Optional<byte[]> secret, Set<String> redirectUris) {
    boolean confidential() {
      return secret.isPresent();
    }
  }

  private record User(String subject, Map<String, Object> claims) {}

  private record Code(String clientId, URI redirectUri, String challenge, User user, List<String> scope,
      Optional<String> nonce, Instant issuedAt, String sid) {}

  /** A refresh token: {@code grantedScope} is what the login granted (narrowing never shrinks it for later). */
  private record Refresh(String clientId, User user, List<String> grantedScope, Instant expiresAt, String sid,
      Instant authTime) {}

  private final String issuer;
  private final Clock clock;
  private final Supplier<TestKey> signingKey;
  private final Supplier<List<TestKey>> publishedKeys;
  private final SecureRandom random = new SecureRandom();
  private final Object lock = new Object();

  private final Map<String, Client> clients = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> exchangeAudiences = new ConcurrentHashMap<>();
  private final Map<String, Code> codes = new LinkedHashMap<>(); // guarded by lock
  private final Set<String> usedCodes = new LinkedHashSet<>(); // guarded by lock
  private final Map<String, String> sidOfUsedCode = new LinkedHashMap<>(); // guarded by lock
  private final Map<String, Refresh> refreshTokens = new LinkedHashMap<>(); // guarded by lock: live ones
  private final Map<String, String> rotatedRefreshTokens = new LinkedHashMap<>(); // guarded by lock: token → sid
  private final Set<String> revokedSessions = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> tokenRequests = new ConcurrentHashMap<>();

  private volatile User user;
  private volatile List<String> accessTokenAudience;
  private final String issuerAudience;
  private volatile Duration accessTokenLifetime = Duration.ofMinutes(5);
  private volatile Duration refreshTokenLifetime = Duration.ofMinutes(30);
  private volatile int tokenEndpointStatus = 200;

  AuthorizationServer(String issuer, String audience, Clock clock, Supplier<TestKey> signingKey,
      Supplier<List<TestKey>> publishedKeys) {
    this.issuer = issuer;
    this.issuerAudience = audience;
    this.accessTokenAudience = List.of(audience);
    this.clock = clock;
    this.signingKey = signingKey;
    this.publishedKeys = publishedKeys;
  }

  // ---------------------------------------------------------------- configuration

  void registerClient(String clientId, Optional<String> secret, URI... redirectUris) {
    requireText(clientId, "clientId");
    secret.ifPresent(s -> requireText(s, "secret"));
    Set<String> uris = new LinkedHashSet<>();
    for (URI uri : redirectUris) {
      Objects.requireNonNull(uri, "redirect URI");
      if (!uri.isAbsolute() || uri.getRawFragment() != null) {
        // RFC 6749 §3.1.2: an absolute URI without a fragment
        throw new IllegalArgumentException("a redirect URI must be absolute and have no fragment: " + uri);
      }
      uris.add(uri.toString()); // compared as strings: RFC 9700 §4.1.3 exact matching
    }
    Client client = new Client(clientId, secret.map(s -> s.getBytes(StandardCharsets.UTF_8)), Set.copyOf(uris));
    if (clients.putIfAbsent(clientId, client) != null) {
      throw new IllegalStateException("client " + clientId + " is already registered");
    }
  }

  void allowExchange(String clientId, String... audiences) {
    Client client = clients.get(clientId);
    if (client == null) {
      throw new IllegalStateException("register client " + clientId + " before allowing it to exchange tokens");
    }
    if (!client.confidential()) {
      throw new IllegalArgumentException("a public client cannot exchange tokens: " + clientId);
    }
    if (audiences.length == 0) {
      throw new IllegalArgumentException("name at least one audience " + clientId + " may exchange for");
    }
    for (String a : audiences) {
      requireText(a, "audience");
    }
    exchangeAudiences.computeIfAbsent(clientId, k -> ConcurrentHashMap.newKeySet()).addAll(List.of(audiences));
  }

  void loginAs(String subject, Map<String, Object> claims) {
    requireText(subject, "subject");
    for (String name : claims.keySet()) {
      if (RESERVED_CLAIMS.contains(name)) {
        throw new IllegalArgumentException("the issuer sets " + name + " itself");
      }
    }
    this.user = new User(subject, Map.copyOf(claims));
  }

  void logout() {
    this.user = null;
  }

  void accessTokenAudience(String... audiences) {
    if (audiences.length == 0) {
      throw new IllegalArgumentException("name at least one audience");
    }
    for (String a : audiences) {
      requireText(a, "audience");
    }
    this.accessTokenAudience = List.of(audiences);
  }

  void accessTokenLifetime(Duration lifetime) {
    this.accessTokenLifetime = requirePositive(lifetime);
  }

  void refreshTokenLifetime(Duration lifetime) {
    this.refreshTokenLifetime = requirePositive(lifetime);
  }

  void tokenEndpointStatus(int status) {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    this.tokenEndpointStatus = status;
  }

  void revokeSession(String sid) {
    requireText(sid, "sid");
    synchronized (lock) {
      revokeSessionLocked(sid);
    }
  }

  int tokenRequests(String grantType) {
    AtomicInteger n = tokenRequests.get(grantType);
    return n == null ? 0 : n.get();
  }

  // ---------------------------------------------------------------- GET /authorize

  void authorize(HttpExchange ex) throws IOException {
    if (!"/authorize".equals(ex.getRequestURI().getPath())) {
      json(ex, 404, "{}");
      return;
    }
    if (!"GET".equals(ex.getRequestMethod())) {
      ex.getResponseHeaders().set("Allow", "GET");
      json(ex, 405, error("invalid_request", "the authorization endpoint takes GET"));
      return;
    }
    Map<String, List<String>> params;
    try {
      params = parseForm(Optional.ofNullable(ex.getRequestURI().getRawQuery()).orElse(""));
    } catch (IllegalArgumentException e) {
      json(ex, 400, error("invalid_request", "malformed query"));
      return;
    }
    // RFC 6749 §4.1.2.1: without a known client and its exact redirect URI, never redirect
    Optional<String> clientId = single(params, "client_id");
    Client client = clientId.map(clients::get).orElse(null);
    if (client == null || duplicated(params, "client_id")) {
      json(ex, 400, error("invalid_request", "unknown or missing client_id"));
      return;
    }
    Optional<String> redirect = single(params, "redirect_uri");
    URI redirectUri;
    try {
      redirectUri = redirect.map(URI::create).orElse(null);
    } catch (IllegalArgumentException e) {
      redirectUri = null;
    }
    if (redirectUri == null || duplicated(params, "redirect_uri")
        || !client.redirectUris().contains(redirect.get())) {
      json(ex, 400, error("invalid_request", "redirect_uri missing or not registered for this client"));
      return;
    }
    Optional<String> state = single(params, "state");
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      if (p.getValue().size() > 1) {
        redirectError(ex, redirectUri, state, "invalid_request", "parameter " + p.getKey() + " repeated");
        return;
      }
    }
    if (!single(params, "response_type").map("code"::equals).orElse(false)) {
      redirectError(ex, redirectUri, state, params.containsKey("response_type") ? "unsupported_response_type"
          : "invalid_request", "response_type must be code");
      return;
    }
    Optional<String> challenge = single(params, "code_challenge");
    if (challenge.isEmpty()) {
      redirectError(ex, redirectUri, state, "invalid_request", "code_challenge required (PKCE)");
      return;
    }
    if (!single(params, "code_challenge_method").map("S256"::equals).orElse(false)) {
      // RFC 7636 §4.4.1; a missing method means plain (§4.3), which this issuer does not support
      redirectError(ex, redirectUri, state, "invalid_request", "code_challenge_method must be S256");
      return;
    }
    if (!S256_CHALLENGE.matcher(challenge.get()).matches()) {
      redirectError(ex, redirectUri, state, "invalid_request", "code_challenge is not an S256 challenge");
      return;
    }
    User who = user;
    if (who == null) {
      redirectError(ex, redirectUri, state, "access_denied", "no user logged in");
      return;
    }
    List<String> scope = scopes(single(params, "scope").orElse(""));
    String code = randomToken();
    Instant now = clock.instant();
    synchronized (lock) {
      codes.put(code, new Code(client.id(), redirectUri, challenge.get(), who, scope, single(params, "nonce"), now,
          "s-" + randomToken().substring(0, 16)));
    }
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("code", code);
    state.ifPresent(s -> answer.put("state", s));
    answer.put("iss", issuer);
    redirect(ex, redirectUri, answer);
  }

  private void redirectError(HttpExchange ex, URI redirectUri, Optional<String> state, String error,
      String description) throws IOException {
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("error", error);
    answer.put("error_description", description);
    state.ifPresent(s -> answer.put("state", s));
    answer.put("iss", issuer); // RFC 9207 §2: on error responses too
    redirect(ex, redirectUri, answer);
  }

  private static void redirect(HttpExchange ex, URI redirectUri, Map<String, String> params) throws IOException {
    StringBuilder location = new StringBuilder(redirectUri.toString());
    char sep = redirectUri.getRawQuery() == null ? '?' : '&';
    for (Map.Entry<String, String> p : params.entrySet()) {
      location.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
      sep = '&';
    }
    ex.getResponseHeaders().set("Location", location.toString());
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(302, -1);
    ex.close();
  }

  // ---------------------------------------------------------------- POST /token

  /** RFC 6749 §5.2: a refusal, as the wire shows it. */
  private static final class Refusal extends Exception {
    final int status;
    final String error;
    final boolean basicChallenge;

    Refusal(int status, String error, String description, boolean basicChallenge) {
      super(description, null, false, false);
      this.status = status;
      this.error = error;
      this.basicChallenge = basicChallenge;
    }
  }

  private static Refusal refuse(String error, String description) {
    return new Refusal(400, error, description, false);
  }

  void token(HttpExchange ex) throws IOException {
    if (!"/token".equals(ex.getRequestURI().getPath())) {
      json(ex, 404, "{}");
      return;
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      Map<String, List<String>> params;
      try {
        params = parseForm(new String(body, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        params = Map.of();
      }
      String grantType = params.getOrDefault("grant_type", List.of("")).get(0);
      tokenRequests.computeIfAbsent(grantType, k -> new AtomicInteger()).incrementAndGet();
      int status = tokenEndpointStatus;
      if (status != 200) {
        json(ex, status, error("temporarily_unavailable", "the token endpoint is down (test knob)"));
        return;
      }
      if (!"POST".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Allow", "POST");
        json(ex, 405, error("invalid_request", "the token endpoint takes POST"));
        return;
      }
      String contentType = Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Type")).orElse("");
      if (!contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
        json(ex, 400, error("invalid_request", "the body must be application/x-www-form-urlencoded"));
        return;
      }
      try {
        if (body.length > MAX_BODY) {
          throw refuse("invalid_request", "body too large");
        }
        params = parseForm(new String(body, StandardCharsets.UTF_8));
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
          // RFC 6749 §3.2: no parameter twice; RFC 8693 §2.1 lets audience and resource repeat
          if (p.getValue().size() > 1 && !p.getKey().equals("audience") && !p.getKey().equals("resource")) {
            throw refuse("invalid_request", "parameter " + p.getKey() + " repeated");
          }
        }
        Map<String, Object> answer;
        synchronized (lock) {
          answer = grant(ex, params);
        }
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("Pragma", "no-cache");
        json(ex, 200, JSONObjectUtils.toJSONString(answer));
      } catch (IllegalArgumentException e) {
        json(ex, 400, error("invalid_request", "malformed body"));
      } catch (Refusal r) {
        if (r.basicChallenge) {
          ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + issuer + "\"");
        }
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        json(ex, r.status, error(r.error, r.getMessage()));
      }
    }
  }

  private Map<String, Object> grant(HttpExchange ex, Map<String, List<String>> params) throws Refusal {
    Optional<String> grantType = single(params, "grant_type");
    if (grantType.isEmpty()) {
      throw refuse("invalid_request", "grant_type missing");
    }
    switch (grantType.get()) {
      case AUTHORIZATION_CODE, REFRESH_TOKEN, CLIENT_CREDENTIALS, TOKEN_EXCHANGE -> { }
      default -> throw refuse("unsupported_grant_type", "unsupported grant_type");
    }
    Client client = authenticate(ex, params);
    return switch (grantType.get()) {
      case AUTHORIZATION_CODE -> authorizationCode(client, params);
      case REFRESH_TOKEN -> refresh(client, params);
      case CLIENT_CREDENTIALS -> clientCredentials(client, params);
      default -> exchange(client, params);
    };
  }

  /** RFC 6749 §2.3.1: {@code client_secret_basic} or {@code client_secret_post}, never both; public: id only. */
  private Client authenticate(HttpExchange ex, Map<String, List<String>> params) throws Refusal {
    String authorization = ex.getRequestHeaders().getFirst("Authorization");
    boolean basic = authorization != null;
    String id;
    Optional<String> secret;
    if (basic) {
      if (ex.getRequestHeaders().get("Authorization").size() > 1
          || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
        throw new Refusal(401, "invalid_client", "unsupported client authentication", true);
      }
      if (params.containsKey("client_secret")) {
        throw refuse("invalid_request", "more than one client authentication method");
      }
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new Refusal(401, "invalid_client", "malformed Basic credentials", true);
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new Refusal(401, "invalid_client", "malformed Basic credentials", true);
      }
      try {
        id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
        secret = Optional.of(URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new Refusal(401, "invalid_client", "malformed Basic credentials", true);
      }
      Optional<String> formId = single(params, "client_id");
      if (formId.isPresent() && !formId.get().equals(id)) {
        throw refuse("invalid_request", "client_id differs from the authenticated client");
      }
    } else {
      id = single(params, "client_id").orElseThrow(() -> new Refusal(401, "invalid_client",
          "client authentication required", false));
      secret = single(params, "client_secret");
    }
    Client client = clients.get(id);
    if (client == null) {
      throw new Refusal(401, "invalid_client", "unknown client", basic);
    }
    if (client.confidential()) {
      byte[] presented = secret.map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
      if (secret.isEmpty() || !MessageDigest.isEqual(client.secret().get(), presented)) {
        throw new Refusal(401, "invalid_client", "client authentication failed", basic);
      }
    } else if (secret.isPresent()) {
      throw new Refusal(401, "invalid_client", "a public client has no secret", basic);
    }
    return client;
  }

  private Map<String, Object> authorizationCode(Client client, Map<String, List<String>> params) throws Refusal {
    String presented = single(params, "code").orElseThrow(() -> refuse("invalid_request", "code missing"));
    if (usedCodes.contains(presented)) {
      // RFC 6749 §4.1.2: a code used twice revokes what it issued
      String sid = sidOfUsedCode.get(presented);
      if (sid != null) {
        revokeSessionLocked(sid);
      }
      throw refuse("invalid_grant", "code already used");
    }
    Code code = codes.remove(presented); // single use: whatever happens next, this code is spent
    if (code == null) {
      throw refuse("invalid_grant", "unknown code");
    }
    usedCodes.add(presented);
    if (!code.clientId().equals(client.id())) {
      throw refuse("invalid_grant", "code issued to another client");
    }
    if (!clock.instant().isBefore(code.issuedAt().plus(CODE_LIFETIME))) {
      throw refuse("invalid_grant", "code expired");
    }
    if (!single(params, "redirect_uri").map(r -> r.equals(code.redirectUri().toString())).orElse(false)) {
      throw refuse("invalid_grant", "redirect_uri does not match the authorization request");
    }
    Optional<String> verifier = single(params, "code_verifier");
    if (verifier.isEmpty()) {
      throw refuse("invalid_grant", "code_verifier missing");
    }
    if (!VERIFIER.matcher(verifier.get()).matches()
        || !MessageDigest.isEqual(s256(verifier.get()).getBytes(StandardCharsets.US_ASCII),
            code.challenge().getBytes(StandardCharsets.US_ASCII))) {
      throw refuse("invalid_grant", "code_verifier does not match the code_challenge");
    }
    sidOfUsedCode.put(presented, code.sid());
    Instant authTime = code.issuedAt();
    return issue(client, code.user(), code.scope(), code.scope(), code.sid(), authTime, code.nonce());
  }

  private Map<String, Object> refresh(Client client, Map<String, List<String>> params) throws Refusal {
    String presented = single(params, "refresh_token")
        .orElseThrow(() -> refuse("invalid_request", "refresh_token missing"));
    String rotatedSid = rotatedRefreshTokens.get(presented);
    if (rotatedSid != null) {
      // RFC 9700 §4.14.2: a rotated refresh token presented again means one of two parties stole it
      revokeSessionLocked(rotatedSid);
      throw refuse("invalid_grant", "refresh token already used: its session is revoked");
    }
    Refresh token = refreshTokens.get(presented);
    if (token == null) {
      throw refuse("invalid_grant", "unknown or revoked refresh token");
    }
    if (!token.clientId().equals(client.id())) {
      throw refuse("invalid_grant", "refresh token issued to another client");
    }
    if (revokedSessions.contains(token.sid())) {
      throw refuse("invalid_grant", "session revoked");
    }
    if (!clock.instant().isBefore(token.expiresAt())) {
      refreshTokens.remove(presented);
      throw refuse("invalid_grant", "refresh token expired");
    }
    List<String> scope = token.grantedScope();
    Optional<String> requested = single(params, "scope");
    if (requested.isPresent()) {
      scope = scopes(requested.get());
      if (!token.grantedScope().containsAll(scope)) {
        throw refuse("invalid_scope", "scope wider than granted");
      }
    }
    refreshTokens.remove(presented);
    rotatedRefreshTokens.put(presented, token.sid());
    return issue(client, token.user(), scope, token.grantedScope(), token.sid(), token.authTime(), Optional.empty());
  }

  private Map<String, Object> clientCredentials(Client client, Map<String, List<String>> params) throws Refusal {
    if (!client.confidential()) {
      throw refuse("unauthorized_client", "a public client cannot use client_credentials");
    }
    List<String> scope = scopes(single(params, "scope").orElse(""));
    String token = accessToken(client.id(), client.id(), Map.of(), accessTokenAudience, scope,
        accessTokenLifetime);
    return bearer(token, accessTokenLifetime, scope);
  }

  private Map<String, Object> exchange(Client client, Map<String, List<String>> params) throws Refusal {
    Set<String> allowed = exchangeAudiences.get(client.id());
    if (!client.confidential() || allowed == null) {
      throw refuse("unauthorized_client", "client may not exchange tokens");
    }
    String subjectToken = single(params, "subject_token")
        .orElseThrow(() -> refuse("invalid_request", "subject_token missing"));
    String subjectType = single(params, "subject_token_type")
        .orElseThrow(() -> refuse("invalid_request", "subject_token_type missing"));
    if (!subjectType.equals(ACCESS_TOKEN_TYPE) && !subjectType.equals(JWT_TOKEN_TYPE)) {
      throw refuse("invalid_request", "unsupported subject_token_type");
    }
    Optional<String> requestedType = single(params, "requested_token_type");
    if (requestedType.isPresent() && !requestedType.get().equals(ACCESS_TOKEN_TYPE)) {
      throw refuse("invalid_request", "only access tokens are issued");
    }
    if (params.containsKey("resource")) {
      throw new Refusal(400, "invalid_target", "resource is not supported: name an audience", false);
    }
    List<String> audiences = params.getOrDefault("audience", List.of());
    if (audiences.isEmpty()) {
      throw refuse("invalid_request", "audience missing");
    }
    for (String a : audiences) {
      if (!allowed.contains(a)) {
        throw new Refusal(400, "invalid_target", "audience not allowed for this client", false);
      }
    }
    Map<String, Object> subject = verifiedAccessToken(subjectToken, "subject_token");
    Optional<Map<String, Object>> actor = Optional.empty();
    Optional<String> actorToken = single(params, "actor_token");
    Optional<String> actorType = single(params, "actor_token_type");
    if (actorToken.isPresent() != actorType.isPresent()) {
      throw refuse("invalid_request", "actor_token and actor_token_type go together");
    }
    if (actorToken.isPresent()) {
      if (!actorType.get().equals(ACCESS_TOKEN_TYPE) && !actorType.get().equals(JWT_TOKEN_TYPE)) {
        throw refuse("invalid_request", "unsupported actor_token_type");
      }
      actor = Optional.of(verifiedAccessToken(actorToken.get(), "actor_token"));
    }
    List<String> subjectScope = scopes(subject.get("scope") instanceof String s ? s : "");
    List<String> scope = subjectScope;
    Optional<String> requested = single(params, "scope");
    if (requested.isPresent()) {
      scope = scopes(requested.get());
      if (!subjectScope.containsAll(scope)) {
        throw refuse("invalid_scope", "scope wider than the subject token's");
      }
    }
    // never outlives the subject token
    Instant subjectExpiry = Instant.ofEpochSecond(((Number) subject.get("exp")).longValue());
    Duration lifetime = accessTokenLifetime;
    Duration left = Duration.between(clock.instant(), subjectExpiry);
    if (left.compareTo(lifetime) < 0) {
      lifetime = left;
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    if (subject.get("sid") instanceof String sid) {
      extra.put("sid", sid);
    }
    actor.ifPresent(a -> extra.put("act", Map.of("sub", String.valueOf(a.get("sub")))));
    String token = accessToken(String.valueOf(subject.get("sub")), client.id(), extra, audiences, scope, lifetime);
    Map<String, Object> answer = bearer(token, lifetime, scope);
    answer.put("issued_token_type", ACCESS_TOKEN_TYPE);
    return answer;
  }

  /**
   * The claims of a token this issuer signed with a key it still publishes, typed {@code at+jwt}, unexpired and
   * of a live session; otherwise {@code invalid_grant} (RFC 8693 §2.2.2).
   */
  private Map<String, Object> verifiedAccessToken(String token, String name) throws Refusal {
    Refusal invalid = refuse("invalid_grant", name + " is not a valid access token of this issuer");
    JWSObject jws;
    try {
      jws = JWSObject.parse(token);
    } catch (ParseException e) {
      throw invalid;
    }
    if (jws.getHeader().getType() == null || !"at+jwt".equalsIgnoreCase(jws.getHeader().getType().getType())) {
      throw invalid;
    }
    TestKey key = publishedKeys.get().stream()
        .filter(k -> k.keyId().equals(jws.getHeader().getKeyID()))
        .findFirst().orElseThrow(() -> invalid);
    if (!key.algorithm().equals(jws.getHeader().getAlgorithm()) || !verify(jws, key.publicJwk())) {
      throw invalid;
    }
    Map<String, Object> claims = jws.getPayload().toJSONObject();
    if (claims == null || !issuer.equals(claims.get("iss")) || !(claims.get("exp") instanceof Number exp)
        || !(claims.get("sub") instanceof String)) {
      throw invalid;
    }
    long now = clock.instant().getEpochSecond();
    if (exp.longValue() <= now) {
      throw refuse("invalid_grant", name + " expired");
    }
    if (claims.get("nbf") instanceof Number nbf && nbf.longValue() > now) {
      throw invalid;
    }
    if (claims.get("sid") instanceof String sid && revokedSessions.contains(sid)) {
      throw refuse("invalid_grant", name + " belongs to a revoked session");
    }
    return claims;
  }

  private static boolean verify(JWSObject jws, JWK key) {
    try {
      if (key instanceof RSAKey rsa) {
        return jws.verify(new RSASSAVerifier(rsa));
      }
      if (key instanceof ECKey ec) {
        return jws.verify(new ECDSAVerifier(ec));
      }
      if (key instanceof OctetKeyPair okp) {
        byte[] prefix = HexFormat.of().parseHex("302a300506032b6570032100"); // SPKI of an Ed25519 key
        byte[] x = okp.getX().decode();
        byte[] spki = new byte[prefix.length + x.length];
        System.arraycopy(prefix, 0, spki, 0, prefix.length);
        System.arraycopy(x, 0, spki, prefix.length, x.length);
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
        s.update(jws.getSigningInput());
        return s.verify(jws.getSignature().decode());
      }
      return false;
    } catch (JOSEException | GeneralSecurityException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- issuing

  private Map<String, Object> issue(Client client, User who, List<String> scope, List<String> grantedScope,
      String sid, Instant authTime, Optional<String> nonce) {
    Map<String, Object> extra = new LinkedHashMap<>(who.claims());
    extra.put("sid", sid);
    extra.put("auth_time", authTime.getEpochSecond());
    String access = accessToken(who.subject(), client.id(), extra, accessTokenAudience, scope, accessTokenLifetime);
    Map<String, Object> answer = bearer(access, accessTokenLifetime, scope);
    String refresh = randomToken();
    refreshTokens.put(refresh, new Refresh(client.id(), who, grantedScope,
        clock.instant().plus(refreshTokenLifetime), sid, authTime));
    answer.put("refresh_token", refresh);
    if (scope.contains("openid")) {
      TokenBuilder id = new TokenBuilder(issuer, client.id(), clock, signingKey.get())
          .header("typ", "JWT")
          .subject(who.subject())
          .without("client_id")
          .claim("azp", client.id())
          .claim("sid", sid)
          .claim("auth_time", authTime.getEpochSecond())
          .expiresIn(accessTokenLifetime);
      who.claims().forEach(id::claim);
      nonce.ifPresent(n -> id.claim("nonce", n));
      answer.put("id_token", id.build());
    }
    return answer;
  }

  private String accessToken(String subject, String clientId, Map<String, Object> extra, List<String> audience,
      List<String> scope, Duration lifetime) {
    TokenBuilder b = new TokenBuilder(issuer, issuerAudience, clock, signingKey.get())
        .subject(subject)
        .audience(audience.toArray(String[]::new))
        .claim("client_id", clientId)
        .expiresIn(lifetime);
    extra.forEach(b::claim);
    if (!scope.isEmpty()) {
      b.scope(scope.toArray(String[]::new));
    }
    return b.build();
  }

  private static Map<String, Object> bearer(String accessToken, Duration lifetime, List<String> scope) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("access_token", accessToken);
    answer.put("token_type", "Bearer");
    answer.put("expires_in", lifetime.getSeconds());
    if (!scope.isEmpty()) {
      answer.put("scope", String.join(" ", scope));
    }
    return answer;
  }

  private void revokeSessionLocked(String sid) {
    revokedSessions.add(sid);
    refreshTokens.values().removeIf(r -> r.sid().equals(sid));
  }

  // ---------------------------------------------------------------- helpers

  private String randomToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String s256(String verifier) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> scopes(String scope) {
    List<String> out = new ArrayList<>();
    for (String s : scope.split(" ")) {
      if (!s.isEmpty() && !out.contains(s)) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }

  /** Parses {@code application/x-www-form-urlencoded}; throws on malformed escapes. */
  static Map<String, List<String>> parseForm(String form) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (form.isEmpty()) {
      return out;
    }
    for (String pair : form.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (value.isEmpty()) {
        continue; // RFC 6749 §3.1: a parameter without a value is treated as omitted
      }
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  private static Optional<String> single(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  private static boolean duplicated(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values != null && values.size() > 1;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String error(String error, String description) {
    return JSONObjectUtils.toJSONString(Map.of("error", error, "error_description", description));
  }

  private static void json(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static Duration requirePositive(Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("a lifetime must be positive");
    }
    return d;
  }
}
