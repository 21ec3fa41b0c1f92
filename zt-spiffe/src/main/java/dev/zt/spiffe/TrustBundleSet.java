package dev.zt.spiffe;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The trust bundles of several trust domains: one's own and the federated ones (SPIFFE Trust Domain and Bundle §3,
 * §5). An SVID is only ever checked against the bundle of its own trust domain; a trust domain without a bundle,
 * or with an empty one, is trusted for nothing. Immutable.
 *
 * @since 0.1
 */
public final class TrustBundleSet {

  private static final TrustBundleSet EMPTY = new TrustBundleSet(Map.of());

  private final Map<TrustDomain, TrustBundle> bundles;

  private TrustBundleSet(Map<TrustDomain, TrustBundle> bundles) {
    this.bundles = Collections.unmodifiableMap(new TreeMap<>(bundles));
  }

  /** A set that trusts nothing. */
  public static TrustBundleSet empty() {
    return EMPTY;
  }

  /**
   * The set of {@code bundles}.
   *
   * @throws IllegalArgumentException when two bundles are for the same trust domain
   */
  public static TrustBundleSet of(TrustBundle... bundles) {
    return of(List.of(bundles));
  }

  /**
   * The set of {@code bundles}.
   *
   * @throws IllegalArgumentException when two bundles are for the same trust domain
   */
  public static TrustBundleSet of(Collection<TrustBundle> bundles) {
    Map<TrustDomain, TrustBundle> map = new TreeMap<>();
    for (TrustBundle b : bundles) {
      Objects.requireNonNull(b, "bundle");
      if (map.putIfAbsent(b.trustDomain(), b) != null) {
        throw new IllegalArgumentException("two bundles for trust domain " + b.trustDomain());
      }
    }
    return new TrustBundleSet(map);
  }

  /** A copy with {@code bundle} added or replacing the one of its trust domain. */
  public TrustBundleSet with(TrustBundle bundle) {
    Map<TrustDomain, TrustBundle> map = new TreeMap<>(bundles);
    map.put(bundle.trustDomain(), bundle);
    return new TrustBundleSet(map);
  }

  /** The bundle of {@code trustDomain}, if there is one. */
  public Optional<TrustBundle> bundleFor(TrustDomain trustDomain) {
    return Optional.ofNullable(bundles.get(trustDomain));
  }

  /** The trust domains that have a bundle. */
  public Set<TrustDomain> trustDomains() {
    return bundles.keySet();
  }

  @Override
  public String toString() {
    return "TrustBundleSet" + bundles.values();
  }
}
