package dev.zt.samples.gateway.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Logins started by {@code GET /login} and not yet finished at {@code /callback}: the {@code state}, {@code nonce}
 * and PKCE verifier of each, under the hash of the random id in the browser's login cookie. Bounded in count
 * (Caffeine, least valuable first) and in time (five minutes by default on the gateway's clock), so a flood of
 * anonymous {@code /login} requests costs a fixed amount of memory; each entry is taken once.
 */
final class PendingLogins {

  /** One login in flight. */
  record Pending(String state, String nonce, String verifier) {
    @Override
    public String toString() {
      return "Pending[redacted]";
    }
  }

  private final Cache<String, Pending> pending;

  PendingLogins(int maximum, Duration lifetime, Clock clock) {
    this.pending = Caffeine.newBuilder()
        .maximumSize(maximum)
        .expireAfterWrite(lifetime)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .executor(Runnable::run)
        .build();
  }

  /** Starts a login; the answer is the id the browser's login cookie carries. */
  String start(Pending login) {
    String id = Randoms.token();
    pending.put(Randoms.sha256(id), login);
    return id;
  }

  /** The login the cookie's {@code id} started, removed: a callback is answered once. */
  Optional<Pending> take(String id) {
    return Optional.ofNullable(pending.asMap().remove(Randoms.sha256(id)));
  }

  /** How many logins are pending now (after evictions due). */
  long size() {
    pending.cleanUp();
    return pending.estimatedSize();
  }
}
