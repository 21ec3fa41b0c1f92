package dev.zt.testkit.spiffe;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and signs a JWT-SVID for a {@link TestTrustDomain}: valid by default (ES256, {@code kid} of the domain's
 * JWT authority, {@code typ: JWT}, one audience, five minutes), and every field can be changed or removed to make
 * deny cases.
 *
 * @since 0.1
 */
public final class JwtSvidBuilder {

  private final Map<String, Object> header = new LinkedHashMap<>();
  private final Map<String, Object> claims = new LinkedHashMap<>();
  private JWK signingKey;
  private JWSAlgorithm signAlg = JWSAlgorithm.ES256;

  JwtSvidBuilder(TestTrustDomain domain, String subject, Instant now) {
    this.signingKey = domain.jwtKey();
    header.put("alg", "ES256");
    header.put("kid", domain.jwtKey().getKeyID());
    header.put("typ", "JWT");
    claims.put("sub", subject);
    claims.put("aud", List.of("test-audience"));
    claims.put("exp", now.plus(Duration.ofMinutes(5)).getEpochSecond());
    claims.put("iat", now.getEpochSecond());
  }

  /** Sets {@code aud} to these values (none: remove the claim). */
  public JwtSvidBuilder audience(String... audiences) {
    if (audiences.length == 0) {
      claims.remove("aud");
    } else {
      claims.put("aud", List.of(audiences));
    }
    return this;
  }

  /** Sets {@code exp}. */
  public JwtSvidBuilder expiresAt(Instant exp) {
    claims.put("exp", exp.getEpochSecond());
    return this;
  }

  /** Sets a claim ({@code null} removes it), e.g. {@code sub} to a non-SPIFFE value. */
  public JwtSvidBuilder claim(String name, Object value) {
    if (value == null) {
      claims.remove(name);
    } else {
      claims.put(name, value);
    }
    return this;
  }

  /** Sets a header parameter ({@code null} removes it), e.g. {@code kid}, {@code typ} or an extra {@code jku}. */
  public JwtSvidBuilder header(String name, Object value) {
    if (value == null) {
      header.remove(name);
    } else {
      header.put(name, value);
    }
    return this;
  }

  /** Signs with {@code key} and {@code alg} (RSA or EC) and names {@code alg} in the header. */
  public JwtSvidBuilder signWith(JWK key, JWSAlgorithm alg) {
    this.signingKey = key;
    this.signAlg = alg;
    header.put("alg", alg.getName());
    if (key.getKeyID() != null) {
      header.put("kid", key.getKeyID());
    }
    return this;
  }

  /** The compact JWS. The header's {@code alg} may differ from the signing algorithm when a test set it so. */
  public String sign() {
    String signingInput = b64(JSONObjectUtils.toJSONString(header)) + "." + b64(JSONObjectUtils.toJSONString(claims));
    try {
      JWSHeader h = new JWSHeader(signAlg);
      byte[] in = signingInput.getBytes(StandardCharsets.US_ASCII);
      Base64URL sig;
      if (signingKey instanceof ECKey ec) {
        sig = new ECDSASigner(ec).sign(h, in);
      } else if (signingKey instanceof RSAKey rsa) {
        sig = new RSASSASigner(rsa).sign(h, in);
      } else {
        throw new IllegalStateException("RSA or EC keys only");
      }
      return signingInput + "." + sig;
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
    }
  }

  private static String b64(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
