package dev.zt.testkit;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds signed JWT access tokens. The defaults make a token zt accepts (RS256 or the key's algorithm,
 * {@code typ: at+jwt}, {@code kid}, {@code iss}, {@code aud}, {@code sub}, {@code client_id}, {@code jti},
 * {@code iat} = now, {@code exp} = now + 5 min); every header and claim can be changed or removed to build the deny
 * case beside it, and the raw JSON can be replaced outright.
 *
 * @since 0.1
 */
public final class TokenBuilder {

  private final Clock clock;
  private final Map<String, Object> header = new LinkedHashMap<>();
  private final Map<String, Object> claims = new LinkedHashMap<>();
  private TestKey key;
  private JWSAlgorithm signingAlgorithm;
  private String rawHeader;
  private String rawPayload;
  private byte[] rawPayloadBytes;
  private boolean unsigned;

  TokenBuilder(String issuer, String audience, Clock clock, TestKey key) {
    this.clock = clock;
    this.key = key;
    this.signingAlgorithm = key.algorithm();
    header.put("alg", key.algorithm().getName());
    header.put("typ", "at+jwt");
    header.put("kid", key.keyId());
    Instant now = clock.instant();
    claims.put("iss", issuer);
    claims.put("sub", "user-1");
    claims.put("aud", audience);
    claims.put("client_id", "test-client");
    claims.put("jti", UUID.randomUUID().toString());
    claims.put("iat", now.getEpochSecond());
    claims.put("exp", now.plus(Duration.ofMinutes(5)).getEpochSecond());
  }

  /** Sets {@code sub}. */
  public TokenBuilder subject(String subject) {
    return claim("sub", subject);
  }

  /** Sets {@code aud} to one audience (a string) or several (an array). */
  public TokenBuilder audience(String... audiences) {
    return claim("aud", audiences.length == 1 ? audiences[0] : List.of(audiences));
  }

  /** Sets {@code iss}. */
  public TokenBuilder issuer(String issuer) {
    return claim("iss", issuer);
  }

  /** Sets {@code scope} to the space-separated {@code scopes}. */
  public TokenBuilder scope(String... scopes) {
    return claim("scope", String.join(" ", scopes));
  }

  /** Sets {@code roles} (an array). */
  public TokenBuilder roles(String... roles) {
    return claim("roles", List.of(roles));
  }

  /** Sets {@code exp} to now + {@code fromNow} (negative for an expired token). */
  public TokenBuilder expiresIn(Duration fromNow) {
    return claim("exp", clock.instant().plus(fromNow).getEpochSecond());
  }

  /** Sets {@code iat} to now + {@code fromNow} (negative for an old token, positive for one from the future). */
  public TokenBuilder issuedIn(Duration fromNow) {
    return claim("iat", clock.instant().plus(fromNow).getEpochSecond());
  }

  /** Sets {@code nbf} to now + {@code fromNow}. */
  public TokenBuilder notBeforeIn(Duration fromNow) {
    return claim("nbf", clock.instant().plus(fromNow).getEpochSecond());
  }

  /** Sets any claim to any JSON value (strings, numbers, booleans, lists, maps, or {@code null}). */
  public TokenBuilder claim(String name, Object value) {
    claims.put(name, value);
    return this;
  }

  /** Removes a claim. */
  public TokenBuilder without(String claim) {
    claims.remove(claim);
    return this;
  }

  /** Sets a header parameter (e.g. {@code jku}, {@code crit}, {@code typ}). */
  public TokenBuilder header(String name, Object value) {
    header.put(name, value);
    return this;
  }

  /** Removes a header parameter (e.g. {@code kid} or {@code typ}). */
  public TokenBuilder withoutHeader(String name) {
    header.remove(name);
    return this;
  }

  /**
   * Binds the token to the DPoP key {@code clientKey} ({@code cnf.jkt}, RFC 9449 §6.1): zt then admits it only with
   * {@code Authorization: DPoP} and a proof signed by that key ({@link DpopProof}).
   *
   * @since 0.2
   */
  public TokenBuilder dpopBound(TestKey clientKey) {
    return claim("cnf", Map.of("jkt", clientKey.thumbprint()));
  }

  /** Claims {@code alg} in the header and signs with it, using the current key. */
  public TokenBuilder algorithm(JWSAlgorithm alg) {
    header.put("alg", alg.getName());
    this.signingAlgorithm = alg;
    return this;
  }

  /** Signs with {@code key} (and names its {@code kid}). */
  public TokenBuilder signedWith(TestKey key) {
    this.key = key;
    this.signingAlgorithm = key.algorithm();
    header.put("alg", key.algorithm().getName());
    header.put("kid", key.keyId());
    return this;
  }

  /** Replaces the header JSON verbatim (duplicate members, odd types…). */
  public TokenBuilder rawHeader(String json) {
    this.rawHeader = json;
    return this;
  }

  /** Replaces the payload JSON verbatim. */
  public TokenBuilder rawPayload(String json) {
    this.rawPayload = json;
    this.rawPayloadBytes = null;
    return this;
  }

  /**
   * Replaces the payload with these bytes, signed as given: a payload that is not UTF-8 (or not text at all) with a
   * signature the issuer's key really made, so a test reaches the checks that come after the signature.
   *
   * @since 0.5
   */
  public TokenBuilder rawPayload(byte[] payload) {
    this.rawPayloadBytes = payload.clone();
    this.rawPayload = null;
    return this;
  }

  /** Makes an unsecured JWT: {@code alg: none} and an empty signature (RFC 7519 §6). */
  public TokenBuilder unsigned() {
    header.put("alg", "none");
    this.unsigned = true;
    return this;
  }

  /** The compact serialization. */
  public String build() {
    String h = b64(rawHeader != null ? rawHeader : JSONObjectUtils.toJSONString(header));
    String p = rawPayloadBytes != null ? Base64.getUrlEncoder().withoutPadding().encodeToString(rawPayloadBytes)
        : b64(rawPayload != null ? rawPayload : JSONObjectUtils.toJSONString(claims));
    String signingInput = h + "." + p;
    if (unsigned) {
      return signingInput + ".";
    }
    byte[] sig = key.sign(signingAlgorithm, signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
  }

  /** {@code "Bearer " + build()}. */
  public String asAuthorizationHeader() {
    return "Bearer " + build();
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
