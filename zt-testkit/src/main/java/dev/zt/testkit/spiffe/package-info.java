/**
 * A SPIFFE test authority: trust domains with root and intermediate CAs, good and deliberately broken X.509-SVIDs,
 * JWT-SVIDs, bundles in SPIFFE JSON and PEM, and {@code SSLContext}s for test clients.
 *
 * @since 0.1
 */
package dev.zt.testkit.spiffe;
