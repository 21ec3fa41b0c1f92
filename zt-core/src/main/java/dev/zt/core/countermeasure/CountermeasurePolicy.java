package dev.zt.core.countermeasure;

import dev.zt.core.internal.pipeline.Assembly;
import dev.zt.core.internal.pipeline.Features;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which automated responses follow which detector rules. Rules are matched exactly, or by prefix with a final
 * {@code *} ({@code sqli.*}); every matching entry fires.
 *
 * <p>Addresses for which {@link Builder#neverBlock} holds are never blocked: by default loopback, the host itself —
 * a sidecar, a health check or the gateway in front — whose blocking would cut off everyone behind it.
 *
 * @since 0.1
 */
public final class CountermeasurePolicy {

  static {
    Features.register(CountermeasurePolicy.class, (policy, assembly) -> {
      Countermeasures engine = new Countermeasures(assembly.clock(), policy, assembly.audit(),
          assembly.criticalEventTtl(), assembly.state());
      assembly.countermeasures(engine.hooks(), engine);
      assembly.stateBound(policy.maxEntries());
      assembly.add(Assembly.Stage.SOURCE, new SourceGate(engine));
    });
  }

  record Entry(String rule, List<Countermeasure> actions) {
    boolean matches(String verdictRule) {
      return rule.endsWith("*") ? verdictRule.startsWith(rule.substring(0, rule.length() - 1))
          : rule.equals(verdictRule);
    }
  }

  private final List<Entry> entries;
  private final Predicate<InetAddress> neverBlock;
  private final long maxEntries;
  private final boolean monitorUnredacted;

  private CountermeasurePolicy(Builder b) {
    this.entries = List.copyOf(b.entries);
    this.neverBlock = b.neverBlock;
    this.maxEntries = b.maxEntries;
    this.monitorUnredacted = b.monitorUnredacted;
  }

  /** Whether enhanced monitoring logs query values and {@code Referer} as sent (redacted by default). */
  public boolean monitorUnredacted() {
    return monitorUnredacted;
  }

  /**
   * The defaults: three SQL-injection verdicts against one token within 15 minutes suspend that token (never the
   * subject's others) for 15 minutes; anonymous probing ({@code probing.source}, {@code probing.network}) refuses
   * the source's requests without a credential for 15 minutes; credential stuffing from one address
   * ({@code stuffing.source}, or many identifiers from it: {@code stuffing.identifiers}) or one /24 · /64 network
   * ({@code stuffing.network}) blocks it for 15 minutes; many failures for one identifier ({@code stuffing.identifier})
   * put the source whose
   * failure reached the threshold under enhanced monitoring for an hour — never a block by default, since the
   * account's owner fails against their own identifier too and an attacker can time the threshold to land on them;
   * enumeration throttles the identity for 15 minutes and monitors it for an hour.
   */
  public static CountermeasurePolicy defaults() {
    return builder()
        .on("sqli.*", Countermeasure.suspendCredential(Duration.ofMinutes(15)).afterAttempts(3, Duration.ofMinutes(15)))
        .on("stuffing.source", Countermeasure.blockSource(Duration.ofMinutes(15)))
        .on("stuffing.network", Countermeasure.blockSource(Duration.ofMinutes(15)))
        .on("probing.*", Countermeasure.blockAnonymous(Duration.ofMinutes(15)))
        .on("enumeration.identity", Countermeasure.throttle(Duration.ofMinutes(15)),
            Countermeasure.monitor(Duration.ofHours(1)))
        .on("stuffing.distributed", Countermeasure.monitor(Duration.ofHours(1)))
        .on("stuffing.identifiers", Countermeasure.blockSource(Duration.ofMinutes(15)))
        .on("stuffing.identifier", Countermeasure.monitor(Duration.ofHours(1)))
        .build();
  }

  /** No automated responses (verdicts are still audited). */
  public static CountermeasurePolicy none() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  List<Entry> entriesFor(String rule) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.matches(rule)) {
        out.add(e);
      }
    }
    return out;
  }

  List<Countermeasure> actionsFor(String rule) {
    List<Countermeasure> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.matches(rule)) {
        out.addAll(e.actions());
      }
    }
    return out;
  }

  boolean mayBlock(InetAddress address) {
    return !neverBlock.test(address);
  }

  public boolean neverBlocks(InetAddress address) {
    return neverBlock.test(address);
  }

  public long maxEntries() {
    return maxEntries;
  }

  /** Builder. */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();
    private Predicate<InetAddress> neverBlock = InetAddress::isLoopbackAddress;
    private boolean neverBlockSet;
    private long maxEntries = 100_000;
    private boolean monitorUnredacted;

    private Builder() {}

    /**
     * Enhanced monitoring logs query values and the {@code Referer} header as sent. By default they are redacted
     * (each query parameter's name with {@code <redacted>} for its value; a {@code Referer} cut to its origin), since
     * reset links, one-time codes and tokens travel in query strings. A weakening: logs then hold what the URLs held.
     *
     * @since 0.1
     */
    public Builder unsafeMonitorQueryValuesAndReferer() {
      if (monitorUnredacted) {
        throw new IllegalStateException("unsafeMonitorQueryValuesAndReferer was already set");
      }
      monitorUnredacted = true;
      return this;
    }

    /** On a verdict of {@code rule} (exact, or a prefix ending in {@code *}), take {@code actions}. */
    public Builder on(String rule, Countermeasure... actions) {
      Objects.requireNonNull(rule, "rule");
      if (rule.isBlank() || rule.indexOf('*') >= 0 && rule.indexOf('*') != rule.length() - 1 || actions.length == 0) {
        throw new IllegalArgumentException("a rule (exact or ending in *) and at least one action are required");
      }
      entries.add(new Entry(rule, List.of(actions)));
      return this;
    }

    /** Addresses that are never blocked (default: loopback). */
    public Builder neverBlock(Predicate<InetAddress> addresses) {
      if (neverBlockSet) {
        throw new IllegalStateException("neverBlock was already set");
      }
      this.neverBlock = Objects.requireNonNull(addresses, "addresses");
      neverBlockSet = true;
      return this;
    }

    /** The most suspensions, blocks, throttles and counters kept at once (each kind); default 100 000. */
    public Builder maxEntries(long max) {
      if (max < 100) {
        throw new IllegalArgumentException("maxEntries must be at least 100");
      }
      this.maxEntries = max;
      return this;
    }

    public CountermeasurePolicy build() {
      return new CountermeasurePolicy(this);
    }
  }
}
