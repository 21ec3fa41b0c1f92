package dev.zt.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds DPoP proofs (RFC 9449 §4.2) for tests: by default a proof zt accepts for one request — {@code typ: dpop+jwt},
 * the key's algorithm, its public {@code jwk}, a fresh {@code jti}, {@code iat} = now, and the {@code htm},
 * {@code htu} and {@code ath} of the request and token given — and every header and claim can be changed or removed to
 * build the deny case beside it. Pair it with {@link TokenBuilder#dpopBound(TestKey)}.
 *
 * <pre>{@code
 * TestKey clientKey = TestKey.ec256();
 * String token = issuer.token().dpopBound(clientKey).build();
 * String proof = DpopProof.of(clientKey).request("GET", "https://orders.example.com/orders")
 *     .accessToken(token).build();
 * }</pre>
 *
 * @since 0.2
 */
public final class DpopProof {

  private final TestKey key;
  private final Map<String, Object> header = new LinkedHashMap<>();
  private final Map<String, Object> claims = new LinkedHashMap<>();
  private JWSAlgorithm algorithm;
  private Clock clock = Clock.systemUTC();
  private Duration age = Duration.ZERO;
  private boolean withoutIat;

  private DpopProof(TestKey key) {
    this.key = Objects.requireNonNull(key, "key");
    this.algorithm = key.algorithm();
    header.put("typ", "dpop+jwt");
    header.put("alg", key.algorithm().getName());
    header.put("jwk", key.publicJwk().toJSONObject());
    claims.put("jti", UUID.randomUUID().toString());
  }

  /** A proof signed by {@code key}, the client's DPoP key. */
  public static DpopProof of(TestKey key) {
    return new DpopProof(key);
  }

  /** {@code htm} and {@code htu}: the request's method and URI (sent as given: no normalisation). */
  public DpopProof request(String method, String uri) {
    claims.put("htm", method);
    claims.put("htu", uri);
    return this;
  }

  /** {@code ath}: base64url(SHA-256) of the access token the proof goes with. */
  public DpopProof accessToken(String token) {
    return claim("ath", accessTokenHash(token));
  }

  /** {@code nonce}: the server's {@code DPoP-Nonce}. */
  public DpopProof nonce(String nonce) {
    return claim("nonce", nonce);
  }

  /** {@code jti}; a fresh UUID by default. */
  public DpopProof jti(String jti) {
    return claim("jti", jti);
  }

  /** The clock {@code iat} is read from at {@link #build()}; default the system clock. */
  public DpopProof clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** Makes {@code iat} {@code age} before the clock's now (negative: in the future). */
  public DpopProof issuedAgo(Duration age) {
    this.age = Objects.requireNonNull(age, "age");
    return this;
  }

  /** Sets a claim (any JSON value). */
  public DpopProof claim(String name, Object value) {
    claims.put(name, value);
    return this;
  }

  /** Removes a claim. */
  public DpopProof without(String claim) {
    claims.remove(claim);
    withoutIat |= claim.equals("iat");
    return this;
  }

  /** Sets a header parameter (any JSON value). */
  public DpopProof header(String name, Object value) {
    header.put(name, value);
    return this;
  }

  /** Removes a header parameter. */
  public DpopProof withoutHeader(String name) {
    header.remove(name);
    return this;
  }

  /** Names {@code alg} in the header and signs with it (an attack case when it is not the key's). */
  public DpopProof algorithm(JWSAlgorithm alg) {
    this.algorithm = alg;
    header.put("alg", alg.getName());
    return this;
  }

  /** Puts the key's private part into the {@code jwk} header (refused: RFC 9449 §4.3 step 7). */
  public DpopProof withPrivateKeyInJwk() {
    return header("jwk", key.privateJwkJson());
  }

  /** The compact serialization. */
  public String build() {
    Map<String, Object> c = new LinkedHashMap<>();
    if (!withoutIat) {
      c.put("iat", clock.instant().minus(age).getEpochSecond()); // a claim("iat", …) given replaces it
    }
    c.putAll(claims);
    String signingInput = b64(JSONObjectUtils.toJSONString(header)) + "." + b64(JSONObjectUtils.toJSONString(c));
    byte[] sig = key.sign(algorithm, signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
  }

  /** base64url(SHA-256(token)): the {@code ath} of a proof for {@code token}. */
  public static String accessTokenHash(String token) {
    try {
      return Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)))
          .toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String thumbprint(TestKey key) {
    try {
      return key.publicJwk().computeThumbprint("SHA-256").toString();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
