package dev.zt.policy;

import dev.zt.core.trust.TrustContext;
import dev.zt.core.trust.TrustSignal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What only code can supply, by the name a policy file uses for it: trust signals ({@code trust.signals[].extension})
 * and country resolvers ({@code trust.country_from}), e.g. a device-posture lookup in an MDM or a geo-IP database. A
 * file naming an extension that is not registered is refused.
 *
 * @since 0.3
 */
public final class PolicyExtensions {

  private static final PolicyExtensions NONE = new PolicyExtensions(Map.of(), Map.of());

  private final Map<String, TrustSignal> signals;
  private final Map<String, Function<TrustContext, Optional<String>>> countryResolvers;

  private PolicyExtensions(Map<String, TrustSignal> signals,
      Map<String, Function<TrustContext, Optional<String>>> countryResolvers) {
    this.signals = Map.copyOf(signals);
    this.countryResolvers = Map.copyOf(countryResolvers);
  }

  /** No extensions: a file naming one is refused. */
  public static PolicyExtensions none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  Optional<TrustSignal> signal(String name) {
    return Optional.ofNullable(signals.get(name));
  }

  Optional<Function<TrustContext, Optional<String>>> countryResolver(String name) {
    return Optional.ofNullable(countryResolvers.get(name));
  }

  @Override
  public String toString() {
    return "PolicyExtensions[signals=" + signals.keySet() + ", countryResolvers=" + countryResolvers.keySet() + "]";
  }

  /** Names to code; each name once. */
  public static final class Builder {
    private final Map<String, TrustSignal> signals = new LinkedHashMap<>();
    private final Map<String, Function<TrustContext, Optional<String>>> countryResolvers = new LinkedHashMap<>();

    private Builder() {}

    /** The trust signal a file names as {@code extension: name}. */
    public Builder signal(String name, TrustSignal signal) {
      checkName(name);
      Objects.requireNonNull(signal, "signal");
      if (signals.putIfAbsent(name, signal) != null) {
        throw new IllegalStateException("signal '" + name + "' was already registered");
      }
      return this;
    }

    /** The country resolver a file names as {@code country_from: name} (ISO 3166-1 alpha-2 codes). */
    public Builder countryResolver(String name, Function<TrustContext, Optional<String>> resolver) {
      checkName(name);
      Objects.requireNonNull(resolver, "resolver");
      if (countryResolvers.putIfAbsent(name, resolver) != null) {
        throw new IllegalStateException("country resolver '" + name + "' was already registered");
      }
      return this;
    }

    public PolicyExtensions build() {
      return new PolicyExtensions(signals, countryResolvers);
    }

    private static void checkName(String name) {
      if (name == null || !name.matches("[a-z][a-z0-9-]{0,63}")) {
        throw new IllegalArgumentException("an extension name is 1–64 of a-z 0-9 '-', starting with a letter: "
            + name);
      }
    }
  }
}
