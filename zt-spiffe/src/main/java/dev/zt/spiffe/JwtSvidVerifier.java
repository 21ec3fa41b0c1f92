package dev.zt.spiffe;

import dev.zt.core.credential.SignatureProvider;
import dev.zt.core.internal.SignatureVerifiers;
import dev.zt.core.internal.Encodings;
import dev.zt.core.internal.JsonClaims;
import dev.zt.core.internal.StrictJson;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a JWT-SVID (JWT-SVID §2–§4) in the order RFC 8725 asks for: compact serialization with canonical
 * base64url; {@code alg} on the JWT-SVID list (RS256/384/512, PS256/384/512, ES256/384/512) before any key or
 * signature is touched; only {@code alg}, {@code kid}, {@code typ} in the header (§2), {@code typ} {@code JWT} or
 * {@code JOSE} when present (§2.3), {@code kid} required; {@code sub} a valid SPIFFE ID whose trust domain's bundle
 * holds the JWT authority named by {@code kid}; the signature (Nimbus verifiers); then {@code aud} required and
 * containing one of the configured audiences (§3.2), {@code exp} required and not past (§3.3), {@code nbf} if
 * present. Thread-safe and immutable.
 *
 * @since 0.1
 */
public final class JwtSvidVerifier {

  /** The JWT-SVID §2.1 algorithms. */
  public static final Set<JWSAlgorithm> ALGORITHMS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
      JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
      JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
      JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512)));

  private static final Set<String> HEADER_PARAMETERS = Set.of("alg", "kid", "typ");

  private final Set<String> audiences;
  private final Clock clock;
  private final long skewMillis;
  private final int maxTokenLength;
  private final SignatureVerifiers signatures;

  private JwtSvidVerifier(Builder b) {
    this.signatures = b.signatures;
    this.audiences = Set.copyOf(b.audiences);
    this.clock = b.clock;
    this.skewMillis = b.skew.toMillis();
    this.maxTokenLength = b.maxTokenLength;
  }

  /** A builder; {@link Builder#audiences} and {@link Builder#clock} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The audiences this verifier accepts (a token must name at least one). */
  public Set<String> audiences() {
    return audiences;
  }

  /** Verifies {@code token} with the JWT authorities in {@code bundles}. Never throws for bad input. */
  public JwtSvidResult verify(String token, TrustBundleSet bundles) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(bundles, "bundles");
    try {
      return doVerify(token, bundles);
    } catch (RuntimeException e) {
      return reject(JwtSvidRule.MALFORMED, "unparseable: " + e.getClass().getSimpleName());
    }
  }

  private JwtSvidResult doVerify(String token, TrustBundleSet bundles) {
    if (token.length() > maxTokenLength) {
      return reject(JwtSvidRule.MALFORMED, "token longer than " + maxTokenLength);
    }
    int dot1 = token.indexOf('.');
    int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) {
      return reject(JwtSvidRule.MALFORMED, "not a JWS compact serialization");
    }
    if (!Encodings.canonicalBase64Url(token, 0, dot1) || !Encodings.canonicalBase64Url(token, dot1 + 1, dot2)
        || !Encodings.canonicalBase64Url(token, dot2 + 1, token.length())) {
      return reject(JwtSvidRule.MALFORMED, "a part is empty or not canonical base64url");
    }
    Map<String, Object> header = json(token, 0, dot1);
    Map<String, Object> claims = json(token, dot1 + 1, dot2);
    if (header == null || claims == null) {
      return reject(JwtSvidRule.MALFORMED, "header or payload is not a strict JSON object");
    }

    // ---- header: the algorithm first, before any key (JWT-SVID §4, RFC 8725 §3.1)
    JWSAlgorithm alg = header.get("alg") instanceof String name ? allowed(name) : null;
    if (alg == null) {
      return reject(JwtSvidRule.ALGORITHM_NOT_ALLOWED, "alg missing or not a JWT-SVID algorithm");
    }
    for (String param : header.keySet()) {
      if (!HEADER_PARAMETERS.contains(param)) {
        return reject(JwtSvidRule.HEADER_NOT_ALLOWED, "header parameter not allowed: "
            + InvalidSpiffeIdException.printable(param));
      }
    }
    if (header.containsKey("typ") && !("JWT".equals(header.get("typ")) || "JOSE".equals(header.get("typ")))) {
      return reject(JwtSvidRule.TYPE_NOT_ALLOWED, "typ is neither JWT nor JOSE");
    }
    if (!(header.get("kid") instanceof String kid) || kid.isEmpty()) {
      return reject(JwtSvidRule.KEY_ID_MISSING, "kid missing or not a non-empty string");
    }

    // ---- the subject picks the trust domain, whose bundle alone may hold the key
    if (!(claims.get("sub") instanceof String sub)) {
      return reject(JwtSvidRule.SUBJECT_MISSING, "sub missing or not a string");
    }
    SpiffeId subject;
    try {
      subject = SpiffeId.parse(sub);
    } catch (InvalidSpiffeIdException e) {
      return reject(JwtSvidRule.SUBJECT_NOT_SPIFFE_ID, "sub is not a SPIFFE ID: " + e.rule().code());
    }
    Optional<TrustBundle> bundle = bundles.bundleFor(subject.trustDomain());
    if (bundle.isEmpty() || bundle.get().jwtAuthorities().isEmpty()) {
      return reject(JwtSvidRule.NO_BUNDLE_FOR_TRUST_DOMAIN, "no JWT authority for " + subject.trustDomain());
    }
    Optional<JWK> key = bundle.get().jwtAuthority(kid);
    if (key.isEmpty()) {
      return reject(JwtSvidRule.KEY_NOT_FOUND, "no JWT authority with kid "
          + InvalidSpiffeIdException.printable(kid) + " for " + subject.trustDomain());
    }
    JWSVerifier verifier = verifierFor(key.get(), alg);
    if (verifier == null) {
      return reject(JwtSvidRule.KEY_NOT_USABLE, "the authority's key does not fit " + alg.getName());
    }

    // ---- signature
    boolean ok;
    try {
      ok = verifier.verify(new JWSHeader.Builder(alg).keyID(kid).build(),
          token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII), new Base64URL(token.substring(dot2 + 1)));
    } catch (JOSEException e) {
      ok = false;
    }
    if (!ok) {
      return reject(JwtSvidRule.SIGNATURE_INVALID, "signature does not verify");
    }

    // ---- claims, now authentic
    List<String> aud = JsonClaims.stringOrStrings(claims.get("aud"));
    if (claims.containsKey("aud") && aud == null) {
      return reject(JwtSvidRule.CLAIM_INVALID, "aud is not a string or an array of strings");
    }
    if (aud == null || aud.isEmpty()) {
      return reject(JwtSvidRule.AUDIENCE_MISSING, "aud missing");
    }
    if (aud.stream().noneMatch(audiences::contains)) {
      return reject(JwtSvidRule.AUDIENCE_MISMATCH, "aud names none of this verifier's audiences");
    }
    if (!claims.containsKey("exp")) {
      return reject(JwtSvidRule.EXPIRATION_MISSING, "exp missing");
    }
    long exp = JsonClaims.numericDateMillis(claims.get("exp"));
    if (exp == Long.MIN_VALUE) {
      return reject(JwtSvidRule.CLAIM_INVALID, "exp is not a NumericDate");
    }
    long now = clock.millis();
    if (now >= exp + skewMillis) {
      return reject(JwtSvidRule.EXPIRED, "expired at " + Instant.ofEpochMilli(exp));
    }
    if (claims.containsKey("nbf")) {
      long nbf = JsonClaims.numericDateMillis(claims.get("nbf"));
      if (nbf == Long.MIN_VALUE) {
        return reject(JwtSvidRule.CLAIM_INVALID, "nbf is not a NumericDate");
      }
      if (now < nbf - skewMillis) {
        return reject(JwtSvidRule.NOT_YET_VALID, "not valid before " + Instant.ofEpochMilli(nbf));
      }
    }
    return new JwtSvidResult.Verified(new VerifiedJwtSvid(subject, aud, Instant.ofEpochMilli(exp), alg.getName(),
        kid, Collections.unmodifiableMap(new LinkedHashMap<>(claims))));
  }

  private static JWSAlgorithm allowed(String name) {
    for (JWSAlgorithm a : ALGORITHMS) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  private JWSVerifier verifierFor(JWK jwk, JWSAlgorithm alg) {
    try {
      if (jwk instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(alg)) {
        return rsa.size() >= 2048 ? signatures.rsa(rsa.toRSAPublicKey(), alg) : null;
      }
      if (jwk instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg)
          && Curve.forJWSAlgorithm(alg).contains(ec.getCurve())) {
        return signatures.ec(ec.toECPublicKey(), alg);
      }
    } catch (JOSEException e) {
      return null;
    }
    return null;
  }

  private static Map<String, Object> json(String token, int from, int to) {
    byte[] bytes = Base64.getUrlDecoder().decode(token.substring(from, to));
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
      if (!StrictJson.valid(text)) {
        return null; // duplicate member names at any depth, or too deep
      }
      return JSONObjectUtils.parse(text); // strict: trailing data, non-finite numbers refused
    } catch (CharacterCodingException | ParseException e) {
      return null;
    }
  }



  private static JwtSvidResult reject(JwtSvidRule rule, String detail) {
    return new JwtSvidResult.Rejected(rule, detail);
  }

  /**
   * Configures a {@link JwtSvidVerifier}. Each option may be set once; audiences and clock are required, so a
   * verifier never runs without an audience check (JWT-SVID §3.2).
   *
   * @since 0.1
   */
  public static final class Builder {

    /** The largest clock skew that may be configured. */
    public static final Duration MAX_SKEW = Duration.ofMinutes(5);

    private Set<String> audiences;
    private Clock clock;
    private Duration skew;
    private int maxTokenLength = -1;
    private SignatureProvider signatureProvider;
    private SignatureVerifiers signatures;

    private Builder() {}

    /** The audiences this service identifies with; a token must name at least one. Required, non-empty. */
    public Builder audiences(String... audiences) {
      return audiences(List.of(audiences));
    }

    /** The audiences this service identifies with; a token must name at least one. Required, non-empty. */
    public Builder audiences(List<String> audiences) {
      if (this.audiences != null) {
        throw new IllegalStateException("audiences are already set");
      }
      if (audiences.isEmpty()) {
        throw new IllegalArgumentException("at least one audience is required (JWT-SVID §3.2)");
      }
      for (String a : audiences) {
        if (Objects.requireNonNull(a, "audience").isEmpty()) {
          throw new IllegalArgumentException("an audience must not be empty");
        }
      }
      this.audiences = new LinkedHashSet<>(audiences);
      return this;
    }

    /** The clock {@code exp} and {@code nbf} are checked against. Required. */
    public Builder clock(Clock clock) {
      if (this.clock != null) {
        throw new IllegalStateException("clock is already set");
      }
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Leeway for {@code exp} and {@code nbf}; default 30 s, at most {@link #MAX_SKEW}. */
    public Builder clockSkew(Duration skew) {
      if (this.skew != null) {
        throw new IllegalStateException("clock skew is already set");
      }
      if (skew.isNegative() || skew.compareTo(MAX_SKEW) > 0) {
        throw new IllegalArgumentException("clock skew must be between 0 and " + MAX_SKEW);
      }
      this.skew = skew;
      return this;
    }

    /** The longest token accepted, in characters; default 8192. */
    public Builder maxTokenLength(int max) {
      if (maxTokenLength != -1) {
        throw new IllegalStateException("max token length is already set");
      }
      if (max < 64) {
        throw new IllegalArgumentException("max token length too small");
      }
      this.maxTokenLength = max;
      return this;
    }

    /**
     * Which JCA provider verifies the signatures; default {@link SignatureProvider#auto()}, as the enforcer's. A
     * named or given provider must verify every algorithm of {@link JwtSvidVerifier#ALGORITHMS}, else
     * {@link #build()} fails.
     *
     * @since 0.5
     */
    public Builder signatureProvider(SignatureProvider provider) {
      if (signatureProvider != null) {
        throw new IllegalStateException("signature provider is already set");
      }
      this.signatureProvider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * The immutable verifier.
     *
     * @throws IllegalStateException when a required option is missing, or the signature provider cannot verify one of
     *     {@link JwtSvidVerifier#ALGORITHMS}
     */
    public JwtSvidVerifier build() {
      if (audiences == null) {
        throw new IllegalStateException("audiences are required (JWT-SVID §3.2)");
      }
      if (clock == null) {
        throw new IllegalStateException("clock is required");
      }
      if (skew == null) {
        skew = Duration.ofSeconds(30);
      }
      if (maxTokenLength == -1) {
        maxTokenLength = 8192;
      }
      signatures = SignatureVerifiers.of(signatureProvider == null ? SignatureProvider.auto() : signatureProvider)
          .prepare(ALGORITHMS);
      return new JwtSvidVerifier(this);
    }
  }
}
