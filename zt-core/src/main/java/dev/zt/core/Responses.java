package dev.zt.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.zt.core.detect.Verdict;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The automated-response engine and its state: suspended credentials, blocked sources, throttled and monitored
 * identities, subjects pinned at CRITICAL. Detector verdicts arrive here and become actions per the
 * {@link ResponsePolicy}; operators and other systems act through the same methods (every action is reversible and
 * audited), and {@link #accept(SecurityEvent)} takes CAEP-style events. All state is bounded and ends by itself.
 *
 * <p>One instance per enforcer: {@link Enforcer#responses()}. Thread-safe.
 *
 * @since 0.1
 */
public final class Responses {

  /** An action in force. */
  public record Active(ResponseAction.Kind kind, String target, String rule, Instant until) {}

  private final Clock clock;
  private final ResponsePolicy policy;
  private final Audit audit;
  private final Duration criticalTtl;
  private final Expiring<String, String> suspendedSubjects;
  private final Expiring<String, String> suspendedTokens; // jti → subject + NUL + rule
  private final Expiring<String, Instant> revokedBefore;
  private final Expiring<String, String> blockedSources;
  private final Expiring<String, String> throttled;
  private final Expiring<String, String> monitored;
  private final Expiring<String, String> critical;
  private final Expiring<String, TrustLevel> levelCaps;
  private final Cache<String, WindowCounter> attempts;

  Responses(Clock clock, ResponsePolicy policy, Audit audit, Duration criticalTtl) {
    this.clock = clock;
    this.policy = policy;
    this.audit = audit;
    this.criticalTtl = criticalTtl;
    long max = policy.maxEntries();
    this.suspendedSubjects = new Expiring<>(clock, max);
    this.suspendedTokens = new Expiring<>(clock, max);
    this.revokedBefore = new Expiring<>(clock, max);
    this.blockedSources = new Expiring<>(clock, max);
    this.throttled = new Expiring<>(clock, max);
    this.monitored = new Expiring<>(clock, max);
    this.critical = new Expiring<>(clock, max);
    this.levelCaps = new Expiring<>(clock, max);
    this.attempts = Caffeine.newBuilder().maximumSize(max).expireAfterAccess(Duration.ofDays(1))
        .executor(Runnable::run).build();
  }

  // ---- what the gates ask

  /** Whether the caller's credential is suspended (its jti, its subject, or a revocation after it was issued). */
  boolean isSuspended(VerifiedJwt token) {
    if (suspendedTokens.isEmpty() && suspendedSubjects.isEmpty() && revokedBefore.isEmpty()) {
      return false;
    }
    if (token.tokenId().isPresent() && suspendedTokens.contains(token.tokenId().get())) {
      return true;
    }
    Optional<String> sub = token.subject();
    if (sub.isEmpty()) {
      return false;
    }
    if (suspendedSubjects.contains(sub.get())) {
      return true;
    }
    // a token without iat counts as issued before any revocation: zt never makes an iat up
    return revokedBefore.get(sub.get())
        .map(t -> token.issuedAt().map(iat -> !iat.isAfter(t.value())).orElse(true)).orElse(false);
  }

  boolean isBlocked(InetAddress source) {
    return !blockedSources.isEmpty() && blockedSources.contains(source.getHostAddress());
  }

  boolean isThrottled(String identity) {
    return throttled.contains(identity);
  }

  boolean isMonitored(String identity) {
    return monitored.contains(identity);
  }

  /** A cap on the subject's trust level (CRITICAL after a critical event), if any. */
  Optional<TrustLevel> levelCap(String subject) {
    if (critical.isEmpty() && levelCaps.isEmpty()) {
      return Optional.empty();
    }
    if (critical.contains(subject)) {
      return Optional.of(TrustLevel.CRITICAL);
    }
    return levelCaps.get(subject).map(Expiring.Timed::value);
  }

  // ---- verdicts

  /**
   * Takes a detector's verdict about a request: audits it, pins the subject at CRITICAL for HIGH and CRITICAL
   * severities, and fires the policy's actions whose attempt thresholds are reached.
   */
  void onVerdict(Verdict verdict, String identity, Optional<VerifiedJwt> token, Optional<InetAddress> source) {
    audit.verdict(verdict, identity);
    if (verdict.severity().compareTo(dev.zt.core.detect.Severity.HIGH) >= 0) {
      token.flatMap(VerifiedJwt::subject).ifPresent(sub -> pinCritical(sub, verdict.rule()));
    }
    for (ResponseAction action : policy.actionsFor(verdict.rule())) {
      if (action.afterAttempts() > 1) {
        WindowCounter counter = attempts.get(verdict.rule() + '\u0000' + action.kind() + '\u0000' + identity,
            k -> new WindowCounter(action.window().toMillis(), clock.millis()));
        if (counter.add(clock.millis()) < action.afterAttempts()) {
          continue;
        }
        counter.reset();
      }
      apply(action, verdict, identity, token, source);
    }
  }

  private void apply(ResponseAction action, Verdict verdict, String identity, Optional<VerifiedJwt> token,
      Optional<InetAddress> source) {
    long until = clock.millis() + action.ttl().toMillis();
    String rule = verdict.rule();
    switch (action.kind()) {
      case SUSPEND_CREDENTIAL -> {
        if (token.isEmpty()) {
          return;
        }
        token.get().tokenId().ifPresent(jti ->
            suspendedTokens.put(jti, token.get().subject().orElse("") + '\u0000' + rule, until));
        token.get().subject().ifPresent(sub -> {
          suspendedSubjects.put(sub, rule, until);
          pinCritical(sub, rule);
        });
        audit.action(action.kind(), describe(token.get()), rule, verdict.evidence(), action.ttl());
      }
      case THROTTLE -> {
        throttled.put(identity, rule, until);
        audit.action(action.kind(), identity, rule, verdict.evidence(), action.ttl());
      }
      case ENHANCED_MONITORING -> {
        monitored.put(identity, rule, until);
        audit.action(action.kind(), identity, rule, verdict.evidence(), action.ttl());
      }
      case BLOCK_SOURCE -> {
        if (source.isEmpty() || !policy.mayBlock(source.get())) {
          audit.action(action.kind(), source.map(InetAddress::getHostAddress).orElse("-") + " (exempt: not blocked)",
              rule, verdict.evidence(), Duration.ZERO);
          return;
        }
        blockedSources.put(source.get().getHostAddress(), rule, until);
        audit.action(action.kind(), source.get().getHostAddress(), rule, verdict.evidence(), action.ttl());
      }
    }
  }

  private void pinCritical(String subject, String rule) {
    critical.put(subject, rule, clock.millis() + criticalTtl.toMillis());
  }

  private static String describe(VerifiedJwt token) {
    return "sub=" + token.subject().orElse("-") + " jti=" + token.tokenId().orElse("-");
  }

  // ---- the operator's and integrators' API

  /** Takes a CAEP-style security event; access changes at once. */
  public void accept(SecurityEvent event) {
    Objects.requireNonNull(event, "event");
    String rule = "caep." + event.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    long day = clock.millis() + Duration.ofDays(1).toMillis();
    switch (event.type()) {
      case SESSION_REVOKED, CREDENTIAL_CHANGE -> {
        revokedBefore.put(event.subject(), event.eventTime(), day);
        pinCritical(event.subject(), rule);
        audit.action(ResponseAction.Kind.SUSPEND_CREDENTIAL, "sub=" + event.subject() + " (tokens issued up to "
            + event.eventTime() + ")", rule, "security event", Duration.ofDays(1));
      }
      case DEVICE_COMPLIANCE_CHANGE -> {
        if (event.compliant().orElse(false)) {
          critical.remove(event.subject());
          audit.action(null, "sub=" + event.subject(), rule, "device compliant again: CRITICAL lifted", Duration.ZERO);
        } else {
          pinCritical(event.subject(), rule);
          audit.action(null, "sub=" + event.subject(), rule, "device non-compliant: trust pinned at CRITICAL",
              criticalTtl);
        }
      }
      case ASSURANCE_LEVEL_CHANGE -> {
        TrustLevel level = event.level().orElseThrow(() -> new IllegalArgumentException("level required"));
        levelCaps.put(event.subject(), level, clock.millis() + criticalTtl.toMillis());
        audit.action(null, "sub=" + event.subject(), rule, "trust capped at " + level, criticalTtl);
      }
    }
  }

  /** Suspends every token of {@code subject} for {@code ttl}. */
  public void suspendSubject(String subject, Duration ttl, String reason) {
    suspendedSubjects.put(subject, reason, clock.millis() + ttl.toMillis());
    audit.action(ResponseAction.Kind.SUSPEND_CREDENTIAL, "sub=" + subject, "manual", reason, ttl);
  }

  /** Lifts a subject's suspension (and its CRITICAL pin); returns whether one was in force. */
  public boolean liftSuspension(String subject) {
    boolean had = suspendedSubjects.remove(subject) | revokedBefore.remove(subject);
    for (String jti : suspendedTokens.snapshot().entrySet().stream()
        .filter(e -> e.getValue().value().startsWith(subject + '\u0000')).map(Map.Entry::getKey).toList()) {
      had |= suspendedTokens.remove(jti);
    }
    critical.remove(subject);
    audit.action(null, "sub=" + subject, "manual", "suspension lifted", Duration.ZERO);
    return had;
  }

  /** Suspends one token by its {@code jti}. */
  public void suspendToken(String jti, Duration ttl, String reason) {
    suspendedTokens.put(jti, '\u0000' + reason, clock.millis() + ttl.toMillis());
    audit.action(ResponseAction.Kind.SUSPEND_CREDENTIAL, "jti=" + jti, "manual", reason, ttl);
  }

  /** Blocks {@code source} for {@code ttl} (even an address the policy exempts, since an operator asks). */
  public void blockSource(InetAddress source, Duration ttl, String reason) {
    blockedSources.put(source.getHostAddress(), reason, clock.millis() + ttl.toMillis());
    audit.action(ResponseAction.Kind.BLOCK_SOURCE, source.getHostAddress(), "manual", reason, ttl);
  }

  /** Unblocks {@code source}; returns whether it was blocked. */
  public boolean unblockSource(InetAddress source) {
    boolean had = blockedSources.remove(source.getHostAddress());
    audit.action(null, source.getHostAddress(), "manual", "block lifted", Duration.ZERO);
    return had;
  }

  /** Ends a throttle on {@code identity} (as the rate gate keys it: {@code sub:…}, {@code client:…}, {@code ip:…}). */
  public boolean unthrottle(String identity) {
    boolean had = throttled.remove(identity);
    audit.action(null, identity, "manual", "throttle lifted", Duration.ZERO);
    return had;
  }

  /** Ends enhanced monitoring of {@code identity}. */
  public boolean unmonitor(String identity) {
    boolean had = monitored.remove(identity);
    audit.action(null, identity, "manual", "monitoring lifted", Duration.ZERO);
    return had;
  }

  /** Every action in force now. */
  public List<Active> active() {
    List<Active> out = new ArrayList<>();
    add(out, ResponseAction.Kind.SUSPEND_CREDENTIAL, "sub=", suspendedSubjects.snapshot());
    add(out, ResponseAction.Kind.SUSPEND_CREDENTIAL, "jti=", suspendedTokens.snapshot());
    add(out, ResponseAction.Kind.BLOCK_SOURCE, "", blockedSources.snapshot());
    add(out, ResponseAction.Kind.THROTTLE, "", throttled.snapshot());
    add(out, ResponseAction.Kind.ENHANCED_MONITORING, "", monitored.snapshot());
    return out;
  }

  private static void add(List<Active> out, ResponseAction.Kind kind, String prefix,
      Map<String, Expiring.Timed<String>> entries) {
    entries.forEach((k, v) -> out.add(new Active(kind, prefix + k, v.value().substring(v.value().indexOf('\u0000') + 1),
        Instant.ofEpochMilli(v.untilMillis()))));
  }
}
