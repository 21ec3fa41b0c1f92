package dev.zt.samples.gateway.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's sessions, server-side, under the SHA-256 of their cookie's id. Bounded in count (Caffeine) and in
 * time: a session ends {@code idle} after its last request and {@code absolute} after its login, whatever its
 * renewals; both on the gateway's clock.
 */
final class SessionStore {

  private final Cache<String, Session> sessions;
  private final Duration idle;
  private final Duration absolute;
  private final Clock clock;

  SessionStore(int maximum, Duration idle, Duration absolute, Clock clock) {
    this.idle = idle;
    this.absolute = absolute;
    this.clock = clock;
    this.sessions = Caffeine.newBuilder()
        .maximumSize(maximum)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .executor(Runnable::run)
        .expireAfter(new Expiry<String, Session>() {
          @Override
          public long expireAfterCreate(String key, Session s, long now) {
            return left(s, false).toNanos();
          }

          @Override
          public long expireAfterUpdate(String key, Session s, long now, long current) {
            return left(s, false).toNanos();
          }

          @Override
          public long expireAfterRead(String key, Session s, long now, long current) {
            return left(s, true).toNanos(); // a read is a request of the session: the idle timer restarts
          }
        })
        .build();
  }

  /** Keeps {@code session}; the answer is the id its cookie carries. */
  String add(Session session) {
    String id = Randoms.token();
    sessions.put(Randoms.sha256(id), session);
    return id;
  }

  /** The live session of cookie id {@code id}, marked as seen now; empty when unknown, ended or timed out. */
  Optional<Session> find(String id) {
    String key = Randoms.sha256(id);
    Session s = sessions.getIfPresent(key);
    if (s == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (s.ended() || !now.isBefore(s.created().plus(absolute)) || !now.isBefore(s.lastSeen().plus(idle))) {
      sessions.invalidate(key);
      return Optional.empty();
    }
    s.seen(now);
    return Optional.of(s);
  }

  /** Ends the session of cookie id {@code id}, if any. */
  void remove(String id) {
    Session s = sessions.asMap().remove(Randoms.sha256(id));
    if (s != null) {
      s.end();
    }
  }

  /** How many sessions are kept now (after evictions due). */
  long size() {
    sessions.cleanUp();
    return sessions.estimatedSize();
  }

  private Duration left(Session s, boolean seenNow) {
    Instant now = clock.instant();
    Duration toIdle = seenNow ? idle : Duration.between(now, s.lastSeen().plus(idle));
    Duration toAbsolute = Duration.between(now, s.created().plus(absolute));
    Duration d = toIdle.compareTo(toAbsolute) < 0 ? toIdle : toAbsolute;
    return d.isNegative() ? Duration.ZERO : d;
  }
}
