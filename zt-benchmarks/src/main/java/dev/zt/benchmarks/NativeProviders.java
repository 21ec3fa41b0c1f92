package dev.zt.benchmarks;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;
import org.conscrypt.Conscrypt;

/** The native JCA providers the issue-19 benchmarks and tests compare with the JDK's ({@code null}). */
final class NativeProviders {

  private NativeProviders() {}

  /** {@code "JDK"} gives {@code null} (Nimbus then uses the JDK's providers); the others load or throw. */
  static Provider named(String name) {
    return switch (name) {
      case "JDK" -> null;
      case "ACCP" -> {
        AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
        yield AmazonCorrettoCryptoProvider.INSTANCE;
      }
      case "Conscrypt" -> {
        if (!Conscrypt.isAvailable()) {
          throw new IllegalStateException("Conscrypt's native library did not load");
        }
        yield Conscrypt.newProvider();
      }
      default -> throw new IllegalArgumentException("unknown provider " + name);
    };
  }
}
