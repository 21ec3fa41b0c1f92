/**
 * Countermeasures: what zt does about a verdict — suspend the credential, throttle or monitor the identity, block
 * the source — per a {@link dev.zt.core.countermeasure.CountermeasurePolicy}, each a
 * {@link dev.zt.core.countermeasure.Countermeasure} with a time to live. Operators and other systems act on the same
 * state through {@link dev.zt.core.countermeasure.Countermeasures} (every action reversible and audited), and
 * CAEP-style
 * {@link dev.zt.core.countermeasure.SecurityEvent}s end sessions or pin trust.
 *
 * <pre>{@code
 * CountermeasurePolicy policy = CountermeasurePolicy.builder()
 *     .on("sqli.*", Countermeasure.suspendCredential(Duration.ofMinutes(15)))
 *     .on("stuffing.*", Countermeasure.blockSource(Duration.ofMinutes(15)))
 *     .build();
 * Enforcer enforcer = Enforcer.builder()
 *     .bearerJwt(tokens)
 *     .routes(routes)
 *     .countermeasures(policy)
 *     .build();
 * enforcer.countermeasures().accept(SecurityEvent.sessionRevoked("alice", Instant.now()));
 * }</pre>
 */
package dev.zt.core.countermeasure;
