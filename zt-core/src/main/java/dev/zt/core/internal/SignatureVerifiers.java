package dev.zt.core.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import dev.zt.core.credential.SignatureProvider;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Which JCA provider verifies each JWS algorithm's signatures, chosen per algorithm from a {@link SignatureProvider}
 * when an enforcer (or a JWT-SVID verifier) is built, and the verifiers that use it. Only verification primitives go
 * to the chosen provider: keys are parsed, hashed and thumbprinted by the JDK as before.
 *
 * <ul>
 *   <li>auto: Amazon Corretto Crypto Provider, then Conscrypt, when on the class path, loadable on this platform and
 *       passing {@link SignatureSelfTest} for the algorithm; the JDK's default providers otherwise;
 *   <li>jdk: the JDK's default providers (Nimbus with no provider set: the JCA's provider order decides);
 *   <li>required (named or given): that provider, which must pass the self-test for every algorithm asked of it, else
 *       {@link #prepare} throws: an explicit choice never falls back.
 * </ul>
 *
 * <p>Thread-safe. Algorithms are chosen by {@link #prepare} while the enforcer is assembled; one asked for later is
 * chosen then (and, for a required provider that cannot verify it, verification throws: a deny).
 */
public final class SignatureVerifiers {

  /** The name the choices give the JDK's own providers when none of theirs can be named. */
  private static final String JDK = "JDK";

  private static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
  private static final String CONSCRYPT_CLASS = "org.conscrypt.Conscrypt";

  private static volatile Function<SignatureProvider, SignatureVerifiers> access;

  /** One algorithm's provider: {@code provider} empty for the JDK's defaults; {@code why} says why it was chosen. */
  private record Choice(Optional<Provider> provider, String name, String why) {}

  private enum Mode { AUTO, JDK, REQUIRED }

  private final Mode mode;
  private final Provider required; // REQUIRED only
  private final String asked; // what the configuration said: auto, jdk, a provider's name
  private final List<Native> candidates; // AUTO only
  private final Map<JWSAlgorithm, Choice> choices = new ConcurrentHashMap<>();

  private SignatureVerifiers(Mode mode, Provider required, String asked, List<Native> candidates) {
    this.mode = mode;
    this.required = required;
    this.asked = asked;
    this.candidates = candidates;
  }

  /** The JDK's default providers for every algorithm. */
  public static SignatureVerifiers jdk() {
    return new SignatureVerifiers(Mode.JDK, null, "jdk", List.of());
  }

  /** A native provider per algorithm when one is usable, the JDK otherwise (the default). */
  public static SignatureVerifiers auto() {
    return new SignatureVerifiers(Mode.AUTO, null, "auto", Detected.CANDIDATES);
  }

  /** {@link #auto()} with the candidates found through {@code loader} (tests: a loader without either library). */
  public static SignatureVerifiers auto(ClassLoader loader) {
    return new SignatureVerifiers(Mode.AUTO, null, "auto", detect(loader));
  }

  /** {@code provider} for every algorithm asked of it, or {@link #prepare} fails. */
  public static SignatureVerifiers required(Provider provider, String asked) {
    return new SignatureVerifiers(Mode.REQUIRED, Objects.requireNonNull(provider, "provider"), asked, List.of());
  }

  /**
   * The JCA provider named {@code name}: installed ({@link java.security.Security#getProvider}), or one of the native
   * providers zt knows by its JCA name when on the class path; empty when neither.
   */
  public static Optional<Provider> find(String name) {
    Provider installed = java.security.Security.getProvider(name);
    if (installed != null) {
      return Optional.of(installed);
    }
    for (Native n : Detected.CANDIDATES) {
      if (n.provider != null && n.provider.getName().equals(name)) {
        return Optional.of(n.provider);
      }
    }
    return Optional.empty();
  }

  /** The verifiers a {@link SignatureProvider} asks for (a fresh instance: its choices are its owner's). */
  public static SignatureVerifiers of(SignatureProvider provider) {
    Objects.requireNonNull(provider, "provider");
    return access.apply(provider);
  }

  /** Called once, by {@link SignatureProvider}'s initializer. */
  public static void access(Function<SignatureProvider, SignatureVerifiers> f) {
    if (access != null) {
      throw new IllegalStateException("already set");
    }
    access = f;
  }

  /**
   * Chooses the provider of each of {@code algorithms} now (while the enforcer is built), so a required provider that
   * cannot verify one fails the build.
   *
   * @throws IllegalStateException when a required provider is missing an algorithm or fails its self-test
   */
  public SignatureVerifiers prepare(Collection<JWSAlgorithm> algorithms) {
    for (JWSAlgorithm alg : algorithms) {
      choice(alg);
    }
    return this;
  }

  /** The provider for {@code alg}, or {@code null} for the JDK's defaults. */
  public Provider providerFor(JWSAlgorithm alg) {
    return choice(alg).provider().orElse(null);
  }

  /** The choices made so far, by algorithm name (sorted): the JCA provider's name, or the JDK provider's. */
  public Map<String, String> names() {
    Map<String, String> out = new TreeMap<>();
    choices.forEach((alg, c) -> out.put(alg.getName(), c.name()));
    return java.util.Collections.unmodifiableMap(out);
  }

  /** One line for the build's log: the mode and each algorithm's provider, with why. */
  public String describe() {
    Map<String, String> out = new TreeMap<>();
    choices.forEach((alg, c) -> out.put(alg.getName(), c.name() + (c.why().isEmpty() ? "" : " (" + c.why() + ")")));
    return "signature-provider " + asked + ": " + out;
  }

  /**
   * An RS/PS verifier of {@code key} for {@code alg} and the other RSA algorithms chosen so far, each on its own
   * provider (one verifier when they share one); another algorithm is refused.
   */
  public JWSVerifier rsa(RSAPublicKey key, JWSAlgorithm alg) {
    choice(alg);
    return byProvider(JWSAlgorithm.Family.RSA, p -> {
      RSASSAVerifier v = new RSASSAVerifier(key);
      if (p != null) {
        v.getJCAContext().setProvider(p);
      }
      return v;
    });
  }

  /**
   * An ES verifier of {@code key} on the provider of {@code alg} (one algorithm per curve).
   *
   * @throws JOSEException when the key is not a valid EC key (as Nimbus' constructor)
   */
  public JWSVerifier ec(ECPublicKey key, JWSAlgorithm alg) throws JOSEException {
    ECDSAVerifier v = new ECDSAVerifier(key);
    Provider p = providerFor(alg);
    if (p != null) {
      v.getJCAContext().setProvider(p);
    }
    return v;
  }

  private JWSVerifier byProvider(JWSAlgorithm.Family family, Function<Provider, JWSVerifier> make) {
    Map<Provider, JWSVerifier> made = new IdentityHashMap<>();
    Map<JWSAlgorithm, JWSVerifier> byAlg = new HashMap<>();
    JWSVerifier jdk = null;
    for (Map.Entry<JWSAlgorithm, Choice> e : choices.entrySet()) {
      if (!family.contains(e.getKey())) {
        continue;
      }
      Provider p = e.getValue().provider().orElse(null);
      JWSVerifier v;
      if (p == null) {
        jdk = jdk == null ? make.apply(null) : jdk;
        v = jdk;
      } else {
        v = made.computeIfAbsent(p, make);
      }
      byAlg.put(e.getKey(), v);
    }
    if (made.isEmpty()) {
      return jdk == null ? make.apply(null) : jdk; // one provider (the JDK's) for every algorithm
    }
    if (made.size() == 1 && jdk == null) {
      return made.values().iterator().next();
    }
    return new Routing(byAlg);
  }

  private Choice choice(JWSAlgorithm alg) {
    Choice c = choices.get(alg);
    if (c == null) {
      c = choose(alg);
      Choice prior = choices.putIfAbsent(alg, c);
      c = prior == null ? c : prior;
    }
    return c;
  }

  private Choice choose(JWSAlgorithm alg) {
    switch (mode) {
      case JDK:
        return jdkChoice(alg, "");
      case REQUIRED: {
        String failure = SignatureSelfTest.run(required, alg);
        if (failure != null) {
          throw new IllegalStateException("signature provider " + asked + " (" + required.getName() + ") cannot "
              + "verify " + alg.getName() + ": " + failure + "; an explicitly chosen provider never falls back to "
              + "the JDK: choose signature-provider auto or jdk, or do not allow " + alg.getName());
        }
        return new Choice(Optional.of(required), required.getName(), "");
      }
      default: {
        List<String> why = new ArrayList<>();
        for (Native n : candidates) {
          if (n.provider == null) {
            why.add(n.unavailable);
            continue;
          }
          String failure = n.selfTest(alg);
          if (failure == null) {
            return new Choice(Optional.of(n.provider), n.provider.getName(), "");
          }
          why.add(n.provider.getName() + ": " + failure);
        }
        return jdkChoice(alg, String.join("; ", why));
      }
    }
  }

  private static Choice jdkChoice(JWSAlgorithm alg, String why) {
    return new Choice(Optional.empty(), jdkProviderName(alg), why);
  }

  /** The name of the installed provider the JCA picks for {@code alg}'s signature, as Nimbus asks for it. */
  private static String jdkProviderName(JWSAlgorithm alg) {
    String jca;
    if (JWSAlgorithm.EdDSA.equals(alg)) {
      jca = "Ed25519";
    } else if (JWSAlgorithm.Family.EC.contains(alg)) {
      jca = "SHA" + alg.getName().substring(2) + "withECDSA";
    } else if (alg.getName().startsWith("PS")) {
      jca = "RSASSA-PSS";
    } else {
      jca = "SHA" + alg.getName().substring(2) + "withRSA";
    }
    try {
      return Signature.getInstance(jca).getProvider().getName();
    } catch (NoSuchAlgorithmException | RuntimeException e) {
      return JDK;
    }
  }

  /** A native provider on the class path, or why it is not usable ({@code provider} null). */
  private static final class Native {
    final Provider provider;
    final String unavailable;
    private final Map<JWSAlgorithm, String> results = new ConcurrentHashMap<>();

    Native(Provider provider, String unavailable) {
      this.provider = provider;
      this.unavailable = unavailable;
    }

    /** The self-test's failure, or {@code null}; run once per algorithm for the JVM's detected providers. */
    String selfTest(JWSAlgorithm alg) {
      return results.computeIfAbsent(alg, a -> {
        String failure = SignatureSelfTest.run(provider, a);
        return failure == null ? "" : failure;
      }).transform(s -> s.isEmpty() ? null : s);
    }
  }

  /** The native providers of the JVM's class path, looked for once. */
  private static final class Detected {
    static final List<Native> CANDIDATES = detect(SignatureVerifiers.class.getClassLoader());
  }

  static List<Native> detect(ClassLoader loader) {
    return List.of(accp(loader), conscrypt(loader));
  }

  private static Native accp(ClassLoader loader) {
    Class<?> type;
    try {
      type = Class.forName(ACCP_CLASS, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return new Native(null, "AmazonCorrettoCryptoProvider not on the class path");
    }
    try {
      Provider p = (Provider) type.getField("INSTANCE").get(null);
      Object error = type.getMethod("getLoadingError").invoke(p);
      if (error instanceof Throwable t) {
        return new Native(null, "AmazonCorrettoCryptoProvider did not load on this platform: " + t);
      }
      type.getMethod("assertHealthy").invoke(p);
      return new Native(p, "");
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
      return new Native(null, "AmazonCorrettoCryptoProvider not usable here: " + cause);
    }
  }

  private static Native conscrypt(ClassLoader loader) {
    Class<?> type;
    try {
      type = Class.forName(CONSCRYPT_CLASS, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return new Native(null, "Conscrypt not on the class path");
    }
    try {
      if (!(Boolean) type.getMethod("isAvailable").invoke(null)) {
        return new Native(null, "Conscrypt's native library did not load on this platform");
      }
      return new Native((Provider) type.getMethod("newProvider").invoke(null), "");
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
      return new Native(null, "Conscrypt not usable here: " + cause);
    }
  }

  /** The verifier of one key whose algorithms are verified by different providers. */
  private static final class Routing implements JWSVerifier {
    private final Map<JWSAlgorithm, JWSVerifier> byAlg;
    private final JCAContext jca = new JCAContext();

    Routing(Map<JWSAlgorithm, JWSVerifier> byAlg) {
      this.byAlg = Map.copyOf(byAlg);
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
      JWSVerifier v = byAlg.get(header.getAlgorithm());
      if (v == null) {
        throw new JOSEException("no verifier chosen for " + header.getAlgorithm());
      }
      return v.verify(header, signingInput, signature);
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return byAlg.keySet();
    }

    @Override
    public JCAContext getJCAContext() {
      return jca;
    }
  }
}
