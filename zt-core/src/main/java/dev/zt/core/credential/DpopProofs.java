package dev.zt.core.credential;

import dev.zt.core.DenyReason;
import dev.zt.core.internal.EffectiveUri;
import dev.zt.core.internal.Encodings;
import dev.zt.core.internal.SignatureVerifiers;
import dev.zt.core.internal.JsonClaims;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;

/**
 * Checks one DPoP proof (RFC 9449 §4.3) for one request, hand-assembled on Nimbus primitives (its key, thumbprint and
 * signature classes) rather than Nimbus' {@code DPoPProofFactory} verifier, so every rule is zt's own, strict, and in an
 * order that costs a forger the least: structure and header ({@code typ}, {@code alg} allow-list, a public
 * {@code jwk} that fits the algorithm, no other key-bearing or critical header), then the claims ({@code htm},
 * {@code htu}, {@code iat} window, {@code ath}), the key's thumbprint against the token's {@code cnf.jkt}, the server
 * nonce when required, and only then the signature. The {@code jti}'s single use is the caller's last step.
 */
final class DpopProofs {

  /** The outcome of a check. */
  sealed interface Result permits Ok, Fail, NonceNeeded {}

  /** The proof holds; {@code jti} must now be used once, and {@code staleNonce} says a fresh nonce is due. */
  record Ok(String jti, boolean staleNonce) implements Result {}

  /** The proof is refused; {@code signatureChecked} when it cost a signature check (it failed only that). */
  record Fail(DenyReason reason, String detail, boolean signatureChecked) implements Result {
    Fail(DenyReason reason, String detail) {
      this(reason, detail, false);
    }
  }

  /** Everything but the nonce held: answer {@code use_dpop_nonce}. */
  record NonceNeeded(String detail) implements Result {}

  private static final String[] FORBIDDEN_HEADERS = {"crit", "b64", "jku", "x5u", "x5c", "x5t", "x5t#S256", "zip",
      "enc", "kid"};
  private static final String[] PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};
  private static final int MAX_JTI = 256;

  private final Dpop config;
  private final DpopNonces nonces; // null when nonces are off
  private final long maxAgeMillis;
  private final long futureMillis;
  private final SignatureVerifiers signatures;

  /** With the signature providers of {@link SignatureProvider#auto()}. */
  DpopProofs(Dpop config, DpopNonces nonces) {
    this(config, nonces, SignatureVerifiers.auto());
  }

  DpopProofs(Dpop config, DpopNonces nonces, SignatureVerifiers signatures) {
    this.signatures = signatures.prepare(config.algorithms());
    this.config = config;
    this.nonces = nonces;
    this.maxAgeMillis = config.proofMaxAge().toMillis();
    this.futureMillis = config.proofFutureSkew().toMillis();
  }

  /** How long a {@code jti} must be remembered: as long as a proof carrying it can be accepted. */
  java.time.Duration replayWindow() {
    return java.time.Duration.ofMillis(maxAgeMillis + futureMillis + 1000);
  }

  /**
   * Checks {@code proof} for a request with {@code method} to {@code htu} (the effective URI built from the public
   * origin), carrying {@code accessToken} bound to the key whose thumbprint is {@code jkt}, at {@code now}.
   */
  Result verify(String proof, String method, URI htu, String accessToken, String jkt, long now) {
    try {
      return check(proof, method, htu, accessToken, jkt, now);
    } catch (RuntimeException e) {
      return new Fail(DenyReason.DPOP_PROOF_INVALID, "proof unparseable: " + e.getClass().getSimpleName());
    }
  }

  private Result check(String proof, String method, URI htu, String accessToken, String jkt, long now) {
    if (proof.length() > config.maxProofLength()) {
      return fail("proof longer than " + config.maxProofLength());
    }
    int dot1 = proof.indexOf('.');
    int dot2 = dot1 < 0 ? -1 : proof.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 < 0 || proof.indexOf('.', dot2 + 1) >= 0 || dot2 + 1 == proof.length()) {
      return fail("not a compact JWS (three non-empty parts)");
    }
    if (!Encodings.canonicalBase64Url(proof, 0, dot1) || !Encodings.canonicalBase64Url(proof, dot1 + 1, dot2)
        || !Encodings.canonicalBase64Url(proof, dot2 + 1, proof.length())) {
      return fail("not canonical base64url");
    }
    Map<String, Object> header = JwtVerifier.json(proof, 0, dot1);
    Map<String, Object> claims = JwtVerifier.json(proof, dot1 + 1, dot2);
    if (header == null || claims == null) {
      return fail("header or payload is not a JSON object");
    }
    // ---- header (RFC 9449 §4.3 steps 4-7)
    if (!(header.get("typ") instanceof String typ) || !typ.toLowerCase(Locale.ROOT).equals("dpop+jwt")) {
      return fail("typ is not dpop+jwt");
    }
    if (!(header.get("alg") instanceof String algName)) {
      return fail("alg missing");
    }
    JWSAlgorithm alg = null;
    for (JWSAlgorithm a : config.algorithms()) {
      if (a.getName().equals(algName)) {
        alg = a;
      }
    }
    if (alg == null) {
      return fail("alg not allowed: " + printable(algName));
    }
    for (String forbidden : FORBIDDEN_HEADERS) {
      if (header.containsKey(forbidden)) {
        return fail("header parameter not accepted: " + forbidden);
      }
    }
    if (!(header.get("jwk") instanceof Map<?, ?> jwkMap)) {
      return fail("jwk missing or not an object");
    }
    for (String member : PRIVATE_MEMBERS) {
      if (jwkMap.containsKey(member)) {
        return fail("jwk carries private key material (" + member + ")");
      }
    }
    JWK jwk;
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) jwkMap;
      jwk = JWK.parse(m);
    } catch (java.text.ParseException e) {
      return fail("jwk is not a JWK");
    }
    if (jwk.isPrivate()) {
      return fail("jwk carries private key material");
    }
    if ((jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse()))
        || (jwk.getAlgorithm() != null && !jwk.getAlgorithm().getName().equals(alg.getName()))) {
      return fail("jwk use or alg does not fit the proof");
    }
    JWSVerifier verifier = verifierFor(jwk, alg);
    if (verifier == null) {
      return fail("jwk does not fit alg " + alg.getName());
    }
    // ---- claims (steps 8-12)
    if (!(claims.get("jti") instanceof String jti) || jti.isEmpty() || jti.length() > MAX_JTI) {
      return fail("jti missing, empty or longer than " + MAX_JTI);
    }
    if (!(claims.get("htm") instanceof String htm) || !htm.equals(method)) {
      return fail("htm does not name the request's method");
    }
    if (!(claims.get("htu") instanceof String htuClaim) || !htu.equals(normalHtu(htuClaim))) {
      return fail("htu does not name the request's URI");
    }
    long iat = claims.containsKey("iat") ? JsonClaims.numericDateMillis(claims.get("iat")) : Long.MIN_VALUE;
    if (iat == Long.MIN_VALUE) {
      return fail("iat missing or not a NumericDate");
    }
    if (iat < now - maxAgeMillis) {
      return fail("iat older than " + maxAgeMillis / 1000 + " s");
    }
    if (iat > now + futureMillis) {
      return fail("iat more than " + futureMillis / 1000 + " s ahead");
    }
    if (!(claims.get("ath") instanceof String ath)
        || !MessageDigest.isEqual(ath.getBytes(StandardCharsets.US_ASCII), accessTokenHash(accessToken))) {
      return fail("ath is not the access token's hash");
    }
    // ---- the key the token is bound to (§7.1)
    String thumbprint;
    try {
      thumbprint = jwk.computeThumbprint("SHA-256").toString();
    } catch (JOSEException e) {
      return fail("jwk thumbprint unavailable");
    }
    if (!MessageDigest.isEqual(thumbprint.getBytes(StandardCharsets.US_ASCII),
        jkt.getBytes(StandardCharsets.US_ASCII))) {
      return new Fail(DenyReason.DPOP_PROOF_INVALID, "proof key is not the key the token is bound to (cnf.jkt)");
    }
    // ---- server nonce (§8), before the signature: a client without one learns it for a hash, not a verify
    boolean stale = false;
    if (nonces != null) {
      if (!(claims.get("nonce") instanceof String nonce)) {
        return new NonceNeeded(claims.containsKey("nonce") ? "nonce is not a string" : "nonce missing");
      }
      DpopNonces.Check c = nonces.check(nonce, now);
      if (c == DpopNonces.Check.INVALID) {
        return new NonceNeeded("nonce not issued by this service or expired");
      }
      stale = c == DpopNonces.Check.PREVIOUS;
    }
    // ---- the signature, last: a forged proof that fails any check above cost a hash, not a signature check
    try {
      JWSHeader jwsHeader = new JWSHeader.Builder(alg).build();
      byte[] signingInput = proof.substring(0, dot2).getBytes(StandardCharsets.US_ASCII);
      if (!verifier.verify(jwsHeader, signingInput, new Base64URL(proof.substring(dot2 + 1)))) {
        return new Fail(DenyReason.DPOP_PROOF_INVALID, "proof signature does not verify", true);
      }
    } catch (JOSEException e) {
      return new Fail(DenyReason.DPOP_PROOF_INVALID, "proof signature does not verify", true);
    }
    return new Ok(jti, stale);
  }

  /**
   * {@code htu} without query and fragment (RFC 9449 §4.3 step 9), in the normal form the request's URI is in
   * (RFC 3986 §6.2.2-6.2.3); {@code null} when it is not an absolute http(s) URI.
   */
  static URI normalHtu(String htu) {
    if (htu.length() > 2048) {
      return null;
    }
    URI u;
    try {
      u = new URI(htu);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
    if (!u.isAbsolute() || u.isOpaque() || u.getRawAuthority() == null || u.getRawUserInfo() != null) {
      return null;
    }
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    return EffectiveUri.of(u.getScheme(), u.getRawAuthority(), path).orElse(null);
  }

  /** The ASCII bytes of base64url(SHA-256(token)): the {@code ath} a proof for {@code token} carries. */
  static byte[] accessTokenHash(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
      return Base64URL.encode(digest).toString().getBytes(StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A verifier for {@code jwk} when it may verify {@code alg} (RSA at least 2048 bits; the curve of the algorithm). */
  private JWSVerifier verifierFor(JWK jwk, JWSAlgorithm alg) {
    try {
      if (jwk instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(alg)) {
        return rsa.size() >= 2048 ? signatures.rsa(rsa.toRSAPublicKey(), alg) : null;
      }
      if (jwk instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg)) {
        return Curve.forJWSAlgorithm(alg).contains(ec.getCurve()) ? signatures.ec(ec.toECPublicKey(), alg) : null;
      }
      if (jwk instanceof OctetKeyPair okp && JWSAlgorithm.EdDSA.equals(alg)) {
        return Curve.Ed25519.equals(okp.getCurve()) ? new Ed25519Verifier(okp, signatures.providerFor(alg)) : null;
      }
    } catch (JOSEException e) {
      return null;
    }
    return null;
  }

  private static Fail fail(String detail) {
    return new Fail(DenyReason.DPOP_PROOF_INVALID, detail);
  }

  private static String printable(String s) {
    return Encodings.printableAscii(s, 40, "");
  }
}
