package dev.zt.core.credential;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What zt knows of one issuer's key source (its metadata and JWKS, fetched by zt), for a health endpoint: when a fetch
 * last succeeded and last failed, on the enforcer's clock. Read from state zt keeps; asking never fetches. Names the
 * issuer only (its {@code iss}), never the JWKS URL. A key source the application supplied
 * ({@link BearerJwt.Builder#keySource}) is not zt's to judge and has no entry.
 *
 * @param issuer the issuer ({@code iss}) whose keys these are
 * @param lastFetched when the issuer's keys were last fetched, if ever
 * @param lastFailed when a fetch last failed, if ever
 * @since 0.4
 */
public record KeySourceHealth(String issuer, Optional<Instant> lastFetched, Optional<Instant> lastFailed) {

  public KeySourceHealth {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(lastFetched, "lastFetched");
    Objects.requireNonNull(lastFailed, "lastFailed");
  }

  /** Whether the most recent fetch failed: tokens are checked against keys cached earlier, if there are any. */
  public boolean failing() {
    return lastFailed.isPresent() && (lastFetched.isEmpty() || !lastFailed.get().isBefore(lastFetched.get()));
  }

  /** Whether the keys were never fetched and the last try failed: every token of this issuer is refused (503). */
  public boolean unavailable() {
    return lastFetched.isEmpty() && lastFailed.isPresent();
  }
}
