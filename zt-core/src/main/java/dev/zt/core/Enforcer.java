package dev.zt.core;

import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.countermeasure.Countermeasures;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.credential.Dpop;
import dev.zt.core.credential.PeerVerifier;
import dev.zt.core.credential.SignatureProvider;
import dev.zt.core.credential.WorkloadTokenVerifier;
import dev.zt.core.detect.Detection;
import dev.zt.core.internal.ClientAddresses;
import dev.zt.core.internal.SignatureVerifiers;
import dev.zt.core.internal.Upgrades;
import dev.zt.core.internal.pipeline.AfterAllow;
import dev.zt.core.internal.pipeline.AfterAnswer;
import dev.zt.core.internal.pipeline.Slots;
import dev.zt.core.internal.pipeline.Assembly;
import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.internal.pipeline.CountermeasureHooks;
import dev.zt.core.internal.pipeline.Features;
import dev.zt.core.internal.pipeline.FormInspector;
import dev.zt.core.internal.pipeline.Gate;
import dev.zt.core.internal.pipeline.RequestState;
import dev.zt.core.internal.pipeline.Step;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.Route;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.trust.TrustContext;
import dev.zt.core.trust.TrustPolicy;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Policy Enforcement Point: built once from an immutable configuration, then asked about every request.
 * Thread-safe and lock-free on the hot path.
 *
 * <p>{@link #enforce(RequestContext)} runs the gates in order — peer (when a {@link PeerVerifier} is set),
 * source, credential, inspection (query, path, headers), trust, rate, policy — and answers with a {@link Decision}.
 * A request with a URL-encoded form body is inspected last: when the adapter has not read the body yet, a request
 * every gate allows gets {@link Decision.ReadForm}, the adapter reads the body (within a deadline) and
 * {@link #enforceForm} completes the decision; a request refused without its body never has it read. A caller
 * without a credential gets the policy gate's verdict before the trust and rate gates, so their answers never tell
 * it which routes exist. The stage is already complete when nothing remote was needed, which is the usual case; a
 * gate that waits on I/O completes it later, on
 * another thread, and never blocks a caller that said it cannot block ({@link RequestContext.Builder#nonBlocking()}).
 *
 * <pre>{@code
 * Enforcer enforcer = Enforcer.builder()
 *     .bearerJwt(BearerJwt.issuer("https://idp.example.com").audience("orders-api").build())
 *     .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read")).build())
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class Enforcer {

  private static final Logger LOG = LoggerFactory.getLogger(Enforcer.class);
  static {
    CoreAccess.enforcers(new CoreAccess.Enforcers() {
      @Override
      public CountermeasureHooks countermeasures(Enforcer enforcer) {
        return enforcer.hooks;
      }

      @Override
      public Builder testingGate(Builder builder, Gate gate) {
        return builder.testingGate(gate);
      }

      @Override
      public CompletionStage<Decision> enforceTraced(Enforcer enforcer, RequestContext request,
          java.util.function.BiConsumer<String, Step> trace) {
        return enforcer.enforce(request, Objects.requireNonNull(trace, "trace"));
      }

      @Override
      public dev.zt.core.spi.SecurityState stateOrNull(Builder builder) {
        return builder.state;
      }

      @Override
      public Builder quietAudit(Builder builder) {
        builder.quietAudit = true;
        return builder;
      }
    });
  }

  /** The gate name of form inspection, and of a form that did not arrive in time. */
  private static final String INSPECTION = "inspection";

  /** The gate name of denials an adapter makes itself ({@link #refuse}, {@link #timedOut}). */
  private static final String ADAPTER = "adapter";

  /** The stage of a decision that waits on I/O: it knows its request's state, for {@link #timedOut}. */
  private static final class Pending extends CompletableFuture<Decision> {
    private final RequestState exchange;

    Pending(RequestState exchange) {
      this.exchange = exchange;
    }
  }

  private final RoutePolicy routes;
  private final Gate[] gates;
  private final String[] gateNames; // gates[i].name(), read once: the audit trail names a gate on every request
  private final Clock clock;
  private final String realm;
  private final Audit audit;
  private final AuditListener listener;
  private final Countermeasures countermeasures;
  private final java.util.function.Supplier<List<dev.zt.core.credential.KeySourceHealth>> keySources;
  private final CountermeasureHooks hooks;
  private final ClientAddresses clientAddresses;
  private final AfterAnswer[] afterAnswer;
  private final Assembly.LoginFailures loginFailures;
  private final int formBodyLimit;
  private final boolean monitorUnredacted;
  private final long formReadTimeoutMillis;
  private final FormInspector form; // null when SQL-injection inspection is off
  private final Map<DenyReason, WireResponse> plainResponses = new EnumMap<>(DenyReason.class);
  private final Slots slots;
  private final AfterAllow[] afterAllow;
  private final List<Decision.Challenge> challenges;
  private final java.net.URI publicOrigin; // null when none is configured
  private final ResourceMetadata metadata; // null without a public origin
  private final java.util.function.BiFunction<RequestState, DenyReason, List<Decision.Challenge>> chooser; // or null
  private final ObjectChecks objectChecks; // null without objects(…)
  private final boolean routeShadows;
  private final Map<String, String> signatureProviders;

  private Enforcer(Builder b) {
    this.routes = b.routes;
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    this.realm = b.realm == null ? "zt" : b.realm;
    Executor executor = b.blockingExecutor == null ? defaultExecutor() : b.blockingExecutor;
    this.listener = b.listener;
    this.audit = b.quietAudit ? new Audit(OpenTelemetry.noop(), routes, true)
        : new Audit(b.openTelemetry == null ? GlobalOpenTelemetry.get() : b.openTelemetry, routes);
    TrustPolicy trust = b.trust == null ? TrustPolicy.defaults() : b.trust;
    RatePolicy rates = b.rates == null ? RatePolicy.defaults() : b.rates;
    Detection detection = b.detection == null ? Detection.defaults() : b.detection;
    CountermeasurePolicy countermeasurePolicy = b.countermeasurePolicy == null ? CountermeasurePolicy.defaults()
        : b.countermeasurePolicy;
    this.clientAddresses = new ClientAddresses(b.trustedProxies, countermeasurePolicy::neverBlocks);
    this.formBodyLimit = detection.formBodyLimit();
    this.monitorUnredacted = countermeasurePolicy.monitorUnredacted();
    this.formReadTimeoutMillis = detection.formReadTimeout().toMillis();

    // each configuration adds its gates at its stage (Assembly.Stage gives the order); see docs/architecture.md
    Assembly assembly = new Assembly(clock, executor, audit, routes);
    assembly.criticalEventTtl(trust.criticalEventTtl());
    assembly.rateLimited(!rates.isEmpty());
    assembly.identityCapacity(rates.isEmpty() ? 100_000 : rates.maxBuckets());
    assembly.tenantClaim(rates.tenantClaim());
    assembly.country(b.country);
    assembly.peerVerifier(b.peerVerifier);
    assembly.workloadTokens(b.workloadTokens);
    if (b.state != null) {
      assembly.state(b.state);
    }
    assembly.publicOrigin(b.publicOrigin);
    SignatureVerifiers signatures = SignatureVerifiers.of(
        b.signatureProvider == null ? SignatureProvider.auto() : b.signatureProvider);
    assembly.signatures(signatures);
    assembly.clientCertHeaderProxies(b.clientCertHeader ? b.trustedProxies : null);
    this.publicOrigin = b.publicOrigin;
    if (b.publicOrigin != null) { // DPoP is understood whenever zt knows the URI a proof must name
      Dpop dpop = b.dpop == null ? Dpop.defaults() : b.dpop;
      assembly.dpop(dpop);
      assembly.resourceMetadataUri(ResourceMetadata.url(b.publicOrigin));
      this.metadata = ResourceMetadata.of(b.publicOriginGiven, b.publicOrigin,
          b.bearerJwts.stream().flatMap(j -> j.acceptedIssuers().stream()).toList(), routes,
          dpop.algorithms().stream().map(com.nimbusds.jose.JWSAlgorithm::getName).toList());
    } else {
      this.metadata = null;
    }
    Features.install(countermeasurePolicy, assembly); // first: every other feature acts through it
    for (BearerJwt issuer : b.bearerJwts) { // one credential gate; tokens go to the issuer their iss names
      Features.install(issuer, assembly);
    }
    Features.install(detection, assembly);
    b.testingGates.forEach(g -> assembly.add(Assembly.Stage.TESTING, g));
    b.testingAfterAllow.forEach(s -> assembly.afterAllow(AfterAllow.Stage.TESTING, s));
    Features.install(routes, assembly);
    Features.install(trust, assembly);
    Features.install(rates, assembly);
    if (b.translate != null) {
      Features.install(b.translate, assembly);
    }
    this.gates = assembly.gates();
    this.gateNames = java.util.Arrays.stream(gates).map(Gate::name).toArray(String[]::new);
    this.afterAllow = assembly.afterAllowSteps();
    this.challenges = assembly.challenges();
    this.chooser = assembly.challengeChooser().orElse(null);
    this.slots = assembly.frozenSlots();
    this.afterAnswer = assembly.afterAnswerSteps();
    this.loginFailures = assembly.loginFailures();
    this.form = assembly.form().orElse(null);
    this.hooks = assembly.countermeasures();
    this.countermeasures = assembly.countermeasuresApi();
    this.keySources = assembly.keySources();
    this.signatureProviders = signatures.names();
    if (!b.quietAudit) {
      LOG.info("zt {}", signatures.describe());
    }
    for (DenyReason r : DenyReason.values()) {
      plainResponses.put(r, WireResponse.of(new Decision.Deny(r, "-", "-", List.of()), realm));
    }
    this.objectChecks =
        b.objects == null ? null : new ObjectChecks(b.objects, b.pdps, audit, listener, routes, clock);
    this.routeShadows = !routes.shadowRoutes().isEmpty();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Decides on one request. Never throws for anything the request contains; a fault in a gate is a deny
   * ({@link DenyReason#INTERNAL_ERROR}). The returned stage never completes exceptionally.
   */
  public CompletionStage<Decision> enforce(RequestContext request) {
    return enforce(request, null);
  }

  /** {@link #enforce}, handing each gate's step to {@code trace} when it is not null (zt explain). */
  private CompletionStage<Decision> enforce(RequestContext request,
      java.util.function.BiConsumer<String, Step> trace) {
    String normalized = request.normalizedOrNull();
    if (normalized == null) {
      RequestState ex = exchange(request, "(rejected)", null);
      ex.note(request.refusal());
      return finish(traced(ex, trace, "request", Step.deny(DenyReason.PATH_REJECTED)),
          new Decision.Deny(DenyReason.PATH_REJECTED, "request", "none", List.of()));
    }
    if (metadata != null && metadata.serves(request.method(), normalized)) { // RFC 9728: a public document
      RequestState ex = exchange(request, normalized, null);
      return finish(traced(ex, trace, "metadata", Step.proceed()), new Decision.Answer(ResourceMetadata.RULE,
          metadata.response()));
    }
    if (request.headers().contains(Upgrades.UPGRADE)) { // HTTP2-Settings alone upgrades nothing
      RequestState ex = exchange(request, normalized, null); // its client resolved as every request's is
      ex.note("protocol upgrade refused");
      return finish(traced(ex, trace, "request", Step.deny(DenyReason.UPGRADE_REFUSED)),
          new Decision.Deny(DenyReason.UPGRADE_REFUSED, "request", "none", List.of()));
    }
    Route route = routes.match(request.method(), normalized, RoutePolicy.isPreflight(request));
    RequestState ex = exchange(request, normalized, route);
    if (trace != null) {
      ex.trace(trace);
    }
    return run(ex, 0);
  }

  /** {@code ex}, traced from now on with {@code step} of {@code gate} recorded, when {@code trace} is not null. */
  private static RequestState traced(RequestState ex, java.util.function.BiConsumer<String, Step> trace, String gate,
      Step step) {
    if (trace != null) {
      ex.trace(trace);
      ex.traced(gate, step);
    }
    return ex;
  }

  private static String orRejected(String normalizedOrNull) {
    return normalizedOrNull != null ? normalizedOrNull : "(rejected)";
  }

  /** The request's state: its client resolved behind trusted proxies, its time the arrival the adapter stamped. */
  private RequestState exchange(RequestContext request, String path, Route route) {
    long now = request.arrivalStamped() ? request.arrivalMillis() : clock.millis();
    return new RequestState(request, path, route, clientAddresses.client(request), now, slots);
  }

  /**
   * Tells the enforcer how the application answered an allowed request (adapters call this after the response), so
   * outcome detectors see 401/403/404 patterns and behaviour baselines learn error ratios. Denials need no report:
   * the enforcer saw those itself.
   */
  public void report(RequestContext request, Decision decision, int status) {
    if (!(decision instanceof Decision.Allow allow)) {
      return;
    }
    try {
      ClientAddresses.Client client = clientAddresses.client(request);
      Caller caller = allow.caller();
      String identity = RequestState.identityOf(caller, client.address());
      String path = orRejected(request.normalizedOrNull());
      for (AfterAnswer step : afterAnswer) {
        step.answered(request, client, caller, identity, path, status);
      }
    } catch (RuntimeException e) {
      LOG.error("zt report failed", e); // reporting never affects the response
    }
  }

  /**
   * Tells the enforcer that a login for {@code identifier} (the user name or e-mail as the client typed it) failed,
   * for the credential-stuffing detectors that count per identifier ({@code stuffing.identifier}) and distinct
   * identifiers per source ({@code stuffing.identifiers}). An application with its own login endpoint calls this
   * when it refuses a password; the servlet filter hands it the request's context as the request attribute
   * {@code ZeroTrustFilter.CONTEXT_ATTRIBUTE}. The source is the request's client address (after trusted proxies).
   *
   * <p>The identifier is only ever counted: it is never authenticated by this call, so no verdict about it suspends,
   * blocks or throttles the account it names (anyone can type anyone's name). A blank identifier is ignored. Never
   * throws for what the identifier contains.
   *
   * @since 0.1
   */
  public void reportAuthenticationFailure(RequestContext request, String identifier) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(identifier, "identifier");
    try {
      loginFailures.failed(identifier, clientAddresses.client(request));
    } catch (RuntimeException e) {
      LOG.error("zt report failed", e); // reporting never affects the response
    }
  }

  /**
   * How many bytes of a URL-encoded form body an adapter reads, at most, when the enforcer asks for it
   * ({@link Decision.ReadForm#maxBytes()}): the configured {@link Detection#maxFormBytes()} when a form would be
   * inspected or read for a login identifier, else 0 (no form is ever asked for). An adapter reads at most this
   * {@code + 1} bytes, so an over-long body is recognisable, and only after {@link #enforce} answered
   * {@link Decision.ReadForm}; an adapter that already holds the whole body (an aggregated request) may give it to
   * {@link RequestContext.Builder#formBody(byte[])} at once: it is still inspected only after every other gate.
   *
   * @since 0.1
   */
  public int formBodyLimit() {
    return formBodyLimit;
  }

  /**
   * The health of the issuers' key sources that zt fetches (discovery and JWKS), in configuration order: when each
   * last fetched and last failed. Read from state zt keeps, never a fetch; for a health endpoint.
   *
   * @since 0.4
   */
  public List<dev.zt.core.credential.KeySourceHealth> keySources() {
    return keySources.get();
  }

  /**
   * Which JCA provider verifies each JWS algorithm this enforcer accepts (bearer tokens of every issuer, DPoP proofs),
   * by algorithm name: the provider's JCA name ({@code AmazonCorrettoCryptoProvider}, {@code Conscrypt}, or the JDK's
   * own, such as {@code SunRsaSign} or {@code SunEC}), as chosen by {@link Builder#signatureProvider} when the
   * enforcer was built; also logged then, with why a native provider was not used.
   *
   * @since 0.5
   */
  public Map<String, String> signatureProviders() {
    return signatureProviders;
  }

  /**
   * The health of the bound policy decision points ({@link Builder#pdp}), in binding order: when each last decided
   * and last was unavailable. Read from state zt keeps, never a call; empty without PDP bindings.
   *
   * @since 0.4
   */
  public List<dev.zt.core.authz.PdpHealth> pdps() {
    return objectChecks == null ? List.of() : objectChecks.pdpHealth();
  }

  /** The automated-response engine: suspensions, blocks, throttles, monitoring, security events. */
  public Countermeasures countermeasures() {
    return countermeasures;
  }

  /**
   * The object-level checks of a request this enforcer allowed: {@code check}, {@code checkAsync} and
   * {@code require} decide whether its caller may do an action on a resource, by the {@link Builder#objects object
   * rules} and then, where a {@link Builder#pdp binding} covers the resource type and action, the PDP. Each check is
   * audited like a request decision. Adapters hand it out in one line ({@code ZeroTrustFilter.authorization(req)}).
   *
   * <pre>{@code
   * Authorization authz = enforcer.authorization(request, allow);
   * authz.require("read", Resource.of("order", authz.captures().get("id")).with("owner", owner));
   * }</pre>
   *
   * @throws IllegalStateException when the enforcer has no {@link Builder#objects object rules}
   * @since 0.3
   */
  public dev.zt.core.authz.Authorization authorization(RequestContext request, Decision.Allow allow) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(allow, "allow");
    if (objectChecks == null) {
      throw new IllegalStateException("object-level checks need Enforcer.Builder.objects(…): without object rules "
          + "every check would be denied");
    }
    return objectChecks.forRequest(request, allow);
  }

  /** The answer to send for {@code deny}: one table for every adapter. */
  public WireResponse respond(Decision.Deny deny) {
    return deny.hasDetails() ? WireResponse.of(deny, realm) : plainResponses.get(deny.reason());
  }

  /**
   * The service's public origin ({@link Builder#publicOrigin(java.net.URI)}), if configured: what a request's
   * effective URI is built from instead of the {@code Host} the client sent.
   *
   * @since 0.2
   */
  public java.util.Optional<java.net.URI> publicOrigin() {
    return java.util.Optional.ofNullable(publicOrigin);
  }

  /**
   * The effective request URI of {@code request} as this service sees it (the DPoP {@code htu}, RFC 9449 §4.3):
   * scheme, authority and path, without query or fragment, normalized (RFC 3986 §6.2.2–6.2.3). Built from the
   * configured {@link #publicOrigin()} when there is one, never then from the {@code Host} the client sent; else
   * {@link RequestContext#effectiveUri()}.
   *
   * @since 0.2
   */
  public java.util.Optional<java.net.URI> effectiveUri(RequestContext request) {
    return publicOrigin == null ? request.effectiveUri() : request.effectiveUri(publicOrigin);
  }

  /** The clock every time-based check uses; adapters stamp {@link RequestContext#arrival()} with it. */
  public Clock clock() {
    return clock;
  }

  /** The route rules in force. */
  public RoutePolicy routes() {
    return routes;
  }

  private CompletionStage<Decision> run(RequestState ex, int from) {
    for (int i = from; i < gates.length; i++) {
      Step step = evaluate(gates[i], gateNames[i], ex);
      if (step == Step.Proceed.INSTANCE) {
        continue;
      }
      if (step instanceof Step.Stop stop) {
        return finish(ex, deny(ex, gateNames[i], stop));
      }
      int index = i;
      CompletableFuture<Decision> out = new Pending(ex);
      ex.decidedLater(); // before the stage can complete on another thread
      ((Step.Later) step).stage().whenComplete((next, error) -> {
        try {
          resume(ex, index, next, error).whenComplete((d, e) -> out.complete(d));
        } catch (RuntimeException e) {
          out.complete(faulted(ex, gates[index].name(), e));
        }
      });
      return out;
    }
    return allowed(ex);
  }

  /**
   * Every gate allowed the request: inspects its form body when it has one, asks for it when it has not been read
   * ({@link Decision.ReadForm}, after what the header fields alone can refuse), else allows.
   */
  private CompletionStage<Decision> allowed(RequestState ex) {
    if (formBodyLimit > 0) {
      RequestContext request = ex.request();
      if (request.formUnread()) {
        if (form != null) {
          Step step = formStep(ex, true);
          if (step instanceof Step.Stop stop) {
            return finish(ex, deny(ex, form.name(), stop));
          }
        }
        return CompletableFuture.completedFuture(
            new Decision.ReadForm(ex, formBodyLimit, clock.millis() + formReadTimeoutMillis));
      }
      if (form != null && request.formBody().isPresent()) {
        Step step = formStep(ex, false);
        if (step instanceof Step.Stop stop) {
          return finish(ex, deny(ex, form.name(), stop));
        }
      }
    }
    if (objectChecks != null) { // the PDP input names the trust level the request was allowed at
      ex.request().allowedTrust(ex.trustLevelOrNull());
    }
    if (afterAllow.length == 0) { // the common path, kept small for the JIT: a shared allow and stage (a value)
      AllowedStage stage = AllowedStage.of(ex.caller(), ex.ruleId());
      record(ex, stage.allow());
      return stage;
    }
    return afterAllow(ex, 0);
  }

  /**
   * Runs the steps after the allow from {@code from} on ({@link AfterAllow}): each may add response fields or a
   * credential to forward, or deny; the allow that results carries what they added.
   */
  private CompletionStage<Decision> afterAllow(RequestState ex, int from) {
    for (int i = from; i < afterAllow.length; i++) {
      AfterAllow step = afterAllow[i];
      Step next = evaluate(step, ex);
      if (next == Step.Proceed.INSTANCE) {
        continue;
      }
      if (next instanceof Step.Stop stop) {
        return finish(ex, deny(ex, step.name(), stop));
      }
      int index = i;
      CompletableFuture<Decision> out = new Pending(ex);
      ex.decidedLater(); // before the stage can complete on another thread
      ((Step.Later) next).stage().whenComplete((n, error) -> {
        try {
          resumeAfterAllow(ex, index, n, error).whenComplete((d, e) -> out.complete(d));
        } catch (RuntimeException e) {
          out.complete(faulted(ex, step.name(), e));
        }
      });
      return out;
    }
    Map<String, String> fields = ex.responseHeaders();
    Decision.Allow allow = fields.isEmpty() && ex.forwarded().isEmpty()
        ? new Decision.Allow(ex.caller(), ex.ruleId())
        : new Decision.Allow(ex.caller(), ex.ruleId(), fields, ex.forwarded());
    return finish(ex, allow);
  }

  private CompletionStage<Decision> resumeAfterAllow(RequestState ex, int index, Step next, Throwable error) {
    AfterAllow step = afterAllow[index];
    if (error != null || next == null) {
      return CompletableFuture.completedFuture(faulted(ex, step.name(), error));
    }
    ex.traced(step.name(), next);
    if (next == Step.Proceed.INSTANCE) {
      return afterAllow(ex, index + 1);
    }
    if (next instanceof Step.Stop stop) {
      return finish(ex, deny(ex, step.name(), stop));
    }
    CompletableFuture<Decision> out = new CompletableFuture<>();
    ((Step.Later) next).stage().whenComplete(
        (n, e) -> resumeAfterAllow(ex, index, n, e).whenComplete((d, x) -> out.complete(d)));
    return out;
  }

  private static Step evaluate(AfterAllow step, RequestState ex) {
    Step next;
    try {
      next = Objects.requireNonNull(step.evaluate(ex), "step returned null");
    } catch (RuntimeException e) {
      LOG.error("zt step '{}' after the allow failed; denying", step.name(), e);
      ex.note("step fault: " + e.getClass().getSimpleName());
      next = Step.deny(DenyReason.INTERNAL_ERROR);
    }
    ex.traced(step.name(), next);
    return next;
  }

  private Step formStep(RequestState ex, boolean headersOnly) {
    Step step;
    try {
      step = headersOnly ? form.inspectHeaders(ex) : form.inspect(ex);
    } catch (RuntimeException e) {
      LOG.error("zt form inspection failed; denying", e);
      ex.note("gate fault: " + e.getClass().getSimpleName());
      step = Step.deny(DenyReason.INTERNAL_ERROR);
    }
    ex.traced(form.name(), step);
    return step;
  }

  /**
   * Completes the decision on a request that every gate allowed and whose form body the adapter has now read
   * ({@link Decision.ReadForm}): {@code withForm} is {@code step.context().withFormBody(bytes)} with at most
   * {@link Decision.ReadForm#maxBytes()} {@code + 1} bytes. The form is inspected (413, 415, 403 as
   * {@link Detection} says) and the decision is final: {@link Decision.Allow} or {@link Decision.Deny}, audited.
   * Call it once per step.
   *
   * @throws IllegalArgumentException if {@code withForm} is not the step's request with a form body
   * @throws IllegalStateException if the step was completed already
   * @since 0.1
   */
  public CompletionStage<Decision> enforceForm(Decision.ReadForm step, RequestContext withForm) {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(withForm, "withForm");
    if (!withForm.sameRequestAs(step.context()) || withForm.formBody().isEmpty()) {
      throw new IllegalArgumentException("withForm must be step.context().withFormBody(…)");
    }
    step.complete();
    RequestState ex = step.exchange();
    ex.formRead(withForm);
    try {
      return allowed(ex);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(faulted(ex, form == null ? gates[gates.length - 1].name() : form.name(),
          e));
    }
  }

  /**
   * The final decision on a request whose form body did not arrive by {@link Decision.ReadForm#deadlineMillis()}:
   * {@link DenyReason#FORM_READ_TIMEOUT} (408), audited. The adapter closes the connection after answering
   * ({@link WireResponse#closesConnection()}).
   *
   * @throws IllegalStateException if the step was completed already
   * @since 0.1
   */
  public Decision.Deny formTimedOut(Decision.ReadForm step) {
    return refuse(step, DenyReason.FORM_READ_TIMEOUT, "form body not read within " + formReadTimeoutMillis + " ms");
  }

  /**
   * Completes {@code step} with a denial the adapter makes itself while reading the form body (e.g.
   * {@link DenyReason#REQUEST_MALFORMED} for a body the server's parser could not read), audited like every
   * decision, with the step's rule and caller. {@code detail} goes to the audit log only, never to the client.
   *
   * @throws IllegalStateException if the step was completed already
   * @since 0.1
   */
  public Decision.Deny refuse(Decision.ReadForm step, DenyReason reason, String detail) {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    step.complete();
    RequestState ex = step.exchange();
    ex.note(detail);
    Decision.Deny deny = new Decision.Deny(reason, reason == DenyReason.FORM_READ_TIMEOUT ? INSPECTION
        : ADAPTER, ex.ruleId(), List.of());
    record(ex, deny);
    return deny;
  }

  /**
   * A denial the adapter makes itself, before or instead of {@link #enforce}: a request the server's parser could
   * not read ({@link DenyReason#REQUEST_MALFORMED}, {@link DenyReason#REQUEST_LINE_TOO_LONG},
   * {@link DenyReason#HEADERS_TOO_LARGE}), or an enforcer fault ({@link DenyReason#INTERNAL_ERROR}). Audited like
   * every decision (gate {@code adapter}, rule {@code none}; the client resolved as for every request) and counted by
   * the outcome detectors; {@code detail} goes to the audit log only. Answer it with {@link #respond}. Never throws
   * for what the request contains.
   *
   * @since 0.1
   */
  public Decision.Deny refuse(RequestContext request, DenyReason reason, String detail) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Decision.Deny deny = new Decision.Deny(reason, ADAPTER, "none", List.of());
    try {
      RequestState ex = exchange(request, orRejected(request.normalizedOrNull()), null);
      ex.note(detail);
      record(ex, deny);
    } catch (RuntimeException e) {
      LOG.error("zt audit failed", e); // auditing never changes a decision
    }
    return deny;
  }

  /**
   * The decision for a request whose stage (from {@link #enforce}) a blocking adapter stopped waiting for:
   * {@link DenyReason#DECISION_TIMEOUT} (503 with {@code Retry-After}), audited, and the pipeline's own decision,
   * when it comes, is not audited a second time (it reaches no one). If the stage completed meanwhile, its decision
   * is returned instead (already audited).
   *
   * @throws IllegalArgumentException if {@code pending} is not a stage this enforcer returned
   * @since 0.1
   */
  public Decision timedOut(CompletionStage<Decision> pending) {
    CompletableFuture<Decision> f = pending.toCompletableFuture();
    if (!(f instanceof Pending p)) {
      if (f.isDone()) {
        return f.join();
      }
      throw new IllegalArgumentException("not a stage this enforcer returned");
    }
    if (!p.exchange.settle()) {
      return f.join(); // decided (and audited) just now: that decision stands
    }
    // a fresh state: the pipeline may still be working on the original on another thread
    RequestState original = p.exchange;
    RequestState ex = exchange(original.request(), original.path(), null);
    ex.note("no decision within the adapter's wait");
    Decision.Deny deny = new Decision.Deny(DenyReason.DECISION_TIMEOUT, ADAPTER, original.ruleId(), List.of());
    record(ex, deny);
    return deny;
  }

  /**
   * Stamps {@code request}'s arrival with this enforcer's clock (read once, in milliseconds: an intrinsic, no native
   * call): every check of the request is made at that time. Adapters call it on every request.
   *
   * @since 0.1
   */
  public RequestContext.Builder stampArrival(RequestContext.Builder request) {
    return request.arrivalMillis(clock.millis());
  }

  private CompletionStage<Decision> resume(RequestState ex, int index, Step next, Throwable error) {
    Gate gate = gates[index];
    if (error != null || next == null) {
      return CompletableFuture.completedFuture(faulted(ex, gate.name(), error));
    }
    ex.traced(gate.name(), next);
    if (next == Step.Proceed.INSTANCE) {
      return run(ex, index + 1);
    }
    if (next instanceof Step.Stop stop) {
      return finish(ex, deny(ex, gate.name(), stop));
    }
    CompletableFuture<Decision> out = new CompletableFuture<>();
    ((Step.Later) next).stage().whenComplete((n, e) -> resume(ex, index, n, e).whenComplete((d, x) -> out.complete(d)));
    return out;
  }

  private static Step evaluate(Gate gate, String name, RequestState ex) {
    Step step;
    try {
      step = Objects.requireNonNull(gate.evaluate(ex), "gate returned null");
    } catch (RuntimeException e) {
      LOG.error("zt gate '{}' failed; denying", name, e);
      ex.note("gate fault: " + e.getClass().getSimpleName());
      step = Step.deny(DenyReason.INTERNAL_ERROR);
    }
    ex.traced(name, step);
    return step;
  }

  private Decision faulted(RequestState ex, String gate, Throwable error) {
    LOG.error("zt gate '{}' failed asynchronously; denying", gate, error);
    ex.note("gate fault: " + (error == null ? "null step" : error.getClass().getSimpleName()));
    Decision d = new Decision.Deny(DenyReason.INTERNAL_ERROR, gate, ex.ruleId(), List.of());
    record(ex, d);
    return d;
  }

  private Decision.Deny deny(RequestState ex, String gate, Step.Stop stop) {
    List<Decision.Challenge> chosen = !stop.challenges().isEmpty() ? stop.challenges()
        : chooser != null ? chooser.apply(ex, stop.reason()) : challenges;
    return new Decision.Deny(stop.reason(), gate, ex.ruleId(), stop.requiredScopes(),
        stop.challengeParams(), stop.headers(), chosen);
  }

  private CompletionStage<Decision> finish(RequestState ex, Decision decision) {
    record(ex, decision);
    return CompletableFuture.completedFuture(decision);
  }

  private void record(RequestState ex, Decision decision) {
    if (ex.isDecidedLater() && !ex.settle()) { // an adapter stopped waiting and answered DECISION_TIMEOUT
      LOG.info("zt decision after the adapter stopped waiting, not audited again: {} {}", decision.getClass()
          .getSimpleName(), decision instanceof Decision.Deny d ? d.reason() : decision.rule());
      return;
    }
    try {
      audit.record(ex, decision);
      if (routeShadows) {
        shadows(ex, decision);
      }
      if (decision instanceof Decision.Deny d) {
        int status = d.status();
        for (AfterAnswer step : afterAnswer) {
          step.denied(ex, d, status);
        }
      }
      if (hooks.isMonitored(ex.identity())) {
        audit.monitored(ex, decision, monitorUnredacted);
      }
      if (listener instanceof dev.zt.core.internal.pipeline.CallerAudit withCaller) {
        withCaller.onDecision(ex.request(), decision, ex.detail(), ex.caller());
      } else if (listener != null) {
        listener.onDecision(ex.request(), decision, ex.detail());
      }
    } catch (RuntimeException e) {
      LOG.error("zt audit failed", e); // auditing never changes a decision
    }
  }

  /** Audits the route shadow rules that match the request: what each would have answered, beside the answer. */
  private void shadows(RequestState ex, Decision decision) {
    String actual = decision instanceof Decision.Allow ? "allow" : decision instanceof Decision.Deny ? "deny"
        : "answer";
    StringBuilder note = new StringBuilder(ex.detail());
    routes.evaluateShadows(ex.request().method(), ex.path(), ex.caller(), (rule, admits) -> {
      String would = admits ? "allow" : "deny";
      audit.shadow("route", rule.id(), would, actual, ex.request().method(), ex.path(), ex.caller());
      note.append(note.length() == 0 ? "" : "; ").append("shadow rule '").append(rule.id()).append("' would ")
          .append(would);
    });
    ex.note(note.toString());
  }

  /**
   * One thread per CPU (at least two, so a key fetch waiting on its timeout does not stall every validation): cold
   * validations are signature checks, CPU work that more threads than cores would only queue inside the OS. The
   * queue is bounded; full → 503.
   */
  static int defaultPoolSize() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  private static Executor defaultExecutor() {
    AtomicInteger n = new AtomicInteger();
    int threads = defaultPoolSize();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(
        threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024), r -> {
          Thread t = new Thread(r, "zt-blocking-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Set-once builder for an {@link Enforcer}. */
  public static final class Builder {
    private final List<BearerJwt> bearerJwts = new ArrayList<>();
    private final List<AfterAllow> testingAfterAllow = new ArrayList<>();
    private java.net.URI publicOrigin;
    private String publicOriginGiven;
    private Dpop dpop;
    private PeerVerifier peerVerifier;
    private RoutePolicy routes;
    private Clock clock;
    private String realm;
    private OpenTelemetry openTelemetry;
    /** Decisions are tests, not requests: nothing logged, no telemetry (set through CoreAccess only). */
    private boolean quietAudit;
    private Executor blockingExecutor;
    private AuditListener listener;
    private TrustPolicy trust;
    private RatePolicy rates;
    private Detection detection;
    private CountermeasurePolicy countermeasurePolicy;
    private java.util.function.Predicate<java.net.InetAddress> trustedProxies;
    private boolean clientCertHeader;
    private java.util.function.Function<TrustContext, java.util.Optional<String>> country;
    private SignatureProvider signatureProvider;
    private final List<Gate> testingGates = new ArrayList<>();
    private WorkloadTokenVerifier workloadTokens;
    private dev.zt.core.spi.SecurityState state;
    private Object translate; // an InternalTokenMinter or a TokenExchangeClient
    private dev.zt.core.authz.ObjectPolicy objects;
    private final List<dev.zt.core.authz.PdpBinding> pdps = new ArrayList<>();
    private final Set<String> set = new HashSet<>();

    private Builder() {}

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /**
     * How bearer JWT access tokens of one issuer are validated. Required at least once; call it again for each further
     * issuer accepted (RFC 9068; issue "several issuers"): a token goes to the configuration whose issuer its
     * {@code iss} names exactly (read without trusting it, before any key is fetched), is verified only with that
     * issuer's keys, audience and rules, and a token naming no configured issuer is refused
     * ({@link DenyReason#TOKEN_ISSUER_MISMATCH}, 401 {@code invalid_token}) without a key fetch or signature check.
     * The issuers share one validated-token cache and one validation budget per source, so their
     * {@link BearerJwt.Builder#validationBudget budget}, cache size and token-length options must agree.
     *
     * @throws IllegalStateException if an issuer is configured twice
     */
    public Builder bearerJwt(BearerJwt config) {
      Objects.requireNonNull(config, "config");
      for (BearerJwt other : bearerJwts) {
        if (other.issuer().equals(config.issuer())) {
          throw new IllegalStateException("bearerJwt for issuer " + config.issuer() + " was already set");
        }
      }
      bearerJwts.add(config);
      return this;
    }

    /**
     * The service's public origin, {@code https://host[:port]} (or {@code http://} behind a TLS-terminating proxy)
     * exactly as clients address it, optionally with the path prefix a reverse proxy publishes the service under
     * ({@code https://api.example.com/orders-service}: the service sees {@code /orders}, clients call
     * {@code …/orders-service/orders}). Effective request URIs (the DPoP {@code htu}, RFC 9449 §4.3) are built from it,
     * never from the {@code Host} field a client sends. With it, the enforcer understands DPoP ({@link #dpop}),
     * serves its RFC 9728 metadata at {@code /.well-known/oauth-protected-resource} (with the path inserted, §3.1),
     * whose {@code resource} is this value exactly as given, and adds {@code resource_metadata} to its 401 challenges.
     * Absolute, with a host, no user info, query or fragment; a path prefix in normal form without a trailing
     * {@code /}. Default: none (no DPoP, no metadata).
     *
     * @throws IllegalArgumentException if {@code origin} is not such an origin
     * @since 0.2
     */
    public Builder publicOrigin(java.net.URI origin) {
      once("publicOrigin");
      this.publicOrigin = RequestContext.checkOrigin(origin);
      this.publicOriginGiven = origin.toString();
      return this;
    }

    /**
     * How DPoP proofs are checked (RFC 9449); default {@link Dpop#defaults()} whenever a {@link #publicOrigin} is set.
     *
     * @throws IllegalStateException at {@link #build()} when no public origin is set: {@code htu} could only be built
     *     from the {@code Host} a client sends
     * @since 0.2
     */
    public Builder dpop(Dpop dpop) {
      once("dpop");
      this.dpop = Objects.requireNonNull(dpop, "dpop");
      return this;
    }

    /**
     * Verifies the mTLS peer's certificate chain on every request that carries one, first in the chain (the peer
     * gate): a verified chain gives the caller its workload ID ({@link Caller#workload()}, matched by
     * {@link Requirement#workload(String...)}); a chain that fails is denied ({@link DenyReason#PEER_REJECTED}, 403);
     * no chain goes on without a workload. Default: none, and peer chains are ignored.
     *
     * @since 0.1
     */
    public Builder peerVerifier(PeerVerifier verifier) {
      once("peerVerifier");
      this.peerVerifier = Objects.requireNonNull(verifier, "verifier");
      return this;
    }

    /** The route rules. Required: with no rules every request would be denied. */
    public Builder routes(RoutePolicy routes) {
      once("routes");
      this.routes = Objects.requireNonNull(routes, "routes");
      return this;
    }

    /** The clock for every time check; default the system UTC clock. Tests pass a settable one. */
    public Builder clock(Clock clock) {
      once("clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The {@code realm} of {@code WWW-Authenticate} challenges (RFC 6750 §3); default {@code zt}. */
    public Builder realm(String realm) {
      once("realm");
      if (realm.isEmpty() || !realm.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\')) {
        throw new IllegalArgumentException("realm must be printable ASCII without quotes or backslashes");
      }
      this.realm = realm;
      return this;
    }

    /** Where audit events and metrics go; default {@code GlobalOpenTelemetry}. */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      once("openTelemetry");
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * Where gates run blocking work for callers that cannot block (key fetches, cold signature checks). Default: one
     * daemon thread per CPU (at least two) with a bounded queue of 1024; when it is full the request is answered 503,
     * never queued unboundedly.
     */
    public Builder blockingExecutor(Executor executor) {
      once("blockingExecutor");
      this.blockingExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Also hands every decision to {@code listener} (besides OpenTelemetry and SLF4J). */
    public Builder auditListener(AuditListener listener) {
      once("auditListener");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Also accepts workload bearer tokens (e.g. SPIFFE JWT-SVIDs) that this verifier vouches for, when a token is
     * not one of the issuer's access tokens. The workload gets no scopes or roles: only
     * {@link Requirement#workload(String...)} routes admit it.
     */
    public Builder workloadTokens(WorkloadTokenVerifier verifier) {
      once("workloadTokens");
      this.workloadTokens = Objects.requireNonNull(verifier, "verifier");
      return this;
    }

    /** How trust is scored; default {@link TrustPolicy#defaults()}. */
    public Builder trust(TrustPolicy policy) {
      once("trust");
      this.trust = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Token translation (issue 16): every allow of a caller with a verified token carries an internal token minted by
     * {@code minter} for the upstream ({@link Decision.Allow#forward()}, {@code Bearer <internal>}), which the adapter
     * or the application forwards in place of the client's {@code Authorization}; the client's token is never
     * forwarded. Anonymous and workload-only allows forward nothing. Set once.
     *
     * @since 0.3
     */
    public Builder translate(dev.zt.core.translate.InternalTokenMinter minter) {
      once("translate");
      this.translate = Objects.requireNonNull(minter, "minter");
      return this;
    }

    /**
     * Token translation through a security token service (RFC 8693): every allow of a caller with a verified token
     * carries the token {@code sts} exchanged it for ({@link Decision.Allow#forward()}, {@code Bearer <issued>}),
     * cached per subject token; an STS refusal is a denial ({@link DenyReason#TOKEN_EXCHANGE_SUBJECT_REFUSED} 401,
     * {@link DenyReason#TOKEN_EXCHANGE_REFUSED} 403), an STS outage {@link DenyReason#TOKEN_EXCHANGE_UNAVAILABLE}
     * (503): never an allow without the exchanged token. Anonymous and workload-only allows forward nothing. Set once:
     * one translation per enforcer, this or {@link #translate(dev.zt.core.translate.InternalTokenMinter)}.
     *
     * @since 0.3
     */
    public Builder translate(dev.zt.core.translate.TokenExchangeClient sts) {
      once("translate");
      this.translate = Objects.requireNonNull(sts, "sts");
      return this;
    }

    /**
     * Where suspensions, source blocks, identity flags, detector counters, rate buckets and the validation budget are
     * kept; default {@link dev.zt.core.spi.SecurityState#inMemory()} (this process only, bounded). A fleet of
     * instances that must act as one gives each enforcer a shared store.
     *
     * @since 0.1
     */
    public Builder state(dev.zt.core.spi.SecurityState state) {
      once("state");
      this.state = Objects.requireNonNull(state, "state");
      return this;
    }

    /**
     * The object-level rules that {@link Enforcer#authorization} checks (forbid wins, no permit → deny). Set once.
     *
     * @since 0.3
     */
    public Builder objects(dev.zt.core.authz.ObjectPolicy objects) {
      once("objects");
      this.objects = Objects.requireNonNull(objects, "objects");
      return this;
    }

    /**
     * Also asks an external policy decision point about the resource types and actions {@code binding} covers, after
     * the object rules permit (its deny wins; an unavailable PDP is a 503). Call once per binding; two bindings
     * covering the same type and action are refused at {@link #build()}, as is a pair no object rule permits (the PDP
     * would never be asked) and a binding without {@link #objects}.
     *
     * @since 0.3
     */
    public Builder pdp(dev.zt.core.authz.PdpBinding binding) {
      pdps.add(Objects.requireNonNull(binding, "binding"));
      return this;
    }

    /** Rate limits; default {@link RatePolicy#defaults()}, {@link RatePolicy#none()} to turn them off. */
    public Builder rateLimits(RatePolicy policy) {
      once("rateLimits");
      this.rates = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Detectors; default {@link Detection#defaults()}, {@link Detection#off()} to turn them off. */
    public Builder detection(Detection detection) {
      once("detection");
      this.detection = Objects.requireNonNull(detection, "detection");
      return this;
    }

    /** The countermeasures (what zt does about detector verdicts); default {@link CountermeasurePolicy#defaults()}. */
    public Builder countermeasures(CountermeasurePolicy policy) {
      once("countermeasures");
      this.countermeasurePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Takes the client address from {@code X-Forwarded-For} when the peer is a trusted proxy (the rightmost entry
     * that is not itself a trusted proxy). Without this, the peer's address is the client's.
     */
    public Builder trustForwardedFor(java.util.function.Predicate<java.net.InetAddress> trustedProxies) {
      once("trustForwardedFor");
      this.trustedProxies = Objects.requireNonNull(trustedProxies, "trustedProxies");
      return this;
    }

    /**
     * Takes the client certificate of a certificate-bound token ({@code cnf.x5t#S256}, RFC 8705 §3.1) from the RFC
     * 9440 {@code Client-Cert} header when the direct peer is one of the proxies {@link #trustForwardedFor} trusts
     * (which is then required): for a service behind a proxy that terminates the clients' TLS. From any other peer
     * the header is ignored, never trusted. A request with both a TLS client certificate and the header, with two
     * such headers, or with a value that is not exactly one DER certificate as an RFC 8941 byte sequence
     * ({@code :base64:}, at most 16 KiB) has no usable certificate: a bound token is then refused. Off by default:
     * the proxy must set the header from the TLS handshake and remove any value the client sent.
     *
     * @since 0.2
     */
    public Builder trustClientCertHeader() {
      once("trustClientCertHeader");
      this.clientCertHeader = true;
      return this;
    }

    /** Where the behaviour baseline reads the request's country from (e.g. a geo-IP lookup); default none. */
    public Builder countryFrom(java.util.function.Function<TrustContext, java.util.Optional<String>> country) {
      once("countryFrom");
      this.country = Objects.requireNonNull(country, "country");
      return this;
    }

    /**
     * Testing only: runs {@code gate} after inspection and before the policy (stage {@code TESTING}). Package-private
     * on purpose, so no application can weaken its pipeline with it; zt's adapter tests reach it through
     * {@code CoreAccess.enforcers().testingGate(…)} in a package exported to zt's modules only (an artificially slow
     * asynchronous gate proves that an adapter buffers and orders requests while a decision is pending; a deliberately
     * blocking one, that BlockHound catches a blocked event loop). Each call adds one more gate, in call order.
     */
    Builder testingGate(Gate gate) {
      testingGates.add(Objects.requireNonNull(gate, "gate"));
      return this;
    }

    /**
     * Which JCA provider verifies JWS signatures. Default {@link SignatureProvider#auto()}: a native provider
     * (Amazon Corretto Crypto Provider, then Conscrypt) per algorithm when on the class path and passing its
     * self-test, the JDK otherwise. An explicit {@link SignatureProvider#named named} or
     * {@link SignatureProvider#of given} provider must verify every algorithm the enforcer accepts, else
     * {@link #build()} fails.
     *
     * @since 0.5
     */
    public Builder signatureProvider(SignatureProvider provider) {
      Objects.requireNonNull(provider, "provider");
      once("signatureProvider");
      this.signatureProvider = provider;
      return this;
    }

    /** Testing only, as {@link #testingGate}: a step after the allow, in call order. */
    Builder testingAfterAllow(AfterAllow step) {
      testingAfterAllow.add(Objects.requireNonNull(step, "step"));
      return this;
    }

    public Enforcer build() {
      if (bearerJwts.isEmpty()) {
        throw new IllegalStateException("bearerJwt(…) is required");
      }
      if (routes == null) {
        throw new IllegalStateException("routes(…) is required: with no rules every request is denied");
      }
      if (clientCertHeader && trustedProxies == null) {
        throw new IllegalStateException("trustClientCertHeader() needs trustForwardedFor(…): the Client-Cert header "
            + "is read only from the proxies it trusts");
      }
      if (!pdps.isEmpty() && objects == null) {
        throw new IllegalStateException("pdp(…) needs objects(…): the PDP is asked only after an object rule permits");
      }
      if (objects != null) {
        ObjectChecks.check(objects, pdps);
      }
      if (dpop != null && publicOrigin == null) {
        throw new IllegalStateException("dpop(…) needs publicOrigin(…): a proof's htu is checked against the URI built "
            + "from it, never from the Host a client sends");
      }
      return new Enforcer(this);
    }
  }
}
