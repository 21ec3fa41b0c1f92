package dev.zt.policy;

import dev.zt.core.Decision;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Decides recorded requests ({@link AuditExport}) again under a new policy: what would change if it were deployed.
 * Each record is decided by a fresh enforcer built from the new policy (so no record sees another's rate buckets or
 * countermeasures), at the recorded time, with a real token minted from the recorded claims by the new policy's
 * {@link TestTokens} (its keys standing in for the issuers'; {@code iat}, {@code exp}, {@code nbf} and {@code jti}
 * fresh, every other claim, {@code iss} and {@code aud} included, as recorded). A record whose credential was not
 * verified (no claims were recorded) or that came over mTLS with a workload identity cannot be decided again the same
 * way, nor can a denial the state of the moment decided ({@link #MOMENT}: rate limits, blocks, suspensions,
 * outages): such records are reported as not replayed, never as changes. Form bodies are not recorded: a form is
 * replayed empty.
 *
 * @since 0.3
 */
public final class AuditReplay {

  /** Claims a replayed token gets fresh: the recorded times are in the past. */
  private static final Set<String> FRESH = Set.of("iat", "exp", "nbf", "jti");

  /**
   * Denials decided by the state or the conditions of the moment (counters, blocks, suspensions, an outage, the
   * adapter's wait, the body's arrival), not by the policy: a fresh enforcer cannot reproduce them, so they are not
   * replayed rather than reported as changes.
   */
  static final Set<String> MOMENT = Set.of("TOKEN_SUSPENDED", "SOURCE_BLOCKED", "RATE_LIMITED",
      "RATE_LIMITED_ABNORMAL", "VALIDATION_BUDGET_EXCEEDED", "STATE_UNAVAILABLE", "KEYS_UNAVAILABLE",
      "INTROSPECTION_UNAVAILABLE", "TOKEN_EXCHANGE_UNAVAILABLE", "TOKEN_EXCHANGE_SUBJECT_REFUSED",
      "TOKEN_EXCHANGE_REFUSED", "DECISION_TIMEOUT", "FORM_READ_TIMEOUT", "DPOP_NONCE_REQUIRED", "INTERNAL_ERROR",
      "REQUEST_MALFORMED", "REQUEST_LINE_TOO_LONG", "HEADERS_TOO_LARGE", "FORM_TOO_LARGE", "FORM_UNSUPPORTED");

  private AuditReplay() {}

  /** Replays every record of {@code auditJsonl} against {@code newPolicy}, in file order. */
  public static List<ReplayedDecision> replay(PolicyFile newPolicy, Path auditJsonl) throws IOException {
    return replay(newPolicy, AuditExport.read(auditJsonl));
  }

  /** Replays {@code records} against {@code newPolicy}, in order (line numbers count records from 1). */
  public static List<ReplayedDecision> replay(PolicyFile newPolicy, List<AuditRecord> records) {
    MovableClock clock = new MovableClock();
    TestTokens tokens = null;
    List<ReplayedDecision> out = new ArrayList<>();
    int line = 0;
    for (AuditRecord r : records) {
      line++;
      if (r.credential() && r.claims().isEmpty()) {
        out.add(new ReplayedDecision(line, r, Optional.empty(),
            Optional.of("its credential was not verified, so no claims were recorded: not replayed")));
        continue;
      }
      if (MOMENT.contains(r.reason())) {
        out.add(new ReplayedDecision(line, r, Optional.empty(), Optional.of(r.reason()
            + " depends on the state or the conditions of the moment, not on the policy: not replayed")));
        continue;
      }
      if (r.workload().isPresent()) {
        out.add(new ReplayedDecision(line, r, Optional.empty(),
            Optional.of("an mTLS workload request: its certificate is not recorded, not replayed")));
        continue;
      }
      if (tokens == null) {
        tokens = TestTokens.forPolicy(newPolicy, clock);
      }
      clock.now = r.ts();
      Optional<Map<String, Object>> claims = r.claims().map(c -> {
        Map<String, Object> m = new LinkedHashMap<>(c);
        FRESH.forEach(m::remove);
        return m;
      });
      PolicyTestCase request = new PolicyTestCase("audit line " + line, r.method(), r.target(), r.headers(),
          r.client(), claims, new PolicyTestCase.Expected(Optional.empty(), OptionalInt.empty(), Optional.empty(),
          Optional.empty()), "", 0);
      Decision d;
      try {
        d = PolicyTests.decide(request, tokens, clock);
      } catch (RuntimeException e) {
        out.add(new ReplayedDecision(line, r, Optional.empty(),
            Optional.of("no decision: " + e.getMessage())));
        continue;
      }
      out.add(new ReplayedDecision(line, r, Optional.of(outcome(d)), Optional.empty()));
    }
    return out;
  }

  static ReplayedDecision.Outcome outcome(Decision d) {
    if (d instanceof Decision.Deny deny) {
      return new ReplayedDecision.Outcome("deny", deny.status(), deny.rule(), deny.reason().name());
    }
    if (d instanceof Decision.Answer a) {
      return new ReplayedDecision.Outcome("answer", a.response().status(), a.rule(), "ANSWERED");
    }
    return new ReplayedDecision.Outcome("allow", 200, d.rule(), "ALLOWED");
  }

  /** The replay's clock: each record is decided at its recorded time. Confined to the replaying thread. */
  private static final class MovableClock extends Clock {
    private Instant now = Instant.EPOCH;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
