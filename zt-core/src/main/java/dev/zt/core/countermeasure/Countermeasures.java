package dev.zt.core.countermeasure;

import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.credential.VerifiedCredential;
import dev.zt.core.internal.WindowCounter;
import dev.zt.core.internal.Expiring;
import dev.zt.core.internal.SourceKey;
import dev.zt.core.internal.pipeline.AuditSink;
import dev.zt.core.internal.pipeline.CountermeasureHooks;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.trust.TrustLevel;

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
 * {@link CountermeasurePolicy}; operators and other systems act through the same methods (every action is reversible and
 * audited), and {@link #accept(SecurityEvent)} takes CAEP-style events. All state is bounded and ends by itself.
 *
 * <p>One instance per enforcer: {@link Enforcer#responses()}. Thread-safe.
 *
 * @since 0.1
 */
public final class Countermeasures {

  /** An action in force. */
  public record Active(Countermeasure.Kind kind, String target, String rule, Instant until) {}

  private final Clock clock;
  private final CountermeasurePolicy policy;
  private final AuditSink audit;
  private final Duration criticalTtl;
  private final Expiring<String, String> suspendedSubjects;
  private final Expiring<String, String> suspendedTokens; // tokenKey (the jti) → subject + NUL + rule
  private final Expiring<String, Instant> revokedBefore;
  private final Expiring<String, String> blockedSources;   // address, or "net:" + network → rule
  private final Expiring<String, String> anonymousBlocked; // the same keys, for requests without a credential
  private final Expiring<String, String> throttled;
  private final Expiring<String, String> monitored;
  private final Expiring<String, String> critical;
  private final Expiring<String, TrustLevel> levelCaps;
  private final Cache<String, WindowCounter> attempts;

  private final CountermeasureHooks hooks = new CountermeasureHooks() {
    @Override
    public boolean isSuspended(VerifiedCredential token) {
      return Countermeasures.this.isSuspended(token);
    }

    @Override
    public boolean isBlocked(RequestState state) {
      return Countermeasures.this.isBlocked(state);
    }

    @Override
    public boolean isThrottled(String identity) {
      return Countermeasures.this.isThrottled(identity);
    }

    @Override
    public boolean isMonitored(String identity) {
      return Countermeasures.this.isMonitored(identity);
    }

    @Override
    public Optional<TrustLevel> levelCap(String subject) {
      return Countermeasures.this.levelCap(subject);
    }

    @Override
    public void onVerdict(Verdict verdict, String identity, Optional<? extends VerifiedCredential> token,
        Optional<InetAddress> source) {
      Countermeasures.this.onVerdict(verdict, identity, token, source);
    }

    @Override
    public void onContentVerdict(Verdict verdict, String identity, Optional<? extends VerifiedCredential> token,
        Optional<InetAddress> source) {
      Countermeasures.this.onContentVerdict(verdict, identity, token, source);
    }

    @Override
    public void onVerdict(Verdict verdict, CountermeasureHooks.Basis basis, String identity,
        Optional<? extends VerifiedCredential> token, Optional<SourceKey> source) {
      Countermeasures.this.onVerdict(verdict, basis, identity, token, source);
    }
  };

  Countermeasures(Clock clock, CountermeasurePolicy policy, AuditSink audit, Duration criticalTtl) {
    this.clock = clock;
    this.policy = policy;
    this.audit = audit;
    this.criticalTtl = criticalTtl;
    long max = policy.maxEntries();
    this.suspendedSubjects = new Expiring<>(clock, max);
    this.suspendedTokens = new Expiring<>(clock, max);
    this.revokedBefore = new Expiring<>(clock, max);
    this.blockedSources = new Expiring<>(clock, max);
    this.anonymousBlocked = new Expiring<>(clock, max);
    this.throttled = new Expiring<>(clock, max);
    this.monitored = new Expiring<>(clock, max);
    this.critical = new Expiring<>(clock, max);
    this.levelCaps = new Expiring<>(clock, max);
    this.attempts = Caffeine.newBuilder().maximumSize(max).expireAfterAccess(Duration.ofDays(1))
        .executor(Runnable::run).build();
  }

  /** What the gates and detectors ask of this engine. */
  CountermeasureHooks hooks() {
    return hooks;
  }

  // ---- what the gates ask

  /** Whether the caller's credential is suspended (its jti, its subject, or a revocation after it was issued). */
  boolean isSuspended(VerifiedCredential token) {
    if (suspendedTokens.isEmpty() && suspendedSubjects.isEmpty() && revokedBefore.isEmpty()) {
      return false;
    }
    if (!suspendedTokens.isEmpty() && suspendedTokens.contains(tokenKey(token))) {
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

  /**
   * Whether the exchange's client is blocked: its address (by an automated response or an operator), or — only
   * for a client automated responses may act on — its /24 · /64 network, or, for a request without a bearer
   * credential, an anonymous-only block of either.
   */
  boolean isBlocked(RequestState exchange) {
    if (blockedSources.isEmpty() && anonymousBlocked.isEmpty() || exchange.clientAddress().isEmpty()) {
      return false;
    }
    InetAddress a = exchange.clientAddress().get();
    String address = a.getHostAddress();
    if (blockedSources.contains(address)) {
      return true;
    }
    if (exchange.blockableSource().isEmpty()) {
      return false; // exempt, a proxy, or forwarding for others: never blocked by its network or anonymously
    }
    String network = SourceKey.networkKey(a);
    if (blockedSources.contains(network)) {
      return true;
    }
    return !anonymousBlocked.isEmpty() && !presentsBearer(exchange.request())
        && (anonymousBlocked.contains(address) || anonymousBlocked.contains(network));
  }

  /**
   * Whether the request presents a bearer credential (which the credential gate then verifies, refusing and counting
   * a bad one). Another scheme ({@code Basic}) goes on anonymously there, so it does not lift an anonymous block.
   */
  private static boolean presentsBearer(RequestContext request) {
    for (String v : request.headers().values("Authorization")) {
      String t = v.stripLeading();
      if (t.regionMatches(true, 0, "Bearer", 0, 6) && (t.length() == 6 || t.charAt(6) == ' ')) {
        return true;
      }
    }
    return false;
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
   * Takes a detector's verdict about an identity's behaviour: audits it, pins the subject at CRITICAL for HIGH and
   * CRITICAL severities, and fires the policy's actions whose attempt thresholds are reached.
   */
  void onVerdict(Verdict verdict, String identity, Optional<? extends VerifiedCredential> token, Optional<InetAddress> source) {
    onVerdict(verdict, CountermeasureHooks.Basis.BEHAVIOUR, identity, token, source.map(SourceKey::of));
  }

  /**
   * Takes a verdict about a request's content ({@link Basis#CONTENT}): audited and acted on per the policy, but the
   * subject's trust is not pinned, and a suspension reaches only the token that carried it.
   */
  void onContentVerdict(Verdict verdict, String identity, Optional<? extends VerifiedCredential> token,
      Optional<InetAddress> source) {
    onVerdict(verdict, CountermeasureHooks.Basis.CONTENT, identity, token, source.map(SourceKey::of));
  }

  void onVerdict(Verdict verdict, CountermeasureHooks.Basis basis, String identity, Optional<? extends VerifiedCredential> token,
      Optional<SourceKey> source) {
    audit.verdict(verdict, identity);
    if (token.isEmpty() && source.isEmpty() && identity.equals(RequestState.UNKNOWN)) {
      return; // nothing known to act on, and unknown clients share no state
    }
    if (basis == CountermeasureHooks.Basis.BEHAVIOUR && verdict.severity().compareTo(dev.zt.core.detect.Severity.HIGH) >= 0) {
      token.flatMap(VerifiedCredential::subject).ifPresent(sub -> pinCritical(sub, verdict.rule()));
    }
    // content verdicts count per token, so a victim's other tokens never add up towards a suspension
    String counted = basis == CountermeasureHooks.Basis.CONTENT && token.isPresent() ? "token:" + tokenKey(token.get()) : identity;
    for (CountermeasurePolicy.Entry entry : policy.entriesFor(verdict.rule())) {
      for (Countermeasure action : entry.actions()) {
        if (action.afterAttempts() > 1) {
          // counted per configured rule, so spreading probes over sqli.query, sqli.path, … does not dilute them
          WindowCounter counter = attempts.get(entry.rule() + '\u0000' + action.kind() + '\u0000' + counted,
              k -> new WindowCounter(action.window().toMillis(), clock.millis()));
          if (counter.add(clock.millis()) < action.afterAttempts()) {
            continue;
          }
          counter.reset();
        }
        apply(action, verdict, identity, token, source);
      }
    }
  }

  private void apply(Countermeasure action, Verdict verdict, String identity, Optional<? extends VerifiedCredential> token,
      Optional<SourceKey> source) {
    long until = clock.millis() + action.ttl().toMillis();
    String rule = verdict.rule();
    switch (action.kind()) {
      case SUSPEND_CREDENTIAL -> {
        if (token.isEmpty()) {
          return;
        }
        suspendedTokens.put(tokenKey(token.get()), token.get().subject().orElse("") + '\u0000' + rule, until);
        audit.action(action.kind(), describe(token.get()), rule, verdict.evidence(), action.ttl());
      }
      case THROTTLE -> {
        if (!identity.equals(RequestState.UNKNOWN)) {
          throttled.put(identity, rule, until);
          audit.action(action.kind(), identity, rule, verdict.evidence(), action.ttl());
        }
      }
      case ENHANCED_MONITORING -> {
        if (!identity.equals(RequestState.UNKNOWN)) {
          monitored.put(identity, rule, until);
          audit.action(action.kind(), identity, rule, verdict.evidence(), action.ttl());
        }
      }
      case BLOCK_SOURCE, BLOCK_ANONYMOUS -> {
        if (source.isEmpty() || !policy.mayBlock(source.get().address())) {
          audit.action(action.kind(), source.map(SourceKey::key).orElse("-") + " (exempt: not blocked)",
              rule, verdict.evidence(), Duration.ZERO);
          return;
        }
        (action.kind() == Countermeasure.Kind.BLOCK_SOURCE ? blockedSources : anonymousBlocked)
            .put(source.get().key(), rule, until);
        audit.action(action.kind(), source.get().key(), rule, verdict.evidence(), action.ttl());
      }
    }
  }

  /**
   * The key one token is suspended under: its {@code jti}; without one, its subject (or client), issue and expiry
   * times, which in practice name one token (two tokens for one subject minted in the same second with the same
   * expiry would share it).
   */
  static String tokenKey(VerifiedCredential token) {
    if (token.tokenId().isPresent()) {
      return token.tokenId().get();
    }
    return "(no-jti) " + token.subject().map(x -> "sub=" + x).or(() -> token.clientId().map(c -> "client=" + c))
        .orElse("-") + " iat=" + epochSeconds(token.issuedAt()) + " exp=" + token.expiresAt().getEpochSecond();
  }

  private static String epochSeconds(java.util.Optional<java.time.Instant> at) {
    return at.map(i -> Long.toString(i.getEpochSecond())).orElse("-");
  }

  private void pinCritical(String subject, String rule) {
    critical.put(subject, rule, clock.millis() + criticalTtl.toMillis());
  }

  private static String describe(VerifiedCredential token) {
    return "sub=" + token.subject().orElse("-") + " jti=" + token.tokenId().orElse("-")
        + (token.tokenId().isPresent() ? "" : " (no jti: this token by iat " + epochSeconds(token.issuedAt())
        + " and exp " + token.expiresAt().getEpochSecond() + ")");
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
        audit.action(Countermeasure.Kind.SUSPEND_CREDENTIAL, "sub=" + event.subject() + " (tokens issued up to "
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

  /**
   * Suspends every token of {@code subject} for {@code ttl}: for identity-based evidence (an operator's decision, an
   * identity provider's report), never for what one request contained — automated content verdicts suspend only
   * the token that carried them.
   */
  public void suspendSubject(String subject, Duration ttl, String reason) {
    suspendedSubjects.put(subject, reason, clock.millis() + ttl.toMillis());
    audit.action(Countermeasure.Kind.SUSPEND_CREDENTIAL, "sub=" + subject, "manual", reason, ttl);
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
    audit.action(Countermeasure.Kind.SUSPEND_CREDENTIAL, "jti=" + jti, "manual", reason, ttl);
  }

  /** Blocks {@code source} for {@code ttl} (even an address the policy exempts, since an operator asks). */
  public void blockSource(InetAddress source, Duration ttl, String reason) {
    blockedSources.put(source.getHostAddress(), reason, clock.millis() + ttl.toMillis());
    audit.action(Countermeasure.Kind.BLOCK_SOURCE, source.getHostAddress(), "manual", reason, ttl);
  }

  /** Unblocks {@code source} (a full or an anonymous-only block of that address); returns whether it was blocked. */
  public boolean unblockSource(InetAddress source) {
    boolean had = blockedSources.remove(source.getHostAddress()) | anonymousBlocked.remove(source.getHostAddress());
    audit.action(null, source.getHostAddress(), "manual", "block lifted", Duration.ZERO);
    return had;
  }

  /**
   * Unblocks the /24 (IPv4) or /64 (IPv6) network around {@code anyAddress} (shown by {@link #active()} as
   * {@code net:…}); returns whether it was blocked.
   *
   * @since 0.1
   */
  public boolean unblockNetwork(InetAddress anyAddress) {
    String key = SourceKey.networkKey(anyAddress);
    boolean had = blockedSources.remove(key) | anonymousBlocked.remove(key);
    audit.action(null, key, "manual", "block lifted", Duration.ZERO);
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
    add(out, Countermeasure.Kind.SUSPEND_CREDENTIAL, "sub=", suspendedSubjects.snapshot());
    add(out, Countermeasure.Kind.SUSPEND_CREDENTIAL, "jti=", suspendedTokens.snapshot());
    add(out, Countermeasure.Kind.BLOCK_SOURCE, "", blockedSources.snapshot());
    add(out, Countermeasure.Kind.BLOCK_ANONYMOUS, "", anonymousBlocked.snapshot());
    add(out, Countermeasure.Kind.THROTTLE, "", throttled.snapshot());
    add(out, Countermeasure.Kind.ENHANCED_MONITORING, "", monitored.snapshot());
    return out;
  }

  private static void add(List<Active> out, Countermeasure.Kind kind, String prefix,
      Map<String, Expiring.Timed<String>> entries) {
    entries.forEach((k, v) -> out.add(new Active(kind, prefix + k, v.value().substring(v.value().indexOf('\u0000') + 1),
        Instant.ofEpochMilli(v.untilMillis()))));
  }
}
