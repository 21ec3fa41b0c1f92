package dev.zt.core.countermeasure;

import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.credential.VerifiedCredential;
import dev.zt.core.internal.SourceKey;
import dev.zt.core.internal.pipeline.AuditSink;
import dev.zt.core.internal.pipeline.CountermeasureHooks;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.trust.TrustLevel;

import dev.zt.core.detect.Verdict;
import dev.zt.core.spi.Entry;
import dev.zt.core.spi.IdentityFlags;
import dev.zt.core.spi.Presence;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.spi.SlidingCounters;
import dev.zt.core.spi.SourceBlocks;
import dev.zt.core.spi.StoreSettings;
import dev.zt.core.spi.Suspensions;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The automated-response engine and its state: suspended credentials, blocked sources, throttled and monitored
 * identities, subjects pinned at CRITICAL. Detector verdicts arrive here and become actions per the
 * {@link CountermeasurePolicy}; operators and other systems act through the same methods (every action is reversible
 * and
 * audited), and {@link #accept(SecurityEvent)} takes CAEP-style events. All state is bounded and ends by itself, and
 * lives in the enforcer's {@link SecurityState} (in memory by default; shared by a fleet through another store).
 *
 * <p>When the state cannot answer, the gates take the strict reading: a credential whose suspension cannot be checked
 * and a client whose block cannot be checked are refused ({@code STATE_UNAVAILABLE}, 503), an identity whose flags
 * cannot be read is treated as throttled and monitored, a subject whose cap cannot be read as CRITICAL.
 *
 * <p>One instance per enforcer: {@link Enforcer#countermeasures()}. Thread-safe.
 *
 * @since 0.1
 */
public final class Countermeasures {

  private static final Logger LOG = LoggerFactory.getLogger(Countermeasures.class);

  /** An action in force. */
  public record Active(Countermeasure.Kind kind, String target, String rule, Instant until) {}

  private final CountermeasurePolicy policy;
  private final AuditSink audit;
  private final Duration criticalTtl;
  private final Suspensions suspensions;
  private final SourceBlocks blocks;
  private final IdentityFlags flags;
  private final SlidingCounters attempts;

  private final CountermeasureHooks hooks = new CountermeasureHooks() {
    @Override
    public Presence suspension(VerifiedCredential token) {
      return Countermeasures.this.suspension(token);
    }

    @Override
    public Presence blocked(RequestState state) {
      return Countermeasures.this.blocked(state);
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

  Countermeasures(Clock clock, CountermeasurePolicy policy, AuditSink audit, Duration criticalTtl,
      SecurityState state) {
    this.policy = policy;
    this.audit = audit;
    this.criticalTtl = criticalTtl;
    StoreSettings settings = new StoreSettings(clock, policy.maxEntries());
    this.suspensions = Objects.requireNonNull(state.suspensions(settings), "suspensions");
    this.blocks = Objects.requireNonNull(state.sourceBlocks(settings), "sourceBlocks");
    this.flags = Objects.requireNonNull(state.identityFlags(settings), "identityFlags");
    this.attempts = Objects.requireNonNull(state.slidingCounters("countermeasure.attempts", settings),
        "slidingCounters");
  }

  /** What the gates and detectors ask of this engine. */
  CountermeasureHooks hooks() {
    return hooks;
  }

  // ---- what the gates ask (a store that fails is answered strictly)

  /**
   * Whether the caller's credential is suspended (its jti, its subject, or a revocation after it was issued);
   * {@link Presence#UNAVAILABLE} when the store cannot tell.
   */
  Presence suspension(VerifiedCredential token) {
    try {
      if (suspensions.isEmpty()) {
        return Presence.ABSENT;
      }
      return Objects.requireNonNull(suspensions.check(tokenKey(token), token.subject(), token.issuedAt()), "check");
    } catch (RuntimeException e) {
      LOG.error("zt suspension check failed; refusing the credential", e);
      return Presence.UNAVAILABLE;
    }
  }

  /**
   * Whether the exchange's client is blocked: its address (by an automated response or an operator), or — only
   * for a client automated responses may act on — its /24 · /64 network, or, for a request without a bearer
   * credential, an anonymous-only block of either; {@link Presence#UNAVAILABLE} when the store cannot tell.
   */
  Presence blocked(RequestState exchange) {
    if (exchange.clientAddress().isEmpty()) {
      return Presence.ABSENT;
    }
    try {
      if (blocks.isEmpty()) {
        return Presence.ABSENT;
      }
      InetAddress a = exchange.clientAddress().get();
      // exempt, a proxy, or forwarding for others: never blocked by its network or anonymously
      Optional<String> network = exchange.blockableSource().isEmpty() ? Optional.empty()
          : Optional.of(SourceKey.networkKey(a));
      return Objects.requireNonNull(blocks.check(a.getHostAddress(), network,
          network.isPresent() && !presentsBearer(exchange.request())), "check");
    } catch (RuntimeException e) {
      LOG.error("zt source block check failed; refusing the request", e);
      return Presence.UNAVAILABLE;
    }
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
    return flag(IdentityFlags.Flag.THROTTLED, identity);
  }

  boolean isMonitored(String identity) {
    return flag(IdentityFlags.Flag.MONITORED, identity);
  }

  private boolean flag(IdentityFlags.Flag flag, String key) {
    try {
      return !flags.isEmpty(flag) && flags.check(flag, key).presentOrUnknown();
    } catch (RuntimeException e) {
      LOG.error("zt identity flag check failed; taking it as set: {}", flag, e);
      return true;
    }
  }

  /** A cap on the subject's trust level (CRITICAL after a critical event, or when the store cannot tell), if any. */
  Optional<TrustLevel> levelCap(String subject) {
    if (flag(IdentityFlags.Flag.CRITICAL, subject)) {
      return Optional.of(TrustLevel.CRITICAL);
    }
    TrustLevel cap;
    try {
      cap = Objects.requireNonNull(flags.levelCap(subject), "levelCap");
    } catch (RuntimeException e) {
      LOG.error("zt trust cap check failed; capping at CRITICAL", e);
      cap = TrustLevel.CRITICAL;
    }
    return cap == TrustLevel.HIGH ? Optional.empty() : Optional.of(cap);
  }

  // ---- verdicts

  /**
   * Takes a detector's verdict about an identity's behaviour: audits it, pins the subject at CRITICAL for HIGH and
   * CRITICAL severities, and fires the policy's actions whose attempt thresholds are reached.
   */
  void onVerdict(Verdict verdict, String identity, Optional<? extends VerifiedCredential> token,
      Optional<InetAddress> source) {
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

  /**
   * A verdict on {@code basis}. A store that fails while an action is counted or taken is logged and the other
   * actions still run: a verdict never changes the answer the request it came from already has.
   */
  void onVerdict(Verdict verdict, CountermeasureHooks.Basis basis, String identity,
      Optional<? extends VerifiedCredential> token,
      Optional<SourceKey> source) {
    audit.verdict(verdict, identity);
    if (token.isEmpty() && source.isEmpty() && identity.equals(RequestState.UNKNOWN)) {
      return; // nothing known to act on, and unknown clients share no state
    }
    if (basis == CountermeasureHooks.Basis.BEHAVIOUR
        && verdict.severity().compareTo(dev.zt.core.detect.Severity.HIGH) >= 0) {
      token.flatMap(VerifiedCredential::subject).ifPresent(sub -> guarded(() -> pinCritical(sub, verdict.rule())));
    }
    // content verdicts count per token, so a victim's other tokens never add up towards a suspension
    String counted = basis == CountermeasureHooks.Basis.CONTENT && token.isPresent()
        ? "token:" + tokenKey(token.get()) : identity;
    for (CountermeasurePolicy.Entry entry : policy.entriesFor(verdict.rule())) {
      for (Countermeasure action : entry.actions()) {
        guarded(() -> {
          if (action.afterAttempts() > 1) {
            // counted per configured rule, so spreading probes over sqli.query, sqli.path, … does not dilute them
            String key = entry.rule() + '\u0000' + action.kind() + '\u0000' + counted;
            if (attempts.add(key, action.window()) < action.afterAttempts()) {
              return;
            }
            attempts.reset(key);
          }
          apply(action, verdict, identity, token, source);
        });
      }
    }
  }

  private static void guarded(Runnable write) {
    try {
      write.run();
    } catch (RuntimeException e) {
      LOG.error("zt countermeasure not recorded: the state store failed", e);
    }
  }

  private void apply(Countermeasure action, Verdict verdict, String identity,
      Optional<? extends VerifiedCredential> token,
      Optional<SourceKey> source) {
    String rule = verdict.rule();
    switch (action.kind()) {
      case SUSPEND_CREDENTIAL -> {
        if (token.isEmpty()) {
          return;
        }
        suspensions.suspendToken(tokenKey(token.get()), token.get().subject(), rule, action.ttl());
        audit.action(action.kind(), describe(token.get()), rule, verdict.evidence(), action.ttl());
      }
      case THROTTLE -> {
        if (!identity.equals(RequestState.UNKNOWN)) {
          flags.set(IdentityFlags.Flag.THROTTLED, identity, rule, action.ttl());
          audit.action(action.kind(), identity, rule, verdict.evidence(), action.ttl());
        }
      }
      case ENHANCED_MONITORING -> {
        if (!identity.equals(RequestState.UNKNOWN)) {
          flags.set(IdentityFlags.Flag.MONITORED, identity, rule, action.ttl());
          audit.action(action.kind(), identity, rule, verdict.evidence(), action.ttl());
        }
      }
      case BLOCK_SOURCE, BLOCK_ANONYMOUS -> {
        if (source.isEmpty() || !policy.mayBlock(source.get().address())) {
          audit.action(action.kind(), source.map(SourceKey::key).orElse("-") + " (exempt: not blocked)",
              rule, verdict.evidence(), Duration.ZERO);
          return;
        }
        blocks.block(source.get().key(), action.kind() == Countermeasure.Kind.BLOCK_SOURCE ? SourceBlocks.Scope.ALL
            : SourceBlocks.Scope.ANONYMOUS, rule, action.ttl());
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
    flags.set(IdentityFlags.Flag.CRITICAL, subject, rule, criticalTtl);
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
    switch (event.type()) {
      case SESSION_REVOKED, CREDENTIAL_CHANGE -> {
        suspensions.revokeIssuedUpTo(event.subject(), event.eventTime(), rule, Duration.ofDays(1));
        pinCritical(event.subject(), rule);
        audit.action(Countermeasure.Kind.SUSPEND_CREDENTIAL, "sub=" + event.subject() + " (tokens issued up to "
            + event.eventTime() + ")", rule, "security event", Duration.ofDays(1));
      }
      case DEVICE_COMPLIANCE_CHANGE -> {
        if (event.compliant().orElse(false)) {
          flags.clear(IdentityFlags.Flag.CRITICAL, event.subject());
          audit.action(null, "sub=" + event.subject(), rule, "device compliant again: CRITICAL lifted", Duration.ZERO);
        } else {
          pinCritical(event.subject(), rule);
          audit.action(null, "sub=" + event.subject(), rule, "device non-compliant: trust pinned at CRITICAL",
              criticalTtl);
        }
      }
      case ASSURANCE_LEVEL_CHANGE -> {
        TrustLevel level = event.level().orElseThrow(() -> new IllegalArgumentException("level required"));
        flags.capLevel(event.subject(), level, criticalTtl);
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
    suspensions.suspendSubject(subject, reason, ttl);
    audit.action(Countermeasure.Kind.SUSPEND_CREDENTIAL, "sub=" + subject, "manual", reason, ttl);
  }

  /** Lifts a subject's suspension (and its CRITICAL pin); returns whether one was in force. */
  public boolean liftSuspension(String subject) {
    boolean had = suspensions.lift(subject);
    flags.clear(IdentityFlags.Flag.CRITICAL, subject);
    audit.action(null, "sub=" + subject, "manual", "suspension lifted", Duration.ZERO);
    return had;
  }

  /** Suspends one token by its {@code jti}. */
  public void suspendToken(String jti, Duration ttl, String reason) {
    suspensions.suspendToken(jti, Optional.empty(), reason, ttl);
    audit.action(Countermeasure.Kind.SUSPEND_CREDENTIAL, "jti=" + jti, "manual", reason, ttl);
  }

  /** Blocks {@code source} for {@code ttl} (even an address the policy exempts, since an operator asks). */
  public void blockSource(InetAddress source, Duration ttl, String reason) {
    blocks.block(source.getHostAddress(), SourceBlocks.Scope.ALL, reason, ttl);
    audit.action(Countermeasure.Kind.BLOCK_SOURCE, source.getHostAddress(), "manual", reason, ttl);
  }

  /** Unblocks {@code source} (a full or an anonymous-only block of that address); returns whether it was blocked. */
  public boolean unblockSource(InetAddress source) {
    boolean had = blocks.unblock(source.getHostAddress());
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
    boolean had = blocks.unblock(key);
    audit.action(null, key, "manual", "block lifted", Duration.ZERO);
    return had;
  }

  /** Ends a throttle on {@code identity} (as the rate gate keys it: {@code sub:…}, {@code client:…}, {@code ip:…}). */
  public boolean unthrottle(String identity) {
    boolean had = flags.clear(IdentityFlags.Flag.THROTTLED, identity);
    audit.action(null, identity, "manual", "throttle lifted", Duration.ZERO);
    return had;
  }

  /** Ends enhanced monitoring of {@code identity}. */
  public boolean unmonitor(String identity) {
    boolean had = flags.clear(IdentityFlags.Flag.MONITORED, identity);
    audit.action(null, identity, "manual", "monitoring lifted", Duration.ZERO);
    return had;
  }

  /** Every action in force now. */
  public List<Active> active() {
    List<Active> out = new ArrayList<>();
    add(out, Countermeasure.Kind.SUSPEND_CREDENTIAL, "sub=", suspensions.subjects());
    add(out, Countermeasure.Kind.SUSPEND_CREDENTIAL, "jti=", suspensions.tokens());
    add(out, Countermeasure.Kind.BLOCK_SOURCE, "", blocks.blocks(SourceBlocks.Scope.ALL));
    add(out, Countermeasure.Kind.BLOCK_ANONYMOUS, "", blocks.blocks(SourceBlocks.Scope.ANONYMOUS));
    add(out, Countermeasure.Kind.THROTTLE, "", flags.flagged(IdentityFlags.Flag.THROTTLED));
    add(out, Countermeasure.Kind.ENHANCED_MONITORING, "", flags.flagged(IdentityFlags.Flag.MONITORED));
    return out;
  }

  private static void add(List<Active> out, Countermeasure.Kind kind, String prefix, List<Entry> entries) {
    entries.forEach(e -> out.add(new Active(kind, prefix + e.key(), e.rule(), e.until())));
  }
}
