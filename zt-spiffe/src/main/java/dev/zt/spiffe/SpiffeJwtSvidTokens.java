package dev.zt.spiffe;

import dev.zt.core.credential.PeerVerifier;
import dev.zt.core.credential.WorkloadTokenVerifier;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * SPIFFE JWT-SVIDs as bearer credentials: zt's credential gate hands this verifier any bearer token that is not one
 * of the issuer's access tokens, and a valid JWT-SVID (per the JWT-SVID spec, checked by {@link JwtSvidVerifier}
 * against the JWT authorities of the subject's trust domain) authenticates its workload. Routes admit it only through
 * {@code Requirement.workload(…)}.
 *
 * <pre>{@code
 * Enforcer enforcer = Enforcer.builder()
 *     .bearerJwt(tokens)
 *     .workloadTokens(SpiffeJwtSvidTokens.of(
 *         JwtSvidVerifier.builder().audiences("orders-api").clock(clock).build(), () -> source.current().bundles()))
 *     .routes(RoutePolicy.builder()
 *         .get("/inventory", Requirement.workload("spiffe://example.org/ns/shop/sa/checkout"))
 *         .build())
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class SpiffeJwtSvidTokens implements WorkloadTokenVerifier {

  private final JwtSvidVerifier verifier;
  private final Supplier<TrustBundleSet> bundles;

  private SpiffeJwtSvidTokens(JwtSvidVerifier verifier, Supplier<TrustBundleSet> bundles) {
    this.verifier = verifier;
    this.bundles = bundles;
  }

  /** Verifies with {@code verifier} against the bundles {@code bundles} supplies, read per token (rotation applies). */
  public static SpiffeJwtSvidTokens of(JwtSvidVerifier verifier, Supplier<TrustBundleSet> bundles) {
    return new SpiffeJwtSvidTokens(Objects.requireNonNull(verifier, "verifier"), Objects.requireNonNull(bundles,
        "bundles"));
  }

  @Override
  public PeerVerifier.Result verify(String token) {
    TrustBundleSet set = bundles.get();
    if (set == null) {
      return new PeerVerifier.Rejected("no trust bundles");
    }
    JwtSvidResult r = verifier.verify(token, set);
    if (r instanceof JwtSvidResult.Verified v) {
      return new PeerVerifier.Verified(v.svid().spiffeId().toString());
    }
    JwtSvidResult.Rejected rejected = (JwtSvidResult.Rejected) r;
    return new PeerVerifier.Rejected("JWT-SVID " + rejected.rule() + ": " + rejected.detail());
  }
}
