package dev.zt.spiffe.workload;

import dev.zt.spiffe.SpiffeId;

import java.util.Objects;
import java.util.Optional;

/**
 * A JWT-SVID as fetched from the Workload API for this workload, to be sent as a bearer credential. It is a secret:
 * no value equality, and {@link #toString()} shows only the SPIFFE ID.
 *
 * @since 0.1
 */
public final class JwtSvidToken {

  private final SpiffeId spiffeId;
  private final String token;
  private final String hint;

  JwtSvidToken(SpiffeId spiffeId, String token, String hint) {
    this.spiffeId = Objects.requireNonNull(spiffeId, "spiffeId");
    this.token = Objects.requireNonNull(token, "token");
    this.hint = hint == null ? "" : hint;
  }

  /** The workload the token names in {@code sub}. */
  public SpiffeId spiffeId() {
    return spiffeId;
  }

  /** The compact-serialized JWT. Do not log it. */
  public String token() {
    return token;
  }

  /** The operator's hint for this identity, if the endpoint sent one. */
  public Optional<String> hint() {
    return hint.isEmpty() ? Optional.empty() : Optional.of(hint);
  }

  @Override
  public String toString() {
    return "JwtSvidToken[" + spiffeId + ", token redacted]";
  }
}
