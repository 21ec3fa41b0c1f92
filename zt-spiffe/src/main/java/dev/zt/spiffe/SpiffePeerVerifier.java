package dev.zt.spiffe;

import dev.zt.core.credential.PeerVerifier;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * zt-core's {@link PeerVerifier} for X.509-SVIDs: verifies the mTLS peer's chain on every request with
 * {@link X509SvidVerifier} (X509-SVID §5) against the current bundles, and names the workload by its SPIFFE ID.
 * Per request, not only in the handshake: JSSE does not run the trust manager again on session resumption, and the
 * bundles may have rotated since (an {@link X509Source} is read afresh each time).
 *
 * <pre>{@code
 * Enforcer enforcer = Enforcer.builder()
 *     .bearerJwt(tokens)
 *     .peerVerifier(SpiffePeerVerifier.of(source, Clock.systemUTC())) // source: the rotating X509Source
 *     .routes(routes)
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class SpiffePeerVerifier implements PeerVerifier {

  private final X509SvidVerifier verifier;
  private final Supplier<TrustBundleSet> bundles;

  private SpiffePeerVerifier(X509SvidVerifier verifier, Supplier<TrustBundleSet> bundles) {
    this.verifier = verifier;
    this.bundles = bundles;
  }

  /** Verifies against the bundles of {@code source}'s current snapshot, read per request (rotation applies at once). */
  public static SpiffePeerVerifier of(X509Source source, Clock clock) {
    Objects.requireNonNull(source, "source");
    return new SpiffePeerVerifier(X509SvidVerifier.create(clock), () -> source.current().bundles());
  }

  /** Verifies against fixed {@code bundles}. */
  public static SpiffePeerVerifier of(TrustBundleSet bundles, Clock clock) {
    Objects.requireNonNull(bundles, "bundles");
    return new SpiffePeerVerifier(X509SvidVerifier.create(clock), () -> bundles);
  }

  @Override
  public Result verify(List<X509Certificate> chain) {
    X509SvidResult result = verifier.verify(chain, bundles.get());
    if (result instanceof X509SvidResult.Verified v) {
      return new Verified(v.svid().spiffeId().toString());
    }
    X509SvidResult.Rejected r = (X509SvidResult.Rejected) result;
    return new Rejected(r.rule() + ": " + r.detail());
  }

  @Override
  public String toString() {
    return "SpiffePeerVerifier";
  }
}
