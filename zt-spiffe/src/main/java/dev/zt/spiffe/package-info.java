/**
 * SPIFFE workload identity for zt: {@link dev.zt.spiffe.SpiffeId} and {@link dev.zt.spiffe.TrustDomain} (SPIFFE-ID
 * §2), trust bundles (SPIFFE Trust Domain and Bundle §4), X.509-SVID verification (X509-SVID §5), JWT-SVID
 * verification (JWT-SVID §2–§4), and SPIFFE-aware TLS key and trust managers over a rotating
 * {@link dev.zt.spiffe.X509Source}. JDK crypto and Nimbus JOSE only; the Workload API client lives in a separate
 * module so this one needs no gRPC.
 *
 * @since 0.1
 */
package dev.zt.spiffe;
