package dev.zt.core.internal.pipeline;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * How a feature package puts its gates and steps into an enforcer while they stay package-private: each public
 * configuration type ({@code BearerJwt}, {@code RoutePolicy}, {@code TrustPolicy}, {@code RatePolicy},
 * {@code Detection}, {@code CountermeasurePolicy}) registers an {@link Installer} from its static initializer, and the
 * enforcer hands each configuration it was given to {@link #install}. A configuration instance exists only once its
 * class was initialized, so its installer is always registered by then.
 *
 * <p>A new feature (opaque tokens, DPoP, an external PDP, token exchange) is a new configuration type with an installer
 * that adds its gates at the {@link Assembly.Stage stage} they belong to: no edit of the enforcer's pipeline.
 */
public final class Features {

  /** Adds a configuration's gates and steps to an enforcer being built. */
  @FunctionalInterface
  public interface Installer<C> {
    void install(C config, Assembly assembly);
  }

  private static final ConcurrentMap<Class<?>, Installer<?>> INSTALLERS = new ConcurrentHashMap<>();

  private Features() {}

  /**
   * Registers the installer of configuration type {@code type}, once; called from {@code type}'s static initializer,
   * so the installer must be declared in {@code type}'s package.
   */
  public static <C> void register(Class<C> type, Installer<C> installer) {
    if (!installer.getClass().getPackageName().equals(type.getPackageName())) {
      throw new IllegalArgumentException("an installer is declared in its configuration's package");
    }
    if (INSTALLERS.putIfAbsent(type, installer) != null) {
      throw new IllegalStateException(type.getName() + " has an installer already");
    }
  }

  /** Adds {@code config}'s gates and steps to {@code assembly}. */
  @SuppressWarnings("unchecked")
  public static <C> void install(C config, Assembly assembly) {
    Installer<C> installer = (Installer<C>) INSTALLERS.get(config.getClass());
    if (installer == null) {
      throw new IllegalStateException("no installer for " + config.getClass().getName());
    }
    installer.install(config, assembly);
  }
}
