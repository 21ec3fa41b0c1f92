package dev.zt.spiffe;

import dev.zt.core.internal.StrictJson;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The keys that are authoritative for one trust domain (SPIFFE Trust Domain and Bundle §3): X.509 authorities (CA
 * certificates that X.509-SVIDs chain to) and JWT authorities (public keys, by {@code kid}, that sign JWT-SVIDs).
 * An empty bundle trusts nothing. Immutable.
 *
 * <p>{@link #parse(TrustDomain, String)} reads the SPIFFE bundle format (§4): a JWK Set whose {@code keys} carry
 * {@code use: x509-svid} (the CA certificate in {@code x5c}, X509-SVID §6) or {@code use: jwt-svid} (a public key with
 * a {@code kid}), plus the optional {@code spiffe_sequence} and {@code spiffe_refresh_hint}. {@link #fromPem} reads a
 * PEM CA file as X.509 authorities only.
 *
 * @since 0.1
 */
public final class TrustBundle {

  /** The largest bundle document accepted, in characters. */
  public static final int MAX_BUNDLE_CHARS = 1 << 20;

  /** The most keys a bundle may hold. */
  public static final int MAX_KEYS = 1024;

  private final TrustDomain trustDomain;
  private final List<X509Certificate> x509Authorities;
  private final Map<String, JWK> jwtAuthorities;
  private final OptionalLong sequence;
  private final Optional<Duration> refreshHint;

  private TrustBundle(TrustDomain trustDomain, List<X509Certificate> x509Authorities,
      Map<String, JWK> jwtAuthorities, OptionalLong sequence, Optional<Duration> refreshHint) {
    this.trustDomain = trustDomain;
    this.x509Authorities = List.copyOf(x509Authorities);
    this.jwtAuthorities = Collections.unmodifiableMap(new LinkedHashMap<>(jwtAuthorities));
    this.sequence = sequence;
    this.refreshHint = refreshHint;
  }

  /** A bundle that trusts nothing for {@code trustDomain}. */
  public static TrustBundle empty(TrustDomain trustDomain) {
    return new TrustBundle(Objects.requireNonNull(trustDomain), List.of(), Map.of(), OptionalLong.empty(),
        Optional.empty());
  }

  /**
   * A bundle of X.509 authorities (e.g. read elsewhere) and no JWT authorities.
   *
   * @throws InvalidBundleException when a certificate appears twice
   */
  public static TrustBundle ofX509Authorities(TrustDomain trustDomain, List<X509Certificate> authorities) {
    return builder(trustDomain).x509Authorities(authorities).build();
  }

  /** A builder for a bundle of {@code trustDomain}. */
  public static Builder builder(TrustDomain trustDomain) {
    return new Builder(trustDomain);
  }

  /**
   * Reads a PEM file of CA certificates (only {@code CERTIFICATE} blocks; text between blocks is ignored) as the
   * X.509 authorities of {@code trustDomain}.
   *
   * @throws InvalidBundleException when the text holds no certificate, another kind of PEM block, or bad data
   */
  public static TrustBundle fromPem(TrustDomain trustDomain, String pem) {
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(pem, "pem");
    if (pem.length() > MAX_BUNDLE_CHARS) {
      throw new InvalidBundleException("PEM bundle larger than " + MAX_BUNDLE_CHARS + " characters");
    }
    List<X509Certificate> certs = Pem.certificates(pem);
    if (certs.isEmpty()) {
      throw new InvalidBundleException("PEM bundle holds no certificate");
    }
    return ofX509Authorities(trustDomain, certs);
  }

  /**
   * Reads a SPIFFE bundle (SPIFFE Trust Domain and Bundle §4) for {@code trustDomain}, strictly: a JSON object of at
   * most {@link #MAX_BUNDLE_CHARS} characters with no duplicate member names at any depth, {@code keys} present and an
   * array of objects, {@code spiffe_sequence} and {@code spiffe_refresh_hint} non-negative integers when present.
   *
   * <p>Per §4.1.3, §4.2.1 and §4.2.2, a key whose {@code use} is missing or unknown, or whose {@code kty} is not
   * {@code RSA} or {@code EC}, is ignored (trusting less, never more). Per X509-SVID §6.2 an {@code x509-svid} key
   * without {@code x5c} is ignored and only the first {@code x5c} certificate counts; its public key must equal the
   * JWK's. A {@code jwt-svid} key must have a {@code kid}, unique within the bundle. A private key anywhere rejects the
   * whole bundle.
   *
   * @throws InvalidBundleException naming what is wrong
   */
  public static TrustBundle parse(TrustDomain trustDomain, String json) {
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(json, "json");
    if (json.length() > MAX_BUNDLE_CHARS) {
      throw new InvalidBundleException("bundle larger than " + MAX_BUNDLE_CHARS + " characters");
    }
    if (!StrictJson.valid(json)) {
      throw new InvalidBundleException("bundle is not a single JSON value without duplicate member names (at any"
          + " depth) nested at most " + StrictJson.MAX_DEPTH + " deep");
    }
    Map<String, Object> doc;
    try {
      doc = JSONObjectUtils.parse(json, MAX_BUNDLE_CHARS);
    } catch (ParseException e) {
      throw new InvalidBundleException("bundle is not a JSON object without duplicate members: " + e.getMessage());
    }
    if (doc == null) {
      // Nimbus answers null, not an exception, for a document that is only "null" (or a byte-order mark)
      throw new InvalidBundleException("bundle is not a JSON object");
    }
    Builder b = builder(trustDomain);
    if (doc.containsKey("spiffe_sequence")) {
      b.sequence(nonNegativeLong(doc.get("spiffe_sequence"), "spiffe_sequence"));
    }
    if (doc.containsKey("spiffe_refresh_hint")) {
      b.refreshHint(Duration.ofSeconds(nonNegativeLong(doc.get("spiffe_refresh_hint"), "spiffe_refresh_hint")));
    }
    if (!(doc.get("keys") instanceof List<?> keys)) {
      throw new InvalidBundleException("bundle has no 'keys' array (SPIFFE Trust Domain and Bundle §4.1.3)");
    }
    if (keys.size() > MAX_KEYS) {
      throw new InvalidBundleException("bundle has more than " + MAX_KEYS + " keys");
    }
    for (int i = 0; i < keys.size(); i++) {
      if (!(keys.get(i) instanceof Map<?, ?> raw)) {
        throw new InvalidBundleException("keys[" + i + "] is not a JSON object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> key = new LinkedHashMap<>((Map<String, Object>) raw);
      readKey(b, key, i);
    }
    return b.build();
  }

  private static void readKey(Builder b, Map<String, Object> key, int i) {
    Object use = key.get("use");
    Object kty = key.get("kty");
    if (!(kty instanceof String) || !(kty.equals("RSA") || kty.equals("EC"))) {
      return; // unknown or unsupported key type: ignored (§4.2.1)
    }
    if (!"x509-svid".equals(use) && !"jwt-svid".equals(use)) {
      return; // unknown use: ignored (§4.2.2)
    }
    key.remove("use"); // a SPIFFE use value is not an RFC 7517 one; it has been read
    if ("x509-svid".equals(use)) {
      if (!(key.get("x5c") instanceof List<?> x5c) || x5c.isEmpty()) {
        return; // X509-SVID §6.2: no certificate, ignored
      }
      if (!(x5c.get(0) instanceof String first)) {
        throw new InvalidBundleException("keys[" + i + "].x5c[0] is not a string");
      }
      byte[] der;
      try {
        der = Base64.getDecoder().decode(first);
      } catch (IllegalArgumentException e) {
        throw new InvalidBundleException("keys[" + i + "].x5c[0] is not base64");
      }
      X509Certificate cert = Pem.certificate(der);
      key.put("x5c", List.of(first)); // X509-SVID §6.2: all but the first are ignored
      key.remove("kid"); // X509-SVID §6.1: not meaningful for an X.509 authority
      JWK jwk = jwk(key, i);
      if (!Arrays.equals(publicKey(jwk, i).getEncoded(), cert.getPublicKey().getEncoded())) {
        throw new InvalidBundleException("keys[" + i + "]: the JWK's key is not the x5c certificate's key");
      }
      b.x509Authority(cert);
    } else {
      if (!(key.get("kid") instanceof String kid) || kid.isEmpty()) {
        throw new InvalidBundleException("keys[" + i + "]: a jwt-svid key needs a non-empty kid");
      }
      b.jwtAuthority(kid, jwk(key, i));
    }
  }

  private static JWK jwk(Map<String, Object> key, int i) {
    JWK jwk;
    try {
      jwk = JWK.parse(key);
    } catch (ParseException | RuntimeException e) {
      throw new InvalidBundleException("keys[" + i + "] is not a valid JWK: " + e.getMessage());
    }
    if (jwk.isPrivate()) {
      throw new InvalidBundleException("keys[" + i + "] holds private key material");
    }
    return jwk;
  }

  private static PublicKey publicKey(JWK jwk, int i) {
    try {
      return ((AsymmetricJWK) jwk).toPublicKey();
    } catch (JOSEException | ClassCastException e) {
      throw new InvalidBundleException("keys[" + i + "]: unusable public key");
    }
  }

  private static long nonNegativeLong(Object v, String name) {
    if (v instanceof Long l && l >= 0) {
      return l;
    }
    if (v instanceof Integer n && n >= 0) {
      return n;
    }
    throw new InvalidBundleException(name + " is not a non-negative integer");
  }

  /** The trust domain this bundle is authoritative for. */
  public TrustDomain trustDomain() {
    return trustDomain;
  }

  /** The CA certificates X.509-SVIDs of this trust domain chain to (may be empty: then none verifies). */
  public List<X509Certificate> x509Authorities() {
    return x509Authorities;
  }

  /** The JWT-SVID signing keys by {@code kid}, public parts only (may be empty: then no JWT-SVID verifies). */
  public Map<String, JWK> jwtAuthorities() {
    return jwtAuthorities;
  }

  /** The JWT authority with {@code kid}. */
  public Optional<JWK> jwtAuthority(String kid) {
    return Optional.ofNullable(jwtAuthorities.get(kid));
  }

  /** {@code spiffe_sequence}, when the bundle had one (§4.1.1). */
  public OptionalLong sequence() {
    return sequence;
  }

  /** {@code spiffe_refresh_hint}, when the bundle had one (§4.1.2). */
  public Optional<Duration> refreshHint() {
    return refreshHint;
  }

  /** Whether the bundle trusts nothing. */
  public boolean isEmpty() {
    return x509Authorities.isEmpty() && jwtAuthorities.isEmpty();
  }

  @Override
  public String toString() {
    return "TrustBundle[" + trustDomain + ", x509=" + x509Authorities.size() + ", jwt=" + jwtAuthorities.keySet()
        + sequence.stream().mapToObj(s -> ", sequence=" + s).findFirst().orElse("") + "]";
  }

  /**
   * Builds a bundle; each option may be set once, and a repeated certificate or {@code kid} fails at once.
   *
   * @since 0.1
   */
  public static final class Builder {

    private final TrustDomain trustDomain;
    private final List<X509Certificate> x509 = new ArrayList<>();
    private final Map<String, JWK> jwt = new LinkedHashMap<>();
    private OptionalLong sequence = OptionalLong.empty();
    private Optional<Duration> refreshHint = Optional.empty();

    private Builder(TrustDomain trustDomain) {
      this.trustDomain = Objects.requireNonNull(trustDomain, "trustDomain");
    }

    /** Adds a CA certificate. */
    public Builder x509Authority(X509Certificate cert) {
      Objects.requireNonNull(cert, "cert");
      for (X509Certificate c : x509) {
        if (sameEncoding(c, cert)) {
          throw new InvalidBundleException("the same X.509 authority appears twice");
        }
      }
      x509.add(cert);
      return this;
    }

    /** Adds CA certificates. */
    public Builder x509Authorities(List<X509Certificate> certs) {
      certs.forEach(this::x509Authority);
      return this;
    }

    /** Adds a JWT-SVID signing key under {@code kid}; only its public part is kept. */
    public Builder jwtAuthority(String kid, JWK key) {
      Objects.requireNonNull(kid, "kid");
      Objects.requireNonNull(key, "key");
      if (jwt.containsKey(kid)) {
        throw new InvalidBundleException("two jwt-svid keys with kid '" + InvalidSpiffeIdException.printable(kid)
            + "'");
      }
      JWK pub = key.toPublicJWK();
      if (pub == null) {
        throw new InvalidBundleException("a JWT authority must be an asymmetric key");
      }
      jwt.put(kid, pub);
      return this;
    }

    /** Sets {@code spiffe_sequence}. */
    public Builder sequence(long sequence) {
      if (this.sequence.isPresent()) {
        throw new IllegalStateException("sequence is already set");
      }
      if (sequence < 0) {
        throw new IllegalArgumentException("sequence must not be negative");
      }
      this.sequence = OptionalLong.of(sequence);
      return this;
    }

    /** Sets {@code spiffe_refresh_hint}. */
    public Builder refreshHint(Duration hint) {
      if (refreshHint.isPresent()) {
        throw new IllegalStateException("refresh hint is already set");
      }
      if (hint.isNegative()) {
        throw new IllegalArgumentException("refresh hint must not be negative");
      }
      this.refreshHint = Optional.of(hint);
      return this;
    }

    /** The immutable bundle. */
    public TrustBundle build() {
      return new TrustBundle(trustDomain, x509, jwt, sequence, refreshHint);
    }

    private static boolean sameEncoding(X509Certificate a, X509Certificate b) {
      try {
        return Arrays.equals(a.getEncoded(), b.getEncoded());
      } catch (CertificateEncodingException e) {
        return false;
      }
    }
  }
}
