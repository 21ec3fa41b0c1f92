package dev.zt.core.credential;

import dev.zt.core.DenyReason;

import dev.zt.core.internal.Encodings;
import dev.zt.core.internal.SignatureVerifiers;
import dev.zt.core.internal.JsonClaims;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates one compact JWS access token, strictly, in the order RFC 8725 asks for: structure and canonical
 * encoding, header (algorithm allow-list before any key is touched, no key-bearing or critical headers), key
 * selection from the issuer's JWKS, signature, then claims. Every failure is a {@link DenyReason}.
 */
final class JwtVerifier {

  /** The outcome of a validation. */
  sealed interface Result permits Ok, Fail {}

  record Ok(VerifiedJwt jwt) implements Result {}

  record Fail(DenyReason reason, String detail) implements Result {}

  private static final String[] FORBIDDEN_HEADERS = {"crit", "b64", "cty", "jku", "x5u", "jwk", "enc", "zip"};
  private static final String[] STRING_CLAIMS = {"iss", "sub", "jti", "client_id", "azp", "scope"};
  private static final String[] DATE_CLAIMS = {"exp", "iat", "nbf"};
  // claims only an OpenID Connect ID token carries (OIDC Core §2, §3.3.2.11; FAPI s_hash)
  private static final String[] ID_TOKEN_CLAIMS = {"nonce", "at_hash", "c_hash", "s_hash"};
  // claims of other JWTs an issuer signs: security event / logout tokens (RFC 8417, OIDC Back-Channel Logout §2.4)
  // and DPoP proofs (RFC 9449 §4.2)
  private static final String[] OTHER_JWT_CLAIMS = {"events", "htm", "htu", "ath"};

  private final BearerJwt config;
  private final SignatureVerifiers signatures; // the JCA provider of each algorithm (SignatureProvider)
  private final JWKSource<SecurityContext> keys;
  private final java.util.function.BooleanSupplier keysFailing;
  private final long skewMillis;
  private final long maxLifetimeMillis;
  private final long maxAgeMillis;
  // verifiers are built once per JWK instance: the key source hands out the same instances until it refreshes
  // (identity keys; maintenance on the caller's thread, so a cold validation never wakes a pool thread)
  private final Cache<JWK, JWSVerifier> verifiers =
      Caffeine.newBuilder().weakKeys().maximumSize(256).executor(Runnable::run).build();

  JwtVerifier(BearerJwt config, JWKSource<SecurityContext> keys) {
    this(config, keys, () -> false, SignatureVerifiers.auto());
  }

  /**
   * @param keysFailing whether the key source's last fetch failed: a kid the served (last good) keys lack is then
   *     unknown only for want of the issuer, so the token is refused as {@code KEYS_UNAVAILABLE} (503, retry), not
   *     as a bad token (401) that counts against its client's address
   */
  JwtVerifier(BearerJwt config, JWKSource<SecurityContext> keys, java.util.function.BooleanSupplier keysFailing,
      SignatureVerifiers signatures) {
    this.signatures = signatures.prepare(config.algorithms());
    this.config = config;
    this.keys = keys;
    this.keysFailing = keysFailing;
    this.skewMillis = config.clockSkew().toMillis();
    this.maxLifetimeMillis = config.maxLifetime().toMillis();
    this.maxAgeMillis = config.maxAge().map(java.time.Duration::toMillis).orElse(-1L);
  }

  /**
   * The payload's {@code iss}, read without verifying anything — only to choose which configured issuer's verifier
   * (and keys) the token goes to; never a URL to contact. {@code null} when the token is not a compact JWS with a
   * string {@code iss} (the first issuer's verifier then says what is wrong with it).
   */
  static String unverifiedIssuer(String token, int maxLength) {
    Routing r = routing(token, maxLength);
    return r == null ? null : r.iss();
  }

  /**
   * What choosing an issuer needs of a token whose signature has not been checked: its payload decoded once (kept, so
   * the chosen verifier does not decode it again) and the payload's top-level string {@code iss}, found by a validating
   * scan that builds nothing else; {@code null} when the token has no readable {@code iss} (not two dots, payload not
   * canonical base64url of strict UTF-8 JSON, no string {@code iss}).
   */
  static Routing routing(String token, int maxLength) {
    if (token.length() > maxLength) {
      return null;
    }
    int dot1 = token.indexOf('.');
    int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 < 0) {
      return null;
    }
    try {
      String payload = TokenJson.text(TokenJson.decode(token, dot1 + 1, dot2));
      String iss = payload == null ? null : TokenJson.member(payload, "iss");
      return iss == null ? null : new Routing(iss, payload);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A token's unverified {@code iss} and its payload's text (unparsed). */
  record Routing(String iss, String payloadText) {}

  /** The issuer this verifier accepts tokens of (a multi-tenant issuer's template). */
  String issuer() {
    return config.issuer();
  }

  /** Whether an {@code iss} names this verifier's issuer (exactly; one of its tenants' for a multi-tenant issuer). */
  boolean namesIssuer(String iss) {
    return config.namesIssuer(iss);
  }

  BearerJwt config() {
    return config;
  }

  /** Whether the issuer is multi-tenant: its callers' identities carry their tenant's issuer. */
  boolean multiTenant() {
    return config.tenantIssuers() != null;
  }

  Result verify(String token, long nowMillis) {
    return verify(token, null, nowMillis);
  }

  /**
   * @param payloadText the token's payload already decoded by {@link #routing} (its canonical spelling and UTF-8
   *     checked there), or {@code null} to decode it here
   */
  Result verify(String token, String payloadText, long nowMillis) {
    try {
      return doVerify(token, payloadText, nowMillis);
    } catch (RuntimeException e) {
      // Anything unexpected in untrusted input is a malformed token, never a fault that could leak or crash.
      return new Fail(DenyReason.TOKEN_MALFORMED, "unparseable: " + e.getClass().getSimpleName());
    }
  }

  private Result doVerify(String token, String routedPayload, long now) {
    if (token.length() > config.maxTokenLength()) {
      return new Fail(DenyReason.TOKEN_TOO_LARGE, "token length " + token.length());
    }
    int dot1 = token.indexOf('.');
    int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) {
      return new Fail(DenyReason.TOKEN_MALFORMED, "not a compact JWS (three parts)");
    }
    // structure only before the signature: the header is parsed, the payload just decoded (its canonical spelling
    // checked); the payload's JSON is read once the signature proved it authentic (RFC 7515 §5.2, RFC 8725 §3.1)
    byte[] payload = routedPayload != null ? null : TokenJson.decode(token, dot1 + 1, dot2);
    byte[] headerBytes = TokenJson.decode(token, 0, dot1);
    // the signature decoded here, with its canonical check, and handed to the verifier as such (PreDecoded)
    byte[] signatureBytes = dot2 + 1 == token.length() ? null : TokenJson.decode(token, dot2 + 1, token.length());
    if (headerBytes == null || (routedPayload == null && payload == null)
        || (dot2 + 1 < token.length() && signatureBytes == null)) {
      return new Fail(DenyReason.TOKEN_MALFORMED, "not canonical base64url");
    }
    String headerText = TokenJson.text(headerBytes);
    Map<String, Object> header = headerText == null ? null : TokenJson.object(headerText);
    if (header == null) {
      return new Fail(DenyReason.TOKEN_MALFORMED, "header is not a JSON object");
    }

    // ---- header: decide on the algorithm before any key is looked at (RFC 8725 §3.1)
    if (!(header.get("alg") instanceof String algName)) {
      return new Fail(DenyReason.TOKEN_ALGORITHM_REJECTED, "alg missing or not a string");
    }
    JWSAlgorithm alg = allowed(algName);
    if (alg == null) {
      return new Fail(DenyReason.TOKEN_ALGORITHM_REJECTED, "alg not allowed: " + printable(algName));
    }
    for (String forbidden : FORBIDDEN_HEADERS) {
      if (header.containsKey(forbidden)) {
        return new Fail(DenyReason.TOKEN_HEADER_REJECTED, "header parameter not accepted: " + forbidden);
      }
    }
    if (dot2 + 1 == token.length()) {
      return new Fail(DenyReason.TOKEN_MALFORMED, "empty signature");
    }
    Object kidValue = header.get("kid");
    if (kidValue != null && !(kidValue instanceof String)) {
      return new Fail(DenyReason.TOKEN_MALFORMED, "kid is not a string");
    }
    if (header.containsKey("kid") && kidValue == null) {
      return new Fail(DenyReason.TOKEN_MALFORMED, "kid is null");
    }
    String kid = (String) kidValue;
    boolean explicitlyTyped = false; // typ at+jwt: the issuer says this is an access token (RFC 9068 §2.1)
    if (header.containsKey("typ")) {
      if (!(header.get("typ") instanceof String typ) || !typeAccepted(typ)) {
        return new Fail(DenyReason.TOKEN_HEADER_REJECTED, "typ not accepted for an access token");
      }
      explicitlyTyped = isAccessTokenType(typ);
    } else if (config.requireAccessTokenType()) {
      return new Fail(DenyReason.TOKEN_HEADER_REJECTED, "typ at+jwt required");
    }

    // ---- key and signature
    Fail signature = signature(token, dot2, signatureBytes, alg, kid);
    if (signature != null) {
      return signature;
    }

    // ---- claims, now that they are authentic
    String claimsText = routedPayload != null ? routedPayload : TokenJson.text(payload);
    Map<String, Object> claims = claimsText == null ? null : TokenJson.object(claimsText);
    if (claims == null) {
      return new Fail(DenyReason.TOKEN_MALFORMED, "payload is not a JSON object");
    }
    return checkClaims(alg, kid, claims, now, explicitlyTyped);
  }

  /**
   * Verifies {@code token}'s signature with a key only from the issuer's JWKS, matched on {@code kid}, type, curve,
   * {@code use}, {@code key_ops} and {@code alg}; {@code null} when it verifies, else the failure.
   */
  private Fail signature(String token, int dot2, byte[] signatureBytes, JWSAlgorithm alg, String kid) {
    Selection selection = selection(alg, kid);
    List<JWK> candidates;
    try {
      candidates = keys.get(selection.selector(), null);
    } catch (RateLimitReachedException e) {
      if (keysFailing.getAsBoolean()) {
        return new Fail(DenyReason.KEYS_UNAVAILABLE,
            "unknown key, and the issuer's keys could not be fetched last time");
      }
      return new Fail(DenyReason.TOKEN_KEY_UNKNOWN, "unknown key (refetch rate-limited)");
    } catch (KeySourceException e) {
      return new Fail(DenyReason.KEYS_UNAVAILABLE, "keys unavailable: " + describe(e));
    }
    JWSHeader jwsHeader = selection.header();
    byte[] signingInput = asciiBytes(token, dot2);
    Base64URL signature = new PreDecoded(token.substring(dot2 + 1), signatureBytes);
    boolean anyKey = false;
    boolean verified = false;
    for (JWK jwk : candidates) {
      JWSVerifier verifier = verifier(jwk, alg);
      if (verifier == null) {
        continue;
      }
      anyKey = true;
      try {
        if (verifier.verify(jwsHeader, signingInput, signature)) {
          verified = true;
          break;
        }
      } catch (JOSEException e) {
        // a signature of the wrong shape for the key: not verified
      }
    }
    if (!anyKey) {
      String which = kid == null ? "-" : printable(kid);
      if (keysFailing.getAsBoolean()) {
        // the keys served are the last good set (outage tolerance): the kid may be one the issuer rotated to
        return new Fail(DenyReason.KEYS_UNAVAILABLE, "no key for kid " + which + " in the last good JWKS, and the"
            + " issuer's keys could not be fetched again");
      }
      return new Fail(DenyReason.TOKEN_KEY_UNKNOWN, "no usable key for kid " + which);
    }
    if (!verified) {
      return new Fail(DenyReason.TOKEN_SIGNATURE_INVALID, "signature does not verify");
    }
    return null;
  }

  /**
   * The key selector and the verifier's header for one {@code alg} and {@code kid}: both depend on nothing else, and
   * an issuer's tokens mostly name one key, so the last pair is kept ({@link #lastSelection}) instead of building a
   * matcher, a selector and a header per token. Another pair simply replaces it.
   */
  private record Selection(JWSAlgorithm alg, String kid, JWKSelector selector, JWSHeader header) {}

  private volatile Selection lastSelection;

  private Selection selection(JWSAlgorithm alg, String kid) {
    Selection last = lastSelection;
    if (last != null && last.alg().equals(alg) && java.util.Objects.equals(last.kid(), kid)) {
      return last;
    }
    Selection made = new Selection(alg, kid, new JWKSelector(matcher(alg, kid)),
        new JWSHeader.Builder(alg).keyID(kid).build());
    lastSelection = made;
    return made;
  }

  /**
   * The verifier of the last key used: {@link #verifierFor} for the same key instance (the key source hands out the
   * same instances until it refreshes) and algorithm, without its cache's bookkeeping on every token.
   */
  private record LastVerifier(JWK jwk, JWSAlgorithm alg, JWSVerifier verifier) {}

  private volatile LastVerifier lastVerifier;

  private JWSVerifier verifier(JWK jwk, JWSAlgorithm alg) {
    LastVerifier last = lastVerifier;
    if (last != null && last.jwk() == jwk && last.alg().equals(alg)) {
      return last.verifier();
    }
    JWSVerifier made = verifierFor(jwk, alg);
    if (made != null) {
      lastVerifier = new LastVerifier(jwk, alg, made);
    }
    return made;
  }

  /**
   * A signature zt decoded itself ({@link TokenJson#decode}, canonical base64url checked in the same pass): the
   * verifiers read it through {@link #decode()}, so they get those bytes instead of decoding the text again. The
   * text is the signature's own, for anything else that reads it.
   */
  private static final class PreDecoded extends Base64URL {
    private static final long serialVersionUID = 1L;
    private final transient byte[] bytes;

    PreDecoded(String text, byte[] bytes) {
      super(text);
      this.bytes = bytes;
    }

    @Override
    public byte[] decode() {
      return bytes.clone(); // a verifier may transcode in place: each caller gets its own copy
    }
  }

  /** {@code s[0, end)} as bytes, one copy: every character is base64url or '.' (checked), so ASCII. */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each char, exactly ASCII here
  private static byte[] asciiBytes(String s, int end) {
    byte[] out = new byte[end];
    s.getBytes(0, end, out, 0);
    return out;
  }

  /** A JWT-secured introspection answer's payload (RFC 9701), or why it is not acceptable. */
  record SignedAnswer(Map<String, Object> claims, String failure) {}

  /**
   * Verifies an RFC 9701 JWT-secured introspection answer with this issuer's keys: compact JWS, canonical encoding,
   * strict JSON, an allowed {@code alg}, no key-bearing or critical headers, header {@code typ} =
   * {@code token-introspection+jwt} (RFC 9701 §5), and the signature. The claims ({@code iss}, {@code aud},
   * {@code iat}) are the caller's to check.
   */
  SignedAnswer verifySignedAnswer(String jws) {
    try {
      int dot1 = jws.indexOf('.');
      int dot2 = dot1 < 0 ? -1 : jws.indexOf('.', dot1 + 1);
      if (dot1 <= 0 || dot2 < 0 || dot2 + 1 == jws.length() || jws.indexOf('.', dot2 + 1) >= 0) {
        return new SignedAnswer(null, "not a compact JWS");
      }
      if (!Encodings.canonicalBase64Url(jws, 0, dot1) || !Encodings.canonicalBase64Url(jws, dot1 + 1, dot2)
          || !Encodings.canonicalBase64Url(jws, dot2 + 1, jws.length())) {
        return new SignedAnswer(null, "not canonical base64url");
      }
      Map<String, Object> header = json(jws, 0, dot1);
      Map<String, Object> claims = json(jws, dot1 + 1, dot2);
      if (header == null || claims == null) {
        return new SignedAnswer(null, "header or payload is not a JSON object");
      }
      JWSAlgorithm alg = header.get("alg") instanceof String name ? allowed(name) : null;
      if (alg == null) {
        return new SignedAnswer(null, "alg missing or not allowed");
      }
      for (String forbidden : FORBIDDEN_HEADERS) {
        if (header.containsKey(forbidden)) {
          return new SignedAnswer(null, "header parameter not accepted: " + forbidden);
        }
      }
      Object typ = header.get("typ");
      if (!(typ instanceof String t) || !(t.equalsIgnoreCase("token-introspection+jwt")
          || t.equalsIgnoreCase("application/token-introspection+jwt"))) {
        return new SignedAnswer(null, "typ is not token-introspection+jwt");
      }
      Object kid = header.get("kid");
      if (header.containsKey("kid") && !(kid instanceof String)) {
        return new SignedAnswer(null, "kid is not a string");
      }
      Fail signature = signature(jws, dot2, TokenJson.decode(jws, dot2 + 1, jws.length()), alg, (String) kid);
      if (signature != null) {
        return new SignedAnswer(null, signature.detail());
      }
      return new SignedAnswer(claims, null); // read-only at every depth already (TokenJson)
    } catch (RuntimeException e) {
      return new SignedAnswer(null, "unparseable: " + e.getClass().getSimpleName());
    }
  }

  private Result checkClaims(JWSAlgorithm alg, String kid, Map<String, Object> c, long now, boolean explicitlyTyped) {
    for (String name : STRING_CLAIMS) {
      if (c.containsKey(name) && !(c.get(name) instanceof String)) {
        return new Fail(DenyReason.TOKEN_CLAIM_INVALID, name + " is not a string");
      }
    }
    Fail notAccess = notAnAccessToken(c, explicitlyTyped);
    if (notAccess != null) {
      return notAccess;
    }
    for (String name : DATE_CLAIMS) {
      if (c.containsKey(name) && JsonClaims.numericDateMillis(c.get(name)) == Long.MIN_VALUE) {
        return new Fail(DenyReason.TOKEN_CLAIM_INVALID, name + " is not a NumericDate");
      }
    }
    Object iss = c.get("iss");
    if (iss == null) {
      return new Fail(DenyReason.TOKEN_CLAIM_INVALID, "iss missing");
    }
    TenantIssuers tenants = config.tenantIssuers();
    if (tenants == null) {
      if (!config.issuer().equals(iss)) {
        return new Fail(DenyReason.TOKEN_ISSUER_MISMATCH, "iss does not match");
      }
    } else {
      // multi-tenant: iss must be the template around the token's own (verified) tid, and the tenant allowed
      Object tid = c.get("tid");
      if (!(tid instanceof String t) || !TenantIssuers.isTenantId(t)) {
        return new Fail(DenyReason.TOKEN_CLAIM_INVALID, tid == null ? "tid missing (multi-tenant issuer)"
            : "tid is not a tenant id");
      }
      if (!tenants.issuerOf(t).equals(iss)) {
        return new Fail(DenyReason.TOKEN_ISSUER_MISMATCH, "iss is not the issuer of the token's tid " + t);
      }
      if (!tenants.allows(t)) {
        return new Fail(DenyReason.TOKEN_ISSUER_MISMATCH, "tenant " + t + " is not allowed");
      }
    }
    if (config.requireSubject() && (!(c.get("sub") instanceof String sub) || sub.isEmpty())) {
      return new Fail(DenyReason.TOKEN_CLAIM_INVALID, "sub missing (RFC 9068 §2.2)");
    }
    List<String> aud = JsonClaims.stringOrStrings(c.get("aud"));
    if (c.containsKey("aud") && aud == null) {
      return new Fail(DenyReason.TOKEN_CLAIM_INVALID, "aud is not a string or array of strings");
    }
    if (aud == null) {
      aud = List.of();
    }
    if (!config.audiences().isEmpty()) {
      if (aud.isEmpty()) {
        return new Fail(DenyReason.TOKEN_AUDIENCE_MISMATCH, "aud missing");
      }
      if (!namesAudience(aud)) {
        return new Fail(DenyReason.TOKEN_AUDIENCE_MISMATCH, "aud does not name this service");
      }
    }
    if (!c.containsKey("exp")) {
      return new Fail(DenyReason.TOKEN_CLAIM_INVALID, "exp missing");
    }
    long exp = JsonClaims.numericDateMillis(c.get("exp"));
    long iat = c.containsKey("iat") ? JsonClaims.numericDateMillis(c.get("iat")) : Long.MIN_VALUE;
    long nbf = c.containsKey("nbf") ? JsonClaims.numericDateMillis(c.get("nbf")) : Long.MIN_VALUE;
    if (iat == Long.MIN_VALUE && config.requireIssuedAt()) {
      return new Fail(DenyReason.TOKEN_CLAIM_INVALID, "iat missing");
    }
    if (now >= exp + skewMillis) {
      return new Fail(DenyReason.TOKEN_EXPIRED, "expired");
    }
    if (nbf != Long.MIN_VALUE && now < nbf - skewMillis) {
      return new Fail(DenyReason.TOKEN_NOT_YET_VALID, "not yet valid");
    }
    if (iat != Long.MIN_VALUE) {
      if (iat > now + skewMillis) {
        return new Fail(DenyReason.TOKEN_ISSUED_IN_FUTURE, "iat in the future");
      }
      if (exp <= iat) {
        return new Fail(DenyReason.TOKEN_CLAIM_INVALID, "exp not after iat");
      }
      if (exp - iat > maxLifetimeMillis) {
        return new Fail(DenyReason.TOKEN_LIFETIME_EXCEEDED, "lifetime exceeds the maximum");
      }
      if (maxAgeMillis > 0 && now - iat > maxAgeMillis + skewMillis) {
        return new Fail(DenyReason.TOKEN_LIFETIME_EXCEEDED, "older than the maximum age");
      }
    } else {
      // no iat (allowed by name): nothing is made up. The remaining lifetime is bounded; an age cannot be known.
      if (maxAgeMillis > 0) {
        return new Fail(DenyReason.TOKEN_LIFETIME_EXCEEDED, "no iat: the maximum age cannot be checked");
      }
      if (exp - now > maxLifetimeMillis) {
        return new Fail(DenyReason.TOKEN_LIFETIME_EXCEEDED, "remaining lifetime exceeds the maximum");
      }
    }
    SenderBinding.Read cnf = SenderBinding.of(c.get("cnf"), c.containsKey("cnf"));
    if (cnf instanceof SenderBinding.Refused refused) {
      return new Fail(refused.reason(), refused.detail());
    }
    SenderBinding binding = ((SenderBinding.Bound) cnf).binding();
    Set<String> scopes = new LinkedHashSet<>();
    if (c.get("scope") instanceof String s) {
      for (String part : s.split(" ")) {
        if (!part.isEmpty()) {
          scopes.add(part);
        }
      }
    }
    if (c.containsKey("scp")) {
      Object scp = c.get("scp");
      List<String> list = scp instanceof String s ? List.of(s.split(" ")) : JsonClaims.stringOrStrings(scp);
      if (list == null) {
        return new Fail(DenyReason.TOKEN_CLAIM_INVALID, "scp is not a string or array of strings");
      }
      for (String part : list) {
        if (!part.isEmpty()) {
          scopes.add(part);
        }
      }
    }
    Optional<String> clientId = Optional.ofNullable((String) c.get("client_id"))
        .or(() -> Optional.ofNullable((String) c.get("azp")));
    VerifiedJwt jwt = new VerifiedJwt(
        alg.getName(),
        Optional.ofNullable(kid),
        c, // read-only at every depth (TokenJson): no copy
        (String) iss,
        Optional.ofNullable((String) c.get("sub")),
        List.copyOf(aud),
        Instant.ofEpochMilli(exp),
        iat == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(iat)),
        nbf == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(nbf)),
        Optional.ofNullable((String) c.get("jti")),
        clientId,
        Collections.unmodifiableSet(scopes),
        binding);
    return new Ok(jwt);
  }

  private boolean namesAudience(List<String> aud) {
    Set<String> accepted = config.audiences();
    for (int i = 0; i < aud.size(); i++) {
      if (accepted.contains(aud.get(i))) {
        return true;
      }
    }
    return false;
  }

  /** Roles from the configured claim path: an array of strings or one string; anything else is no roles. */
  Set<String> roles(VerifiedJwt jwt) {
    Optional<Object> v = jwt.claimAtPath(config.rolesClaim());
    if (v.isEmpty()) {
      return Set.of();
    }
    List<String> list = JsonClaims.stringOrStrings(v.get());
    return list == null ? Set.of() : Set.copyOf(list);
  }

  private JWSAlgorithm allowed(String name) {
    for (JWSAlgorithm a : config.algorithms()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  /**
   * Refuses JWTs that identify as something other than an access token (RFC 8725 §3.11, RFC 9068 §2.1): an ID token
   * (payload {@code typ: ID} as Keycloak writes it, {@code nonce}, {@code at_hash}, {@code c_hash}, {@code s_hash}),
   * unless the header says {@code at+jwt}; and whatever the header says, any other Keycloak token type (refresh,
   * offline, logout), a security event or logout token ({@code events}), a DPoP proof ({@code htm}, {@code htu},
   * {@code ath}) and a Cognito token whose {@code token_use} is not {@code access}.
   */
  private static Fail notAnAccessToken(Map<String, Object> c, boolean explicitlyTyped) {
    if (c.containsKey("typ")) {
      if (!(c.get("typ") instanceof String typ)) {
        return new Fail(DenyReason.TOKEN_CLAIM_INVALID, "payload typ is not a string");
      }
      String t = typ.toLowerCase(Locale.ROOT);
      if (t.equals("id")) {
        if (!explicitlyTyped) {
          return new Fail(DenyReason.TOKEN_NOT_ACCESS_TOKEN, "an ID token (payload typ ID)");
        }
      } else if (!t.equals("bearer") && !t.equals("dpop") && !isAccessTokenType(t)) {
        // ("DPoP" is Keycloak's payload typ of a DPoP-bound access token: the binding itself is cnf's business)
        return new Fail(DenyReason.TOKEN_NOT_ACCESS_TOKEN, "payload typ " + printable(typ) + " is not an access token");
      }
    }
    if (!explicitlyTyped) {
      for (String idTokenClaim : ID_TOKEN_CLAIMS) {
        if (c.containsKey(idTokenClaim)) {
          return new Fail(DenyReason.TOKEN_NOT_ACCESS_TOKEN, "an ID token (" + idTokenClaim + ")");
        }
      }
    }
    for (String other : OTHER_JWT_CLAIMS) {
      if (c.containsKey(other)) {
        return new Fail(DenyReason.TOKEN_NOT_ACCESS_TOKEN, "not an access token (" + other + ")");
      }
    }
    if (c.containsKey("token_use") && !"access".equals(c.get("token_use"))) {
      return new Fail(DenyReason.TOKEN_NOT_ACCESS_TOKEN, "token_use is not access");
    }
    return null;
  }

  /** {@code at+jwt} or {@code application/at+jwt}, case-insensitively. */
  private static boolean isAccessTokenType(String typ) {
    String t = typ.toLowerCase(Locale.ROOT);
    return t.equals("at+jwt") || t.equals("application/at+jwt");
  }

  /** A key-source failure for the log: each cause's message (URLs, I/O errors), bounded and printable. */
  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t) && sb.length() < 400; t = t.getCause()) {
      String message = t.getMessage();
      if (sb.length() > 0) {
        if (message == null || message.isBlank() || sb.indexOf(message) >= 0) {
          continue; // Nimbus repeats its causes' messages: each text once
        }
        sb.append(" <- ");
      }
      sb.append(t.getClass().getSimpleName());
      if (message != null && !message.isBlank()) {
        sb.append(": ").append(message);
      }
    }
    return Encodings.printableAscii(sb.toString(), 400, "");
  }

  private boolean typeAccepted(String typ) {
    String t = typ.toLowerCase(Locale.ROOT);
    if (t.startsWith("application/")) {
      t = t.substring("application/".length());
    }
    if (t.equals("at+jwt")) {
      return true;
    }
    return !config.requireAccessTokenType() && t.equals("jwt");
  }

  private static JWKMatcher matcher(JWSAlgorithm alg, String kid) {
    JWKMatcher.Builder m = new JWKMatcher.Builder()
        .keyType(KeyType.forAlgorithm(alg))
        .keyUses(KeyUse.SIGNATURE, null)
        .algorithms(alg, null);
    if (kid != null) {
      m.keyID(kid);
    }
    if (JWSAlgorithm.Family.EC.contains(alg)) {
      m.curves(Curve.forJWSAlgorithm(alg));
    } else if (JWSAlgorithm.EdDSA.equals(alg)) {
      m.curve(Curve.Ed25519);
    }
    return m.build();
  }

  /** A verifier for {@code jwk}, or {@code null} when the key may not verify {@code alg} signatures. */
  private JWSVerifier verifierFor(JWK jwk, JWSAlgorithm alg) {
    // use and key_ops are re-checked here rather than trusted to the matcher: a key that may not verify never does
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      return null;
    }
    if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
      return null;
    }
    if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().getName().equals(alg.getName())) {
      return null;
    }
    return verifiers.get(jwk, k -> {
      try {
        if (k instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(alg)) {
          return rsa.size() >= 2048 ? signatures.rsa(rsa.toRSAPublicKey(), alg) : null;
        }
        if (k instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg)) {
          return signatures.ec(ec.toECPublicKey(), alg);
        }
        if (k instanceof OctetKeyPair okp && JWSAlgorithm.EdDSA.equals(alg)) {
          return new Ed25519Verifier(okp, signatures.providerFor(alg));
        }
        return null;
      } catch (JOSEException e) {
        return null;
      }
    });
  }

  /** Decodes a base64url part as strict UTF-8 JSON; {@code null} when it is not a JSON object. */
  static Map<String, Object> json(String token, int from, int to) {
    return TokenJson.object(token, from, to);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> deepUnmodifiable(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>(m.size() * 2);
    m.forEach((k, v) -> out.put(k, deepValue(v)));
    return Collections.unmodifiableMap(out);
  }

  @SuppressWarnings("unchecked")
  private static Object deepValue(Object v) {
    if (v instanceof Map<?, ?> map) {
      return deepUnmodifiable((Map<String, Object>) map);
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(deepValue(o));
      }
      return Collections.unmodifiableList(out);
    }
    return v;
  }

  private static String printable(String s) {
    return Encodings.printableAscii(s, 40, "");
  }
}
