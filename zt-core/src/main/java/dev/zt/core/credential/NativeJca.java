package dev.zt.core.credential;

import com.nimbusds.jose.JWSVerifier;
import java.security.Provider;
import java.util.Optional;

/**
 * Prototype (issue 19, not wired in yet): finds a native JCA provider for signature verification when one is on the
 * class path and its native library loaded on this platform — Amazon Corretto Crypto Provider first, then Conscrypt —
 * without a compile-time dependency on either. Only verification primitives are handed to it ({@link #apply}); when
 * none is usable the JDK's providers stay in place, so the fallback is the behaviour zt has today.
 */
final class NativeJca {

  private static final String ACCP = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
  private static final String CONSCRYPT = "org.conscrypt.Conscrypt";

  private NativeJca() {}

  /** The first usable native provider, from the given class loader; empty on any failure (fail back to the JDK). */
  static Optional<Provider> detect(ClassLoader loader) {
    return accp(loader).or(() -> conscrypt(loader));
  }

  /** Sets {@code provider} on the verifier's JCA context, if any; the verifier's checks are unchanged. */
  static JWSVerifier apply(JWSVerifier verifier, Optional<Provider> provider) {
    provider.ifPresent(p -> verifier.getJCAContext().setProvider(p));
    return verifier;
  }

  private static Optional<Provider> accp(ClassLoader loader) {
    try {
      Class<?> type = Class.forName(ACCP, true, loader);
      Provider p = (Provider) type.getField("INSTANCE").get(null);
      type.getMethod("assertHealthy").invoke(p);
      return Optional.of(p);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<Provider> conscrypt(ClassLoader loader) {
    try {
      Class<?> type = Class.forName(CONSCRYPT, true, loader);
      if (!(Boolean) type.getMethod("isAvailable").invoke(null)) {
        return Optional.empty();
      }
      return Optional.of((Provider) type.getMethod("newProvider").invoke(null));
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return Optional.empty();
    }
  }
}
