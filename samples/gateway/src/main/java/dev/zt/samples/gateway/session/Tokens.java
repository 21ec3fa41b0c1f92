package dev.zt.samples.gateway.session;

import java.time.Instant;
import java.util.Optional;

/**
 * A session's tokens as the token endpoint last answered them: the access token, when it ends (on the gateway's
 * clock, from {@code expires_in}), and the refresh token if one was issued. Kept server-side only; printed redacted.
 */
record Tokens(String accessToken, Instant accessExpiresAt, Optional<String> refreshToken) {

  /** These tokens after a refresh answered {@code next}: a refresh response without a refresh token keeps ours. */
  Tokens renewedBy(Tokens next) {
    return next.refreshToken.isPresent() ? next : new Tokens(next.accessToken, next.accessExpiresAt, refreshToken);
  }

  @Override
  public String toString() {
    return "Tokens[access=redacted, accessExpiresAt=" + accessExpiresAt + ", refresh="
        + (refreshToken.isPresent() ? "redacted" : "none") + "]";
  }
}
