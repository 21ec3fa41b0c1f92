package dev.zt.core;

import dev.zt.core.authz.Authorization;
import dev.zt.core.authz.ObjectPolicy;
import dev.zt.core.authz.ObjectRule;
import dev.zt.core.authz.PdpBinding;
import dev.zt.core.authz.PdpDecision;
import dev.zt.core.authz.PdpInput;
import dev.zt.core.authz.Resource;
import dev.zt.core.policy.Route;
import dev.zt.core.policy.RoutePolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An enforcer's object-level checks: its {@link ObjectPolicy}, its PDP bindings, and the audit they report to. Route
 * rule (the enforcer decided it already) → object rules → PDP (only after an object permit, only where a binding
 * covers the type and action); a deny anywhere wins and an unavailable PDP is a 503.
 */
final class ObjectChecks {

  private static final Logger LOG = LoggerFactory.getLogger(ObjectChecks.class);
  static final String OBJECT_GATE = "object";
  static final String PDP_GATE = "pdp";
  /** What a client is told to wait when the PDP gave no hint (a deadline passed, the client threw). */
  static final Duration DEFAULT_RETRY = Duration.ofSeconds(5);

  private final ObjectPolicy objects;
  private final PdpBinding[] bindings;
  private final Audit audit;
  private final AuditListener listener; // or null
  private final Map<String, Route> routesById = new HashMap<>();
  private final Map<String, String> permitDetails = new HashMap<>(); // audit details built once per permit rule
  private final java.time.Clock clock;
  private final PdpOutcomes[] outcomes; // by binding index

  ObjectChecks(ObjectPolicy objects, List<PdpBinding> bindings, Audit audit, AuditListener listener,
      RoutePolicy routes, java.time.Clock clock) {
    this.objects = objects;
    this.bindings = bindings.toArray(PdpBinding[]::new);
    this.clock = clock;
    this.outcomes = new PdpOutcomes[this.bindings.length];
    for (int i = 0; i < outcomes.length; i++) {
      outcomes[i] = new PdpOutcomes(this.bindings[i].pdp().name());
    }
    this.audit = audit;
    this.listener = listener;
    for (Route r : routes.routes()) {
      routesById.put(r.id(), r);
    }
    for (ObjectRule r : objects.rules()) {
      permitDetails.put(r.id(), "object rule '" + r.id() + "' permits");
    }
  }

  /** When each bound PDP last decided and last was unavailable, in binding order (for a health endpoint). */
  List<dev.zt.core.authz.PdpHealth> pdpHealth() {
    List<dev.zt.core.authz.PdpHealth> h = new java.util.ArrayList<>(outcomes.length);
    for (PdpOutcomes o : outcomes) {
      h.add(o.health());
    }
    return h;
  }

  /** The last outcomes of one binding's calls, in the enforcer's milliseconds; -1 for never. */
  private static final class PdpOutcomes {
    private final String name;
    private volatile long answered = -1;
    private volatile long unavailable = -1;

    PdpOutcomes(String name) {
      this.name = name;
    }

    void record(PdpDecision d, long now) {
      if (d instanceof PdpDecision.Unavailable || d == null) {
        unavailable = now;
      } else {
        answered = now;
      }
    }

    dev.zt.core.authz.PdpHealth health() {
      long a = answered;
      long u = unavailable;
      return new dev.zt.core.authz.PdpHealth(name,
          a < 0 ? java.util.Optional.empty() : java.util.Optional.of(java.time.Instant.ofEpochMilli(a)),
          u < 0 ? java.util.Optional.empty() : java.util.Optional.of(java.time.Instant.ofEpochMilli(u)));
    }
  }

  /** Refuses bindings that overlap or that no permit rule could ever lead to. */
  static void check(ObjectPolicy objects, List<PdpBinding> bindings) {
    for (int i = 0; i < bindings.size(); i++) {
      PdpBinding b = bindings.get(i);
      for (String type : b.resourceTypes()) {
        for (String action : b.actions()) {
          for (int j = 0; j < i; j++) {
            if (bindings.get(j).covers(type, action)) {
              throw new IllegalStateException("two PDP bindings cover '" + action + "' on '" + type + "' ("
                  + bindings.get(j).pdp().name() + ", " + b.pdp().name() + "); bind each pair once");
            }
          }
          boolean permitted = objects.rules().stream().anyMatch(r -> !r.shadow()
              && r.effect() == ObjectRule.Effect.PERMIT && r.resourceType().equals(type) && r.covers(action));
          if (!permitted) {
            throw new IllegalStateException("the PDP binding " + b.pdp().name() + " would never be asked about '"
                + action + "' on '" + type + "': the PDP is asked only after an object rule permits, and none "
                + "permits it; add a permit rule (e.g. Condition.always()) or remove the pair");
          }
        }
      }
    }
  }

  Authorization forRequest(RequestContext request, Decision.Allow allow) {
    return new Handle(request, allow);
  }

  private final class Handle implements Authorization {
    private final RequestContext request;
    private final Decision.Allow allow;
    private final String path;
    private volatile Map<String, String> captures; // computed when first asked (safely published)

    Handle(RequestContext request, Decision.Allow allow) {
      this.request = request;
      this.allow = allow;
      this.path = request.normalizedPath().orElse("(rejected)");
    }

    @Override
    public Caller caller() {
      return allow.caller();
    }

    @Override
    public Map<String, String> captures() {
      Map<String, String> c = captures;
      if (c == null) {
        Route route = routesById.get(allow.rule());
        c = route == null ? Map.of() : route.pattern().captures(path);
        captures = c;
      }
      return c;
    }

    @Override
    public Decision check(String action, Resource resource) {
      Object local = decideLocally(action, resource);
      if (local instanceof Decision d) {
        return d;
      }
      @SuppressWarnings("unchecked")
      CompletableFuture<Decision> pending = (CompletableFuture<Decision>) local;
      if (!pending.isDone() && !request.mayBlock()) {
        // an event loop must not wait for a PDP: the answer still arrives (and is audited), but not here
        throw new IllegalStateException("check(…) would block waiting for the PDP on a thread that must not block "
            + "(a non-blocking request, e.g. Netty's event loop); use checkAsync(…)");
      }
      return pending.join(); // completes by the binding's deadline at the latest
    }

    @Override
    public CompletionStage<Decision> checkAsync(String action, Resource resource) {
      Object local = decideLocally(action, resource);
      if (local instanceof Decision d) {
        return CompletableFuture.completedFuture(d);
      }
      @SuppressWarnings("unchecked")
      CompletionStage<Decision> pending = (CompletionStage<Decision>) local;
      return pending;
    }

    /** The final {@link Decision}, or a {@code CompletableFuture<Decision>} when the PDP must be asked. */
    private Object decideLocally(String action, Resource resource) {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(resource, "resource");
      Caller caller = allow.caller();
      ObjectPolicy.Evaluation e;
      try {
        e = objects.evaluate(caller, action, resource);
      } catch (RuntimeException ex) {
        LOG.error("zt object check failed; denying", ex);
        return finish(new Decision.Deny(DenyReason.INTERNAL_ERROR, OBJECT_GATE, ObjectPolicy.DEFAULT_DENY,
            List.of()), action, resource, "object check fault: " + ex.getClass().getSimpleName(), List.of());
      }
      if (!e.permitted()) {
        String why = e.ruleId().equals(ObjectPolicy.DEFAULT_DENY)
            ? "no object rule permits '" + action + "' on this " + resource.type()
            : "object rule '" + e.ruleId() + "' forbids '" + action + "'";
        return finish(new Decision.Deny(DenyReason.OBJECT_FORBIDDEN, OBJECT_GATE, e.ruleId(), List.of()), action,
            resource, why, e.shadows());
      }
      int index = -1;
      for (int i = 0; i < bindings.length; i++) {
        if (bindings[i].covers(resource.type(), action)) {
          index = i;
          break;
        }
      }
      if (index < 0) {
        return finish(new Decision.Allow(caller, e.ruleId()), action, resource, permitDetails.get(e.ruleId()),
            e.shadows());
      }
      return askPdp(bindings[index], outcomes[index], e, caller, action, resource);
    }

    private CompletableFuture<Decision> askPdp(PdpBinding binding, PdpOutcomes outcome, ObjectPolicy.Evaluation e,
        Caller caller, String action, Resource resource) {
      CompletableFuture<PdpDecision> answer = new CompletableFuture<>();
      try {
        PdpInput input = input(binding, caller, action, resource);
        CompletionStage<PdpDecision> stage = Objects.requireNonNull(binding.pdp().decide(input),
            "the PDP returned no stage");
        stage.whenComplete((d, error) -> answer.complete(error != null
            ? new PdpDecision.Unavailable("the PDP failed: " + error.getClass().getSimpleName(), DEFAULT_RETRY)
            : d == null ? new PdpDecision.Unavailable("the PDP answered null", DEFAULT_RETRY) : d));
      } catch (RuntimeException ex) {
        answer.complete(new PdpDecision.Unavailable("the PDP could not be asked: " + ex.getClass().getSimpleName()
            + (ex.getMessage() == null ? "" : " " + ex.getMessage()), DEFAULT_RETRY));
      }
      answer.completeOnTimeout(new PdpDecision.Unavailable("no PDP decision within "
          + binding.timeout().toMillis() + " ms", DEFAULT_RETRY), binding.timeout().toMillis(), TimeUnit.MILLISECONDS);
      String name = binding.pdp().name();
      return answer.handle((d, error) -> {
        try {
          outcome.record(d, clock.millis());
          return pdpDecision(name, e, caller, action, resource, d);
        } catch (RuntimeException ex) {
          LOG.error("zt PDP decision could not be recorded; denying", ex);
          return new Decision.Deny(DenyReason.INTERNAL_ERROR, PDP_GATE, name, List.of());
        }
      });
    }

    private Decision pdpDecision(String name, ObjectPolicy.Evaluation e, Caller caller, String action,
        Resource resource, PdpDecision d) {
      String permitted = "object rule '" + e.ruleId() + "' permits; PDP " + name;
      if (d instanceof PdpDecision.Allow a) {
        return finish(new Decision.Allow(caller, e.ruleId()), action, resource,
            permitted + " allows" + ids(a.decisionId(), a.revision()), e.shadows());
      }
      if (d instanceof PdpDecision.Deny deny) {
        return finish(new Decision.Deny(DenyReason.PDP_DENIED, PDP_GATE, name, List.of()), action, resource,
            permitted + " denies: " + deny.why() + ids(deny.decisionId(), deny.revision()), e.shadows());
      }
      PdpDecision.Unavailable u = d instanceof PdpDecision.Unavailable x ? x
          : new PdpDecision.Unavailable("no decision", DEFAULT_RETRY); // null or an unknown kind: fail closed
      return finish(new Decision.Deny(DenyReason.PDP_UNAVAILABLE, PDP_GATE, name, List.of(), Map.of(),
              Map.of("Retry-After", retryAfter(u.retryAfter()))), action, resource,
          permitted + " unavailable: " + u.why(), e.shadows());
    }

    private Decision finish(Decision decision, String action, Resource resource, String detail,
        List<ObjectRule> shadows) {
      String full = detail;
      try {
        if (!shadows.isEmpty()) {
          String actual = decision.allowed() ? "allow" : "deny";
          StringBuilder b = new StringBuilder(detail);
          for (ObjectRule s : shadows) {
            String would = s.effect() == ObjectRule.Effect.PERMIT ? "permit" : "forbid";
            audit.shadow(OBJECT_GATE, s.id(), would, actual, request.method(), path, allow.caller());
            b.append("; shadow rule '").append(s.id()).append("' would ").append(would);
          }
          full = b.toString();
        }
        audit.object(request, path, allow.caller(), decision, action, resource, full);
        if (listener != null) {
          listener.onDecision(request, decision, full);
        }
      } catch (RuntimeException ex) {
        LOG.error("zt audit failed", ex); // auditing never changes a decision
      }
      return decision;
    }

    private PdpInput input(PdpBinding binding, Caller caller, String action, Resource resource) {
      Map<String, Object> who = new LinkedHashMap<>();
      caller.subject().ifPresent(s -> who.put("sub", s));
      caller.clientId().ifPresent(s -> who.put("client_id", s));
      who.put("scopes", new ArrayList<>(new java.util.TreeSet<>(caller.scopes())));
      who.put("roles", new ArrayList<>(new java.util.TreeSet<>(caller.roles())));
      Map<String, Object> claims = new TreeMap<>();
      for (String c : binding.claims()) {
        caller.credential().flatMap(t -> t.claimAtPath(c)).ifPresent(v -> claims.put(c, v));
      }
      who.put("claims", claims);
      caller.workload().ifPresent(w -> who.put("workload", w));
      Map<String, Object> what = new LinkedHashMap<>(resource.attributes());
      what.put("type", resource.type()); // the type and id are zt's, whatever attributes share their names
      what.put("id", resource.id());
      Map<String, Object> req = new LinkedHashMap<>();
      req.put("method", request.method());
      req.put("path", path);
      req.put("captures", captures());
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("caller", who);
      doc.put("action", action);
      doc.put("resource", what);
      doc.put("request", req);
      dev.zt.core.trust.TrustLevel trust = request.allowedTrustOrNull();
      if (trust != null) {
        doc.put("trust", trust.name());
      }
      return PdpInput.of(doc);
    }
  }

  private static String ids(Optional<String> decisionId, Optional<String> revision) {
    return decisionId.map(d -> "; decision_id=" + d).orElse("") + revision.map(r -> "; revision=" + r).orElse("");
  }

  /** Whole seconds, at least 1 (RFC 9110 §10.2.3), at most a day. */
  static String retryAfter(Duration d) {
    long s = d.isNegative() ? 1 : (d.toMillis() + 999) / 1000;
    return Long.toString(Math.max(1, Math.min(s, 86_400)));
  }
}
