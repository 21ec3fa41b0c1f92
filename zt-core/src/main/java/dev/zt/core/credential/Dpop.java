package dev.zt.core.credential;

import com.nimbusds.jose.JWSAlgorithm;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How DPoP-bound access tokens (RFC 9449) are checked: {@code Authorization: DPoP <token>} with exactly one
 * {@code DPoP} proof per request. The enforcer understands DPoP whenever it has a public origin
 * ({@code Enforcer.Builder.publicOrigin}): the proof's {@code htu} is compared with the request's URI built from that
 * origin, never from the {@code Host} a client sends, so DPoP without a public origin is refused at build.
 *
 * <p>Strict by default: proofs signed with an asymmetric algorithm of {@link #algorithms()} (default ES256, ES384,
 * RS256, PS256, EdDSA) by the public key in their {@code jwk} header; {@code iat} at most
 * {@link #proofMaxAge()} old (60 s) and at most {@link #proofFutureSkew()} ahead (5 s); each {@code jti} once per key
 * within that window; server nonces (RFC 9449 §8) off unless {@link Builder#requireNonce()}.
 *
 * <pre>{@code
 * Dpop dpop = Dpop.builder().requireNonce().build();
 * }</pre>
 *
 * @since 0.2
 */
public final class Dpop {

  /** The asymmetric algorithms a proof may be signed with, in challenge order. */
  private static final List<JWSAlgorithm> SUPPORTED = List.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
      JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.EdDSA, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
      JWSAlgorithm.PS384, JWSAlgorithm.PS512);
  private static final List<JWSAlgorithm> DEFAULT_ALGORITHMS = List.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
      JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.EdDSA);
  private static final Dpop DEFAULTS = builder().build();

  private final List<JWSAlgorithm> algorithms;
  private final Duration proofMaxAge;
  private final Duration proofFutureSkew;
  private final byte[] nonceSecret; // null when nonces are not required
  private final Duration nonceRotation;
  private final int maxProofLength;

  private Dpop(Builder b) {
    this.algorithms = b.algorithms == null ? DEFAULT_ALGORITHMS : List.copyOf(b.algorithms);
    this.proofMaxAge = b.proofMaxAge == null ? Duration.ofSeconds(60) : b.proofMaxAge;
    this.proofFutureSkew = b.proofFutureSkew == null ? Duration.ofSeconds(5) : b.proofFutureSkew;
    this.nonceSecret = b.nonceSecret;
    this.nonceRotation = b.nonceRotation == null ? Duration.ofSeconds(60) : b.nonceRotation;
    this.maxProofLength = b.maxProofLength == 0 ? 4096 : b.maxProofLength;
  }

  /** DPoP with every default: what the enforcer uses when it has a public origin and no {@code dpop(…)}. */
  public static Dpop defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The algorithms a proof may be signed with, in the order {@code WWW-Authenticate: DPoP algs} lists them. */
  public List<JWSAlgorithm> algorithms() {
    return algorithms;
  }

  /** How old a proof's {@code iat} may be. */
  public Duration proofMaxAge() {
    return proofMaxAge;
  }

  /** How far ahead of the enforcer's clock a proof's {@code iat} may be. */
  public Duration proofFutureSkew() {
    return proofFutureSkew;
  }

  /** Whether every proof must carry a server nonce ({@code DPoP-Nonce}, RFC 9449 §8). */
  public boolean nonceRequired() {
    return nonceSecret != null;
  }

  /** How long one nonce is handed out; a nonce is accepted for twice that (its period and the next). */
  public Duration nonceRotation() {
    return nonceRotation;
  }

  /** The longest proof (characters of the {@code DPoP} field) that is looked at; longer ones are refused unread. */
  public int maxProofLength() {
    return maxProofLength;
  }

  /** The nonce key (not a copy: zt's own code only), or {@code null}. */
  byte[] nonceSecretOrNull() {
    return nonceSecret;
  }

  @Override
  public String toString() {
    return "Dpop[algs=" + algorithms + ", maxAge=" + proofMaxAge + ", futureSkew=" + proofFutureSkew + ", nonce="
        + (nonceSecret != null) + "]";
  }

  /** Set-once builder of {@link Dpop}. */
  public static final class Builder {
    private final Set<String> set = new HashSet<>();
    private List<JWSAlgorithm> algorithms;
    private Duration proofMaxAge;
    private Duration proofFutureSkew;
    private byte[] nonceSecret;
    private Duration nonceRotation;
    private int maxProofLength;

    private Builder() {}

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /**
     * The algorithms proofs may be signed with (asymmetric only: ES256, ES384, RS256/384/512, PS256/384/512, EdDSA);
     * default ES256, ES384, RS256, PS256, EdDSA.
     *
     * @throws IllegalArgumentException for none, a repeat, or a symmetric or unknown algorithm
     */
    public Builder algorithms(JWSAlgorithm... algorithms) {
      once("algorithms");
      if (algorithms.length == 0) {
        throw new IllegalArgumentException("at least one algorithm");
      }
      Set<JWSAlgorithm> out = new LinkedHashSet<>();
      for (JWSAlgorithm a : algorithms) {
        if (!SUPPORTED.contains(Objects.requireNonNull(a, "algorithm"))) {
          throw new IllegalArgumentException("not an asymmetric signature algorithm zt verifies: " + a);
        }
        if (!out.add(a)) {
          throw new IllegalArgumentException("listed twice: " + a);
        }
      }
      this.algorithms = List.copyOf(out);
      return this;
    }

    /** How old a proof's {@code iat} may be: 1 s to 5 min; default 60 s. */
    public Builder proofMaxAge(Duration maxAge) {
      once("proofMaxAge");
      this.proofMaxAge = within("proofMaxAge", maxAge, Duration.ofSeconds(1), Duration.ofMinutes(5));
      return this;
    }

    /** How far ahead a proof's {@code iat} may be (the client's clock running fast): 0 to 60 s; default 5 s. */
    public Builder proofFutureSkew(Duration skew) {
      once("proofFutureSkew");
      this.proofFutureSkew = within("proofFutureSkew", skew, Duration.ZERO, Duration.ofSeconds(60));
      return this;
    }

    /**
     * Requires a server nonce in every proof (RFC 9449 §8), with a key of this process's own (a random 32 bytes): a
     * proof without the current nonce is answered 401 {@code use_dpop_nonce} with a fresh {@code DPoP-Nonce}.
     * Nonces need no shared state: each is an HMAC of the time period under the key. Instances behind one load
     * balancer must share the key: use {@link #requireNonce(byte[])}.
     */
    public Builder requireNonce() {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      return requireNonce(key);
    }

    /**
     * Requires a server nonce in every proof, keyed by {@code sharedSecret} (at least 32 bytes; copied), so every
     * instance that shares it issues and accepts the same nonces.
     */
    public Builder requireNonce(byte[] sharedSecret) {
      once("requireNonce");
      if (sharedSecret.length < 32) {
        throw new IllegalArgumentException("the nonce key must be at least 32 bytes");
      }
      this.nonceSecret = sharedSecret.clone();
      return this;
    }

    /**
     * How long one nonce is handed out before the next (5 s to 10 min; default 60 s). A nonce is accepted during its
     * period and the next, and a fresh one is sent ({@code DPoP-Nonce} on the answer) once it has rotated.
     */
    public Builder nonceRotation(Duration rotation) {
      once("nonceRotation");
      this.nonceRotation = within("nonceRotation", rotation, Duration.ofSeconds(5), Duration.ofMinutes(10));
      return this;
    }

    /** The longest {@code DPoP} field looked at (512 to 16384 characters; default 4096). */
    public Builder maxProofLength(int chars) {
      once("maxProofLength");
      if (chars < 512 || chars > 16384) {
        throw new IllegalArgumentException("maxProofLength must be 512 to 16384");
      }
      this.maxProofLength = chars;
      return this;
    }

    private static Duration within(String option, Duration d, Duration min, Duration max) {
      Objects.requireNonNull(d, option);
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(option + " must be " + min + " to " + max + ": " + d);
      }
      return d;
    }

    public Dpop build() {
      if (nonceRotation != null && nonceSecret == null) {
        throw new IllegalStateException("nonceRotation without requireNonce");
      }
      return new Dpop(this);
    }
  }

  /** The algorithms as the challenge's {@code algs} value. */
  String algsParameter() {
    StringBuilder sb = new StringBuilder();
    for (JWSAlgorithm a : algorithms) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(a.getName());
    }
    return sb.toString();
  }
}
