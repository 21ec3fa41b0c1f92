/**
 * Continuous verification: every request's trust is scored from {@link dev.zt.core.trust.TrustSignal}s (token age,
 * authentication strength, channel, behaviour, and yours) into a {@link dev.zt.core.trust.TrustLevel}, which a
 * route's {@link dev.zt.core.policy.Requirement#minimumTrust} holds against, asking for step-up (RFC 9470) or
 * refusing. {@link dev.zt.core.trust.TrustPolicy} configures the signals, weights and cut points.
 *
 * <pre>{@code
 * TrustPolicy trust = TrustPolicy.builder()
 *     .signal("device", 2.0, ctx -> devicePosture(ctx))
 *     .tokenAge(1.0).authenticationStrength(1.0).channel(0.5).behaviour(1.0)
 *     .build();
 * }</pre>
 */
package dev.zt.core.trust;
