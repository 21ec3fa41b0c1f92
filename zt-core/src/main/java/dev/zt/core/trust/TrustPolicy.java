package dev.zt.core.trust;

import dev.zt.core.internal.pipeline.Assembly;
import dev.zt.core.internal.pipeline.Features;
import dev.zt.core.internal.pipeline.Identities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How the trust score is computed: weighted signals (user-supplied and built-in), the cut points between levels, and
 * how long a critical event keeps a subject at CRITICAL.
 *
 * <p>The score is the weighted mean of the signals that did not abstain (1.0 when all abstain), then capped: any hard
 * failure, or a critical event on the subject, caps it at 0 (CRITICAL), whatever the other signals say.
 *
 * <pre>{@code
 * TrustPolicy.builder()
 *     .signal("device", 2.0, ctx -> postureOf(ctx))   // yours
 *     .tokenAge(1.0).authenticationStrength(1.0).channel(0.5).behaviour(1.0)
 *     .cutPoints(0.8, 0.5, 0.25)
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class TrustPolicy {

  static {
    Features.register(TrustPolicy.class, (policy, assembly) -> {
      if (policy.behaviourEnabled() || assembly.rateLimited()) {
        // one per-identity state for the behaviour baseline and the rate buckets: one cache lookup per request
        assembly.identities(new Identities(assembly.identityCapacity(), assembly.clock(), policy.baselines(),
            assembly.routes().routes(), assembly.tenantClaim()));
      }
      TrustGate gate = new TrustGate(policy, assembly.countermeasures(), assembly.rateLimited(), assembly.country(),
          assembly.identities(), assembly.slots());
      assembly.add(Assembly.Stage.TRUST, gate);
      assembly.afterAnswer(gate);
    });
  }

  /** A new behaviour baseline, for the per-identity state ({@code Identities}), when behaviour is on. */
  java.util.function.LongFunction<Object> baselines() {
    return behaviourEnabled() ? Behaviour.Baseline::new : null;
  }

  /** A named, weighted signal. */
  record Weighted(String name, double weight, TrustSignal signal) {}

  private final List<Weighted> signals;
  private final double high;
  private final double medium;
  private final double low;
  private final Duration criticalEventTtl;
  private final boolean behaviour;
  private final double behaviourWeight;

  private TrustPolicy(Builder b) {
    this.signals = List.copyOf(b.signals);
    this.high = b.high;
    this.medium = b.medium;
    this.low = b.low;
    this.criticalEventTtl = b.criticalEventTtl;
    this.behaviour = b.behaviourWeight > 0;
    this.behaviourWeight = b.behaviourWeight;
  }

  /** Token age, authentication strength, channel and behaviour, equally weighted (channel at half weight). */
  public static TrustPolicy defaults() {
    return builder().tokenAge(1).authenticationStrength(1).channel(0.5).behaviour(1).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  List<Weighted> signals() {
    return signals;
  }

  public boolean behaviourEnabled() {
    return behaviour;
  }

  double behaviourWeight() {
    return behaviourWeight;
  }

  /** How long a critical event keeps a subject at CRITICAL. */
  public Duration criticalEventTtl() {
    return criticalEventTtl;
  }

  /** The level of {@code score} under the cut points. */
  public TrustLevel levelOf(double score) {
    if (score >= high) {
      return TrustLevel.HIGH;
    }
    if (score >= medium) {
      return TrustLevel.MEDIUM;
    }
    if (score >= low) {
      return TrustLevel.LOW;
    }
    return TrustLevel.CRITICAL;
  }

  /** Set-once builder. */
  public static final class Builder {
    private final List<Weighted> signals = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private double high = 0.8;
    private double medium = 0.5;
    private double low = 0.25;
    private boolean cutPointsSet;
    private Duration criticalEventTtl = Duration.ofMinutes(15);
    private boolean ttlSet;
    private double behaviourWeight;

    private Builder() {}

    /** Adds your own signal under a unique {@code name}, with a positive {@code weight}. */
    public Builder signal(String name, double weight, TrustSignal signal) {
      Objects.requireNonNull(signal, "signal");
      if (name == null || name.isBlank() || !names.add(name)) {
        throw new IllegalArgumentException("signal names must be unique and non-blank: " + name);
      }
      if (!(weight > 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("weight must be positive: " + weight);
      }
      signals.add(new Weighted(name, weight, signal));
      return this;
    }

    /** Built-in: fresher tokens score higher (1.0 at issue, 0.5 once an hour old). */
    public Builder tokenAge(double weight) {
      return signal("token_age", weight, (BuiltInSignals.Pure) BuiltInSignals::tokenAge);
    }

    /** Built-in: {@code acr}/{@code amr} showing multi-factor or phishing-resistant login score 1.0, password 0.6. */
    public Builder authenticationStrength(double weight) {
      return signal("auth_strength", weight, (BuiltInSignals.Pure) BuiltInSignals::authenticationStrength);
    }

    /** Built-in: a request over mTLS scores 1.0, else 0.7. */
    public Builder channel(double weight) {
      return signal("channel", weight, (BuiltInSignals.Pure) BuiltInSignals::channel);
    }

    /** Built-in: a client address inside any of {@code cidrs} is a hard failure (an IP reputation list). */
    public Builder ipReputation(double weight, Set<String> cidrs) {
      List<BuiltInSignals.Cidr> blocks = new ArrayList<>();
      for (String c : cidrs) {
        blocks.add(BuiltInSignals.Cidr.parse(c));
      }
      return signal("ip_reputation", weight, BuiltInSignals.ipReputation(List.copyOf(blocks)));
    }

    /**
     * Built-in: the caller's own streaming baseline (request rate, routes, error ratio, hours, countries from
     * {@code X-Geo-Country} or your geo signal); a deviation lowers the score. See docs/continuous-verification.md.
     */
    public Builder behaviour(double weight) {
      if (behaviourWeight > 0) {
        throw new IllegalStateException("behaviour was already set");
      }
      if (!(weight > 0)) {
        throw new IllegalArgumentException("weight must be positive: " + weight);
      }
      names.add("behaviour");
      behaviourWeight = weight;
      return this;
    }

    /** Scores at or above {@code high} are HIGH, then MEDIUM, then LOW; below {@code low} is CRITICAL. */
    public Builder cutPoints(double high, double medium, double low) {
      if (cutPointsSet) {
        throw new IllegalStateException("cutPoints was already set");
      }
      if (!(1 >= high && high > medium && medium > low && low > 0)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "cut points must satisfy 1 >= high > medium > low > 0: %s %s %s", high, medium, low));
      }
      this.high = high;
      this.medium = medium;
      this.low = low;
      cutPointsSet = true;
      return this;
    }

    /** How long a critical event (suspension, detector verdict, non-compliant device) pins a subject at CRITICAL. */
    public Builder criticalEventTtl(Duration ttl) {
      if (ttlSet) {
        throw new IllegalStateException("criticalEventTtl was already set");
      }
      if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(7)) > 0) {
        throw new IllegalArgumentException("critical event TTL must be within (0, 7 days]: " + ttl);
      }
      this.criticalEventTtl = ttl;
      ttlSet = true;
      return this;
    }

    public TrustPolicy build() {
      return new TrustPolicy(this);
    }
  }
}
