package dev.zt.policy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Real tokens for a policy file's issuers, without the issuers: each issuer gets a fresh in-memory signing key (one
 * the issuer's {@code algorithms} allow: ES256, else an RSA or ES384 one), and {@link #enforcerBuilder()} is the
 * file's enforcer with each issuer's key source replaced by that key, so a minted token is validated for real —
 * signature, {@code iss}, {@code aud}, lifetime, type. What the replacement drops: the issuers' {@code jwks_uri}
 * and {@code introspection} (tokens are validated locally). For embedded tests, {@code zt explain --claims} and
 * the audit replay.
 *
 * @since 0.3
 */
public final class TestTokens {

  /** Lifetime of a minted token unless {@code exp} is given (never past the issuer's max token lifetime). */
  public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

  private final PolicyFile file;
  private final Clock clock;
  private final Map<String, Key> keys;

  private record Key(Recipe.IssuerSpec issuer, JWK jwk, JWSAlgorithm algorithm) {}

  private TestTokens(PolicyFile file, Clock clock) {
    this.file = file;
    this.clock = clock;
    Map<String, Key> k = new LinkedHashMap<>();
    for (Recipe.IssuerSpec i : file.recipe().issuers()) {
      k.put(i.issuer(), key(i));
    }
    this.keys = k;
  }

  /** Fresh keys for {@code file}'s issuers; {@code iat} and {@code exp} from the system clock. */
  public static TestTokens forPolicy(PolicyFile file) {
    return forPolicy(file, Clock.systemUTC());
  }

  /** Fresh keys for {@code file}'s issuers; {@code iat} and {@code exp} from {@code clock}. */
  public static TestTokens forPolicy(PolicyFile file, Clock clock) {
    return new TestTokens(Objects.requireNonNull(file, "file"), Objects.requireNonNull(clock, "clock"));
  }

  /**
   * A token with {@code claims}, signed with the key of the issuer its {@code iss} names (the file's first issuer
   * when absent or unknown). Filled in unless given: {@code iss}, {@code aud} (the issuer's first audience),
   * {@code iat} (now), {@code exp} (now + {@link #DEFAULT_LIFETIME}), {@code jti}. A {@code scope} list is joined
   * with spaces (RFC 8693 §4.2). Header {@code typ: at+jwt} (RFC 9068).
   */
  public String mint(Map<String, Object> claims) {
    Key key = key(claims);
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.algorithm()).keyID(key.jwk().getKeyID())
          .type(new JOSEObjectType("at+jwt")).build(), JWTClaimsSet.parse(complete(claims)));
      jwt.sign(signer(key));
      return jwt.serialize();
    } catch (JOSEException | java.text.ParseException e) {
      throw new IllegalStateException("cannot sign a test token", e);
    }
  }

  /**
   * The claims {@link #mint} signs for {@code claims}: {@code iss}, {@code aud}, {@code iat}, {@code exp} and
   * {@code jti} filled in unless given, a {@code scope} list joined with spaces; times in seconds since the epoch.
   * What another token source (the testkit's issuer) signs in {@link PolicyTests#run(PolicyFile, java.util.function.Supplier,
   * java.util.function.Function, Clock)}.
   */
  Map<String, Object> complete(Map<String, Object> claims) {
    Objects.requireNonNull(claims, "claims");
    Key key = key(claims);
    Instant now = clock.instant();
    Duration lifetime = key.issuer().config().maxLifetime().compareTo(DEFAULT_LIFETIME) < 0
        ? key.issuer().config().maxLifetime() : DEFAULT_LIFETIME;
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("iss", key.issuer().issuer());
    if (!key.issuer().audiences().isEmpty()) {
      c.put("aud", key.issuer().audiences().get(0));
    }
    c.put("iat", now.getEpochSecond());
    c.put("exp", now.plus(lifetime).getEpochSecond());
    c.put("jti", UUID.randomUUID().toString());
    claims.forEach((name, value) -> {
      Object v = value;
      if (name.equals("scope") && value instanceof List<?> l) {
        v = l.stream().map(String::valueOf).collect(Collectors.joining(" "));
      }
      if ((name.equals("iat") || name.equals("exp") || name.equals("nbf")) && value instanceof Number n) {
        v = n.longValue();
      }
      c.put(name, v);
    });
    return c;
  }

  private Key key(Map<String, Object> claims) {
    Object iss = claims.get("iss");
    return iss instanceof String s && keys.containsKey(s) ? keys.get(s) : keys.values().iterator().next();
  }

  /**
   * The file's enforcer builder, each issuer's keys replaced by this object's. Its decisions are tests, not requests:
   * they are not written to the {@code dev.zt.audit} log nor sent to OpenTelemetry (an audit listener set on the builder
   * still hears them), so a made-up caller's SQL injection test never reads as an attack in the operators' audit trail.
   */
  public Enforcer.Builder enforcerBuilder() {
    Map<String, JWKSource<SecurityContext>> sources = new LinkedHashMap<>();
    keys.forEach((iss, k) -> sources.put(iss, new ImmutableJWKSet<>(new JWKSet(k.jwk().toPublicJWK()))));
    return dev.zt.core.internal.pipeline.CoreAccess.enforcers().quietAudit(file.recipe().builder(sources));
  }

  private static Key key(Recipe.IssuerSpec issuer) {
    List<String> allowed = issuer.algorithms().isEmpty() ? List.copyOf(BearerJwt.DEFAULT_ALGORITHMS)
        : issuer.algorithms();
    String kid = "zt-test-" + UUID.randomUUID();
    try {
      for (String alg : List.of("ES256", "ES384", "RS256", "PS256", "RS384", "PS384", "RS512", "PS512")) {
        if (!allowed.contains(alg)) {
          continue;
        }
        JWSAlgorithm a = JWSAlgorithm.parse(alg);
        if (alg.startsWith("ES")) {
          ECKey k = new ECKeyGenerator(alg.equals("ES256") ? Curve.P_256 : Curve.P_384).keyID(kid).algorithm(a)
              .keyUse(KeyUse.SIGNATURE).generate();
          return new Key(issuer, k, a);
        }
        RSAKey k = new RSAKeyGenerator(2048).keyID(kid).algorithm(a).keyUse(KeyUse.SIGNATURE).generate();
        return new Key(issuer, k, a);
      }
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot make a test key", e);
    }
    throw new IllegalStateException("issuer " + issuer.issuer() + " allows only " + allowed
        + ": test tokens are signed with ES256, ES384, RS* or PS*");
  }

  private static JWSSigner signer(Key key) throws JOSEException {
    return key.jwk() instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key.jwk());
  }

  @Override
  public String toString() {
    return "TestTokens[" + file.name() + ", issuers=" + keys.keySet() + "]";
  }
}
