package dev.zt.core.internal.pipeline;

import dev.zt.core.countermeasure.Countermeasures;
import dev.zt.core.credential.PeerVerifier;
import dev.zt.core.credential.WorkloadTokenVerifier;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.spi.SecurityState;
import dev.zt.core.trust.TrustContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * An enforcer being built: what the features share (clock, executor, audit, routes, countermeasures, per-identity
 * state) and where they put their gates and steps. The gates run in {@link Stage} order, and in installation order
 * within a stage; which gates take part comes from the configuration the enforcer was given.
 */
public final class Assembly {

  /**
   * Where a gate runs. Anonymous callers meet the policy before trust and rate, so neither answers differently for
   * routes that exist.
   */
  public enum Stage {
    /** The mTLS peer chain. */
    PEER,
    /** Blocked sources. */
    SOURCE,
    /** The request's credential (bearer tokens; next: introspected tokens, DPoP proofs). */
    CREDENTIAL,
    /** What the request carries (query, path, headers). */
    INSPECTION,
    /** Test-only gates of zt's own adapter tests. */
    TESTING,
    /** The route policy for callers without a credential. */
    ANONYMOUS_POLICY,
    /** The trust score against the route's floor. */
    TRUST,
    /** Per-identity rate limits. */
    RATE,
    /** The route policy (next: object-level checks and an external PDP). */
    POLICY
  }

  private final Clock clock;
  private final Executor executor;
  private final AuditSink audit;
  private final RoutePolicy routes;
  private final Map<Stage, List<Gate>> gates = new EnumMap<>(Stage.class);
  private final List<AfterAnswer> afterAnswer = new ArrayList<>();
  private final Map<AfterAllow.Stage, List<AfterAllow>> afterAllow = new EnumMap<>(AfterAllow.Stage.class);
  private final Slots slots = new Slots();
  private final Map<Class<?>, Object> shared = new java.util.HashMap<>();
  private List<dev.zt.core.Decision.Challenge> challenges = List.of();
  private java.net.URI publicOrigin;
  private java.util.function.Predicate<java.net.InetAddress> clientCertHeaderProxies;
  private CountermeasureHooks countermeasures;
  private Countermeasures countermeasuresApi;
  private java.util.function.Supplier<List<dev.zt.core.credential.KeySourceHealth>> keySources = List::of;
  private Identities identities;
  private FormInspector form;
  private LoginFailures loginFailures = (identifier, client) -> { };
  private Duration criticalEventTtl = Duration.ofMinutes(15);
  private boolean rateLimited;
  private long identityCapacity = 100_000;
  private Optional<String> tenantClaim = Optional.empty();
  private long stateBound = 100_000;
  private Function<TrustContext, Optional<String>> country;
  private PeerVerifier peerVerifier;
  private WorkloadTokenVerifier workloadTokens;
  private SecurityState state = SecurityState.inMemory();

  /** Failed logins reported by the application, per identifier. */
  @FunctionalInterface
  public interface LoginFailures {
    void failed(String identifier, dev.zt.core.internal.ClientAddresses.Client client);
  }

  public Assembly(Clock clock, Executor executor, AuditSink audit, RoutePolicy routes) {
    this.clock = clock;
    this.executor = executor;
    this.audit = audit;
    this.routes = routes;
  }

  public Clock clock() {
    return clock;
  }

  /** Where blocking work goes for callers that cannot block. */
  public Executor executor() {
    return executor;
  }

  public AuditSink audit() {
    return audit;
  }

  public RoutePolicy routes() {
    return routes;
  }

  /** Adds {@code gate} at {@code stage}, after the gates already there. */
  public void add(Stage stage, Gate gate) {
    gates.computeIfAbsent(stage, s -> new ArrayList<>()).add(Objects.requireNonNull(gate, "gate"));
  }

  /** The gates in the order they run. */
  public Gate[] gates() {
    List<Gate> all = new ArrayList<>();
    gates.values().forEach(all::addAll);
    return all.toArray(Gate[]::new);
  }

  /**
   * The slots of the request state: a feature allocates the slots its gates and steps keep per-request values in
   * ({@link Slots#slot}) while it is installed.
   */
  public Slots slots() {
    return slots;
  }

  /** The slot layout, no longer open to allocation: taken once every feature is installed. */
  /**
   * Runs {@code allocation} once every feature is installed, just before the slot layout closes: for slots that only
   * some requests write (DPoP's), so they do not take the inline places of the slots every scored request writes (the
   * trust gate's, allocated when it is installed, after the credential gate).
   */
  public void allocateLate(Runnable allocation) {
    lateAllocations.add(Objects.requireNonNull(allocation, "allocation"));
  }

  public Slots frozenSlots() {
    List<Runnable> late = List.copyOf(lateAllocations);
    lateAllocations.clear();
    late.forEach(Runnable::run);
    return slots.freeze();
  }

  /** Adds {@code step} after every allow, at {@code stage}, after the steps already there. */
  public void afterAllow(AfterAllow.Stage stage, AfterAllow step) {
    afterAllow.computeIfAbsent(stage, s -> new ArrayList<>()).add(Objects.requireNonNull(step, "step"));
  }

  /** The steps after an allow, in the order they run. */
  public AfterAllow[] afterAllowSteps() {
    List<AfterAllow> all = new ArrayList<>();
    afterAllow.values().forEach(all::addAll);
    return all.toArray(AfterAllow[]::new);
  }

  /**
   * The one {@code type} object of this enforcer, made by {@code make} the first time a feature asks: how a
   * configuration given several times (several {@code BearerJwt}s, one per issuer) shares one gate.
   */
  public <T> T shared(Class<T> type, java.util.function.Supplier<T> make) {
    Object o = shared.get(type);
    if (o == null) {
      o = Objects.requireNonNull(make.get(), "make");
      shared.put(type, o);
    }
    return type.cast(o);
  }

  /**
   * The challenges a denial with a challenge is answered with when its gate named none (e.g. {@code DPoP} then
   * {@code Bearer} once DPoP is configured); empty for the single default {@code Bearer} challenge. Set once.
   */
  public void challenges(List<dev.zt.core.Decision.Challenge> challenges) {
    if (!this.challenges.isEmpty()) {
      throw new IllegalStateException("the default challenges were set already");
    }
    this.challenges = List.copyOf(challenges);
  }

  public List<dev.zt.core.Decision.Challenge> challenges() {
    return challenges;
  }

  private final List<Runnable> lateAllocations = new ArrayList<>();
  private dev.zt.core.credential.Dpop dpop;
  private java.util.function.BiFunction<RequestState, dev.zt.core.DenyReason,
      List<dev.zt.core.Decision.Challenge>> challengeChooser;
  private String resourceMetadataUri;

  /** How DPoP proofs are checked, when DPoP is understood (the enforcer has a public origin). */
  public Optional<dev.zt.core.credential.Dpop> dpop() {
    return Optional.ofNullable(dpop);
  }

  public void dpop(dev.zt.core.credential.Dpop dpop) {
    this.dpop = dpop;
  }

  private dev.zt.core.internal.SignatureVerifiers signatures = dev.zt.core.internal.SignatureVerifiers.jdk();

  /** The JCA provider of each JWS algorithm the enforcer verifies (its {@code signatureProvider}). */
  public dev.zt.core.internal.SignatureVerifiers signatures() {
    return signatures;
  }

  public void signatures(dev.zt.core.internal.SignatureVerifiers signatures) {
    this.signatures = Objects.requireNonNull(signatures, "signatures");
  }

  /**
   * The challenges of a denial whose gate named none, chosen per request and reason (e.g. whether the client used
   * {@code DPoP} or {@code Bearer}, whether the route still allows {@code Bearer}); set once, by the credential gate
   * when DPoP is understood. Without it, {@link #challenges()} applies.
   */
  public void challengeChooser(java.util.function.BiFunction<RequestState, dev.zt.core.DenyReason,
      List<dev.zt.core.Decision.Challenge>> chooser) {
    if (this.challengeChooser != null) {
      throw new IllegalStateException("the challenge chooser was set already");
    }
    this.challengeChooser = chooser;
  }

  public Optional<java.util.function.BiFunction<RequestState, dev.zt.core.DenyReason,
      List<dev.zt.core.Decision.Challenge>>> challengeChooser() {
    return Optional.ofNullable(challengeChooser);
  }

  /** The URL of the RFC 9728 metadata, for the challenges' {@code resource_metadata}, when there is a public origin. */
  public Optional<String> resourceMetadataUri() {
    return Optional.ofNullable(resourceMetadataUri);
  }

  public void resourceMetadataUri(String uri) {
    this.resourceMetadataUri = uri;
  }

  /** The service's configured public origin ({@code https://host[:port]}), if any. */
  /**
   * The trusted proxies whose RFC 9440 {@code Client-Cert} header is the client certificate of a certificate-bound
   * token ({@code Enforcer.Builder.trustClientCertHeader()}); empty when the header is never read.
   */
  public Optional<java.util.function.Predicate<java.net.InetAddress>> clientCertHeaderProxies() {
    return Optional.ofNullable(clientCertHeaderProxies);
  }

  public void clientCertHeaderProxies(java.util.function.Predicate<java.net.InetAddress> proxies) {
    this.clientCertHeaderProxies = proxies;
  }

  public Optional<java.net.URI> publicOrigin() {
    return Optional.ofNullable(publicOrigin);
  }

  public void publicOrigin(java.net.URI origin) {
    this.publicOrigin = origin;
  }

  /** Adds a step that runs after every answer. */
  public void afterAnswer(AfterAnswer step) {
    afterAnswer.add(Objects.requireNonNull(step, "step"));
  }

  public AfterAnswer[] afterAnswerSteps() {
    return afterAnswer.toArray(AfterAnswer[]::new);
  }

  /** The countermeasures: what gates ask ({@code hooks}) and the operators' side ({@code api}). */
  public void countermeasures(CountermeasureHooks hooks, Countermeasures api) {
    this.countermeasures = Objects.requireNonNull(hooks, "hooks");
    this.countermeasuresApi = Objects.requireNonNull(api, "api");
  }

  public CountermeasureHooks countermeasures() {
    if (countermeasures == null) {
      throw new IllegalStateException("countermeasures are installed first");
    }
    return countermeasures;
  }

  /** Where the enforcer reads the health of the issuers' key sources (the credential gate, when installed). */
  public void keySources(java.util.function.Supplier<List<dev.zt.core.credential.KeySourceHealth>> health) {
    this.keySources = Objects.requireNonNull(health, "health");
  }

  public java.util.function.Supplier<List<dev.zt.core.credential.KeySourceHealth>> keySources() {
    return keySources;
  }

  /** The public countermeasure engine, as installed. */
  public Countermeasures countermeasuresApi() {
    return countermeasuresApi;
  }

  /** The per-identity state shared by trust and rate, or {@code null} when nothing is kept per identity. */
  public Identities identities() {
    return identities;
  }

  public void identities(Identities identities) {
    this.identities = identities;
  }

  public Optional<FormInspector> form() {
    return Optional.ofNullable(form);
  }

  public void form(FormInspector form) {
    this.form = Objects.requireNonNull(form, "form");
  }

  public LoginFailures loginFailures() {
    return loginFailures;
  }

  public void loginFailures(LoginFailures sink) {
    this.loginFailures = Objects.requireNonNull(sink, "sink");
  }

  public Duration criticalEventTtl() {
    return criticalEventTtl;
  }

  public void criticalEventTtl(Duration ttl) {
    this.criticalEventTtl = Objects.requireNonNull(ttl, "ttl");
  }

  /** Whether any rate limit is configured (the trust gate then scores every request, for the rate gate). */
  public boolean rateLimited() {
    return rateLimited;
  }

  public void rateLimited(boolean rateLimited) {
    this.rateLimited = rateLimited;
  }

  /** How many identities the per-identity state holds at most. */
  public long identityCapacity() {
    return identityCapacity;
  }

  public void identityCapacity(long capacity) {
    this.identityCapacity = capacity;
  }

  /** The claim that splits an identity's state per tenant, if any. */
  public Optional<String> tenantClaim() {
    return tenantClaim;
  }

  public void tenantClaim(Optional<String> claim) {
    this.tenantClaim = Objects.requireNonNull(claim, "claim");
  }

  /** How many entries each bounded store of the countermeasures and detectors holds at most. */
  public long stateBound() {
    return stateBound;
  }

  public void stateBound(long bound) {
    this.stateBound = bound;
  }

  /** Where the behaviour baseline reads the request's country from, or {@code null}. */
  public Function<TrustContext, Optional<String>> country() {
    return country;
  }

  public void country(Function<TrustContext, Optional<String>> country) {
    this.country = country;
  }

  public Optional<PeerVerifier> peerVerifier() {
    return Optional.ofNullable(peerVerifier);
  }

  public void peerVerifier(PeerVerifier verifier) {
    this.peerVerifier = verifier;
  }

  /** Where the countermeasures, detectors, rate buckets and validation budget keep their state. */
  public SecurityState state() {
    return state;
  }

  public void state(SecurityState state) {
    this.state = Objects.requireNonNull(state, "state");
  }

  public Optional<WorkloadTokenVerifier> workloadTokens() {
    return Optional.ofNullable(workloadTokens);
  }

  public void workloadTokens(WorkloadTokenVerifier verifier) {
    this.workloadTokens = verifier;
  }
}
