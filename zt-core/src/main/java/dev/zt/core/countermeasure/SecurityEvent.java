package dev.zt.core.countermeasure;

import dev.zt.core.trust.TrustLevel;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A security event about a subject, from outside the request path: an identity provider, an MDM, an SSF transmitter.
 * The types follow the OpenID CAEP event types; feed them with {@link Countermeasures#accept(SecurityEvent)} and access
 * ends at once, though the subject's tokens are still valid.
 *
 * @param type the CAEP event type
 * @param subject the {@code sub} it concerns
 * @param eventTime when it happened (tokens issued at or before it are affected by revocations)
 * @param compliant for device compliance changes: whether the device is now compliant
 * @param level for assurance level changes: the new level
 * @since 0.1
 */
public record SecurityEvent(Type type, String subject, Instant eventTime, Optional<Boolean> compliant,
    Optional<TrustLevel> level) {

  /** The CAEP event types zt acts on. */
  public enum Type {
    /** {@code session-revoked}: the subject's tokens issued up to now are refused. */
    SESSION_REVOKED,
    /** {@code credential-change}: likewise (a password reset, a lost key). */
    CREDENTIAL_CHANGE,
    /** {@code assurance-level-change}: the subject's trust is capped at the new level for a while. */
    ASSURANCE_LEVEL_CHANGE,
    /** {@code device-compliance-change}: non-compliant pins the subject at CRITICAL; compliant lifts that. */
    DEVICE_COMPLIANCE_CHANGE
  }

  public SecurityEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(eventTime, "eventTime");
    Objects.requireNonNull(compliant, "compliant");
    Objects.requireNonNull(level, "level");
  }

  public static SecurityEvent sessionRevoked(String subject, Instant at) {
    return new SecurityEvent(Type.SESSION_REVOKED, subject, at, Optional.empty(), Optional.empty());
  }

  public static SecurityEvent credentialChange(String subject, Instant at) {
    return new SecurityEvent(Type.CREDENTIAL_CHANGE, subject, at, Optional.empty(), Optional.empty());
  }

  public static SecurityEvent deviceComplianceChange(String subject, boolean compliant, Instant at) {
    return new SecurityEvent(Type.DEVICE_COMPLIANCE_CHANGE, subject, at, Optional.of(compliant), Optional.empty());
  }

  public static SecurityEvent assuranceLevelChange(String subject, TrustLevel level, Instant at) {
    return new SecurityEvent(Type.ASSURANCE_LEVEL_CHANGE, subject, at, Optional.empty(), Optional.of(level));
  }
}
