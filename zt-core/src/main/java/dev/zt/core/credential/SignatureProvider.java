package dev.zt.core.credential;

import dev.zt.core.internal.SignatureVerifiers;
import java.security.Provider;
import java.util.Objects;

/**
 * Which JCA provider verifies JWS signatures (RFC 7515 §5.2; the algorithms of RFC 7518 §3 and RFC 8037 §3.1): the
 * JDK's, or a native one. A native provider verifies an ES256 token in tens of microseconds where the JDK's takes over a
 * millisecond, a cost every forged token naming a real {@code kid} also buys. Only verification primitives are
 * delegated — never key parsing, thumbprints, hashing, TLS or signing — so the outcome of a validation is the same
 * on every provider; each algorithm's provider must first pass a known-answer self-test (a good signature verifies, a
 * changed or all-zero one does not).
 *
 * <ul>
 *   <li>{@link #auto()} (the default): per algorithm, Amazon Corretto Crypto Provider, then Conscrypt, when on the
 *       class path, loadable on this platform and passing the self-test; the JDK otherwise;
 *   <li>{@link #jdk()}: the JDK's providers only (the JCA's provider order decides);
 *   <li>{@link #named(String)}, {@link #of(Provider)}: that provider for every algorithm zt verifies; one it lacks or
 *       that fails the self-test fails the enforcer's build. An explicit choice never falls back.
 * </ul>
 *
 * <p>The choice made is {@code dev.zt.core.Enforcer#signatureProviders()}, and one log line when the enforcer is built.
 *
 * @since 0.5
 */
public final class SignatureProvider {

  static {
    SignatureVerifiers.access(SignatureProvider::verifiers);
  }

  private static final SignatureProvider AUTO = new SignatureProvider("auto", null, null);
  private static final SignatureProvider JDK = new SignatureProvider("jdk", null, null);

  private final String description;
  private final String name; // named(…) only
  private final Provider provider; // of(…) only

  private SignatureProvider(String description, String name, Provider provider) {
    this.description = description;
    this.name = name;
    this.provider = provider;
  }

  /** A native provider per algorithm when one is usable, else the JDK's (the default). */
  public static SignatureProvider auto() {
    return AUTO;
  }

  /** The JDK's providers only. */
  public static SignatureProvider jdk() {
    return JDK;
  }

  /**
   * The JCA provider named {@code jcaProviderName} ({@code AmazonCorrettoCryptoProvider}, {@code Conscrypt}, or any
   * installed provider's name), for every algorithm zt verifies. It must be installed or, for those two, on the class
   * path; the enforcer's build fails otherwise.
   *
   * @throws IllegalArgumentException if the name is blank
   */
  public static SignatureProvider named(String jcaProviderName) {
    Objects.requireNonNull(jcaProviderName, "jcaProviderName");
    if (jcaProviderName.isBlank()) {
      throw new IllegalArgumentException("a JCA provider name is required");
    }
    return new SignatureProvider(jcaProviderName, jcaProviderName, null);
  }

  /** {@code provider} for every algorithm zt verifies (it need not be installed). */
  public static SignatureProvider of(Provider provider) {
    Objects.requireNonNull(provider, "provider");
    return new SignatureProvider(provider.getName(), null, provider);
  }

  private SignatureVerifiers verifiers() {
    if (this == AUTO) {
      return SignatureVerifiers.auto();
    }
    if (this == JDK) {
      return SignatureVerifiers.jdk();
    }
    if (provider != null) {
      return SignatureVerifiers.required(provider, description);
    }
    Provider found = SignatureVerifiers.find(name).orElseThrow(() -> new IllegalStateException("signature provider "
        + name + " is neither installed (java.security.Security) nor a native provider on the class path; an "
        + "explicitly chosen provider never falls back to the JDK"));
    return SignatureVerifiers.required(found, name);
  }

  /** {@code auto}, {@code jdk}, or the provider's name. */
  @Override
  public String toString() {
    return description;
  }
}
