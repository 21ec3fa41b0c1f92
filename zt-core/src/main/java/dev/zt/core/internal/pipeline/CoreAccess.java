package dev.zt.core.internal.pipeline;

import dev.zt.core.Caller;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.VerifiedCredential;
import java.util.Set;

/**
 * What zt's feature packages need of the root package's types beyond their public API: building a {@link Caller}
 * (only zt's own gates do), its identity key and its per-identity state hint; an enforcer's countermeasure hooks.
 * The root types hand an accessor to this class when they are initialized (the JDK's {@code SharedSecrets} pattern), so
 * none of this is public API.
 */
public final class CoreAccess {

  /** Caller internals. */
  public interface Callers {
    /**
     * A caller authenticated by {@code credential}, with {@code roles}; {@code identityQualifier} is {@code null} for
     * the first configured issuer, else its name (the identity key then names the issuer too).
     */
    Caller caller(VerifiedCredential credential, Set<String> roles, String identityQualifier);

    /** A caller of the first configured issuer. */
    default Caller caller(VerifiedCredential credential, Set<String> roles) {
      return caller(credential, roles, null);
    }

    /** A caller authenticated by its mTLS peer chain only. */
    Caller workload(String workloadId);

    /** {@code caller}, also identified as {@code workloadId}'s peer ({@code caller} itself when null). */
    Caller withWorkload(Caller caller, String workloadId);

    /** {@code sub:…}, {@code client:…}, {@code workload:…}, or {@code null} when anonymous. */
    String identityKey(Caller caller);

    /** The workload ID, or {@code null}. */
    String workloadOrNull(Caller caller);

    /** Where the caller's per-identity state was last found, or {@code null}. */
    Identities.State stateHint(Caller caller);

    /** Remembers where the caller's per-identity state is. */
    void stateHint(Caller caller, Identities.State state);
  }

  /** Enforcer internals, for zt's own tests and modules. */
  public interface Enforcers {
    /** What the enforcer's gates and detectors hand verdicts to. */
    CountermeasureHooks countermeasures(Enforcer enforcer);

    /**
     * Testing only: adds {@code gate} after inspection and before the policy (stage {@code TESTING}), for zt's own
     * adapter tests (a slow asynchronous gate, a deliberately blocking one). No application reaches it: the package is
     * exported to zt's modules only.
     */
    Enforcer.Builder testingGate(Enforcer.Builder builder, Gate gate);

    /**
     * Decides on {@code request} as {@link Enforcer#enforce} does, handing each gate's name and step to
     * {@code trace} as the pipeline takes it (for {@code zt explain}; the decision is audited as any other).
     */
    java.util.concurrent.CompletionStage<dev.zt.core.Decision> enforceTraced(Enforcer enforcer,
        dev.zt.core.RequestContext request, java.util.function.BiConsumer<String, Step> trace);

    /** The state store set on {@code builder}, or {@code null} when none is (the enforcer then makes its own). */
    dev.zt.core.spi.SecurityState stateOrNull(Enforcer.Builder builder);

    /**
     * Marks {@code builder}'s enforcer as one that decides made-up requests (a policy file's embedded tests, a
     * replay, {@code zt explain}): its decisions are neither logged on {@code dev.zt.audit} nor sent to
     * OpenTelemetry, so they never read as a real caller's. Its audit listener, if any, still hears them.
     */
    Enforcer.Builder quietAudit(Enforcer.Builder builder);
  }

  private static Callers callers;
  private static Enforcers enforcers;

  private CoreAccess() {}

  /** Called once, by {@link Caller}'s initializer. */
  public static void callers(Callers access) {
    if (callers != null || !access.getClass().getPackageName().equals(Caller.class.getPackageName())) {
      throw new IllegalStateException("Caller's accessor is set by Caller only");
    }
    callers = access;
  }

  /** Called once, by {@link Enforcer}'s initializer. */
  public static void enforcers(Enforcers access) {
    if (enforcers != null || !access.getClass().getPackageName().equals(Enforcer.class.getPackageName())) {
      throw new IllegalStateException("Enforcer's accessor is set by Enforcer only");
    }
    enforcers = access;
  }

  /** The accessor to {@link Enforcer}'s internals. */
  public static Enforcers enforcers() {
    Enforcers e = enforcers;
    if (e == null) {
      Enforcer.builder(); // initializes Enforcer, which registers its accessor
      e = enforcers;
    }
    return e;
  }

  /** The accessor to {@link Caller}'s internals. */
  public static Callers callers() {
    Callers c = callers;
    if (c == null) {
      Caller.anonymous(); // initializes Caller, which registers its accessor
      c = callers;
    }
    return c;
  }
}
