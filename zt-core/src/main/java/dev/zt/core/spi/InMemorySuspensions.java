package dev.zt.core.spi;

import dev.zt.core.internal.Expiring;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Suspensions in bounded maps whose entries end on the enforcer's clock. */
final class InMemorySuspensions implements Suspensions {

  private record Revocation(Instant upTo, String rule) {}

  private final Clock clock;
  private final Expiring<String, String> subjects;
  private final Expiring<String, String> tokens; // token key → subject + NUL + rule
  private final Expiring<String, Revocation> revoked;

  InMemorySuspensions(StoreSettings settings) {
    this.clock = settings.clock();
    this.subjects = new Expiring<>(clock, settings.maxEntries());
    this.tokens = new Expiring<>(clock, settings.maxEntries());
    this.revoked = new Expiring<>(clock, settings.maxEntries());
  }

  @Override
  public boolean isEmpty() {
    return tokens.isEmpty() && subjects.isEmpty() && revoked.isEmpty();
  }

  @Override
  public Presence check(String tokenKey, Optional<String> subject, Optional<Instant> issuedAt) {
    if (isEmpty()) {
      return Presence.ABSENT;
    }
    if (!tokens.isEmpty() && tokens.contains(tokenKey)) {
      return Presence.PRESENT;
    }
    if (subject.isEmpty()) {
      return Presence.ABSENT;
    }
    if (subjects.contains(subject.get())) {
      return Presence.PRESENT;
    }
    // a token without iat counts as issued before any revocation: zt never makes an iat up
    boolean before = !revoked.isEmpty() && revoked.get(subject.get())
        .map(t -> issuedAt.map(iat -> !iat.isAfter(t.value().upTo())).orElse(true)).orElse(false);
    return before ? Presence.PRESENT : Presence.ABSENT;
  }

  @Override
  public void suspendToken(String tokenKey, Optional<String> subject, String rule, Duration ttl) {
    tokens.put(tokenKey, subject.orElse("") + '\u0000' + rule, Timed.until(clock, ttl));
  }

  @Override
  public void suspendSubject(String subject, String rule, Duration ttl) {
    subjects.put(subject, rule, Timed.until(clock, ttl));
  }

  @Override
  public void revokeIssuedUpTo(String subject, Instant issuedUpTo, String rule, Duration ttl) {
    revoked.put(subject, new Revocation(issuedUpTo, rule), Timed.until(clock, ttl));
  }

  @Override
  public boolean lift(String subject) {
    boolean had = subjects.remove(subject) | revoked.remove(subject);
    for (String key : tokens.snapshot().entrySet().stream()
        .filter(e -> e.getValue().value().startsWith(subject + '\u0000')).map(Map.Entry::getKey).toList()) {
      had |= tokens.remove(key);
    }
    return had;
  }

  @Override
  public List<Entry> subjects() {
    return Timed.entries(subjects, r -> r);
  }

  @Override
  public List<Entry> tokens() {
    return Timed.entries(tokens, v -> v.substring(v.indexOf('\u0000') + 1));
  }
}
