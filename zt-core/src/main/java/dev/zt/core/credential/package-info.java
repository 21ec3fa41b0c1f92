/**
 * Credentials: how a request's bearer token or mTLS peer is verified before anything else is decided.
 * {@link dev.zt.core.credential.BearerJwt} configures JWT access tokens of one issuer, or of the tenants of a
 * multi-tenant one (keys from its JWKS, rotated and cached; audience, algorithms, lifetimes, validation budgets; a token
 * bound to a client certificate, RFC 8705, is honoured only with it), {@link dev.zt.core.credential.PeerVerifier}
 * verifies an mTLS peer's chain (zt-spiffe provides the SPIFFE one), and
 * {@link dev.zt.core.credential.WorkloadTokenVerifier} accepts workload tokens such as JWT-SVIDs, and
 * {@link dev.zt.core.credential.Introspection} (given to an issuer's {@code BearerJwt}) asks the issuer about opaque
 * tokens (RFC 7662). A verified token is a {@link dev.zt.core.credential.VerifiedCredential}: a
 * {@link dev.zt.core.credential.VerifiedJwt} or an {@link dev.zt.core.credential.IntrospectedToken}. The gates that
 * use them are package-private.
 *
 * <pre>{@code
 * BearerJwt tokens = BearerJwt.issuer("https://idp.example.com")
 *     .audience("orders-api")
 *     .algorithms("RS256", "ES256")
 *     .maxTokenLifetime(Duration.ofHours(1))
 *     .build();
 * }</pre>
 */
package dev.zt.core.credential;
