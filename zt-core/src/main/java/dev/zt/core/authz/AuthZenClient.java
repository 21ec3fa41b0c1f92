package dev.zt.core.authz;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A {@link PolicyDecisionPoint} speaking the OpenID AuthZEN Authorization API 1.0 (Cerbos, Topaz, OpenFGA, Keycloak
 * and others implement it): the Access Evaluation API ({@code POST {base}/access/v1/evaluation}, §6) for
 * {@link #decide(PdpInput)} and the Access Evaluations API ({@code POST {base}/access/v1/evaluations}, §7) for
 * {@link #decideAll(List)}, over the HTTPS JSON binding (§10.1).
 *
 * <p>The {@link PdpInput} maps onto the information model (§5):
 *
 * <ul>
 *   <li>subject (§5.1): type {@code user} with id {@code caller.sub}; else type {@code workload} with id
 *       {@code caller.workload}; else type {@code client} with id {@code caller.client_id}; properties = the other
 *       members of {@code caller}. An input with none of the three is not sent ({@link PdpDecision.Unavailable}).
 *   <li>action (§5.3): name = {@code action}.
 *   <li>resource (§5.2): type and id = {@code resource.type} and {@code resource.id}, properties = the resource's
 *       other attributes; without a resource, type {@code route} with id {@code request.path}.
 *   <li>context (§5.4): {@code request} and {@code trust}, when present.
 * </ul>
 *
 * <p>The answer (§5.5, §6.2): {@code 200} with {@code "decision": true} → {@link PdpDecision.Allow}, {@code false} →
 * {@link PdpDecision.Deny} (with {@code context.reason} when the PDP gives a string); a missing or non-boolean
 * {@code decision}, any other status (§10.1.2: 4xx and 5xx are errors, never a decision), a body that is not one
 * strict JSON object, an answer over 64 KiB, a refused connection, no answer within the deadline →
 * {@link PdpDecision.Unavailable}. Each request carries a fresh {@code X-Request-ID} (§10.1.3), kept as the decision
 * id; an answer echoing a different one is not this request's and is refused. In a batch, the answer's
 * {@code evaluations} are positional (§7.2); a count that differs from the request's makes every item unavailable.
 *
 * <p>AuthZEN has no policy revision on the wire: {@link Builder#revision(Supplier)} names one (e.g. the policy
 * store's version) for the decision cache. Asynchronous only, a deadline on every call, never an exceptional stage.
 *
 * @since 0.3
 */
public final class AuthZenClient implements PolicyDecisionPoint {

  private static final String EVALUATION = "/access/v1/evaluation";
  private static final String EVALUATIONS = "/access/v1/evaluations";
  private static final String[] TOP_LEVEL = {"subject", "action", "resource", "context"};

  private final URI evaluation;
  private final URI evaluations;
  private final String base;
  private final Duration timeout;
  private final Duration retryAfter;
  private final HttpClient client;
  private final Map<String, String> headers;
  private final Supplier<Optional<String>> revision;
  private final Supplier<String> requestIds;

  private AuthZenClient(Builder b, String base) {
    this.base = base;
    this.evaluation = URI.create(base + EVALUATION);
    this.evaluations = URI.create(base + EVALUATIONS);
    this.timeout = b.settings.timeout();
    this.retryAfter = b.settings.retryAfter();
    this.client = b.settings.client();
    this.headers = b.settings.headers();
    this.revision = b.revision == null ? Optional::empty : b.revision;
    this.requestIds = () -> UUID.randomUUID().toString();
  }

  /** A builder for the PDP at {@code pdpBase} (its {@code policy_decision_point}; a trailing slash is tolerated). */
  public static Builder builder(URI pdpBase) {
    return new Builder(pdpBase);
  }

  @Override
  public CompletionStage<PdpDecision> decide(PdpInput input) {
    Objects.requireNonNull(input, "input");
    Map<String, Object> request;
    try {
      request = evaluation(input);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(unavailable(e.getMessage()));
    }
    String id = requestIds.get();
    return call(evaluation, id, PdpInput.of(request).canonicalJson())
        .handle((answer, error) -> {
          if (error != null) {
            return unavailable(PdpHttp.failure(error, where(EVALUATION), timeout));
          }
          String echo = echoProblem(answer, id);
          if (echo != null) {
            return unavailable(where(EVALUATION) + ": " + echo);
          }
          return judge(answer.members(), Optional.of(id), currentRevision(), where(EVALUATION));
        });
  }

  /**
   * Asks for a decision on each input in one Access Evaluations request (§7), with the members every evaluation
   * shares sent once as top-level defaults (§7.1.1); the decisions come back in the inputs' order. An input that cannot
   * be expressed in AuthZEN (no subject, no action) is unavailable on its own, the others are still asked; an empty
   * list is answered at once without a call. Never completes exceptionally.
   */
  public CompletionStage<List<PdpDecision>> decideAll(List<PdpInput> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    int n = inputs.size();
    PdpDecision[] out = new PdpDecision[n];
    List<Integer> asked = new ArrayList<>(n);
    List<Map<String, Object>> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      try {
        items.add(new LinkedHashMap<>(evaluation(Objects.requireNonNull(inputs.get(i), "input"))));
        asked.add(i);
      } catch (IllegalArgumentException e) {
        out[i] = unavailable(e.getMessage()); // only this one: the others are still asked
      }
    }
    if (asked.isEmpty()) {
      return CompletableFuture.completedFuture(List.of(out));
    }
    Map<String, Object> request = new LinkedHashMap<>();
    for (String key : TOP_LEVEL) {
      Object first = items.get(0).get(key);
      if (first != null && items.stream().allMatch(item -> first.equals(item.get(key)))) {
        request.put(key, first);
        items.forEach(item -> item.remove(key));
      }
    }
    request.put("evaluations", items);
    String id = requestIds.get();
    int m = asked.size();
    return call(evaluations, id, PdpInput.of(request).canonicalJson())
        .handle((answer, error) -> {
          String failed = null;
          List<?> decisions = null;
          if (error != null) {
            failed = PdpHttp.failure(error, where(EVALUATIONS), timeout);
          } else if (echoProblem(answer, id) != null) {
            failed = where(EVALUATIONS) + ": " + echoProblem(answer, id);
          } else if (!(answer.members().get("evaluations") instanceof List<?> list)) {
            failed = where(EVALUATIONS) + ": no evaluations array";
          } else if (list.size() != m) {
            failed = where(EVALUATIONS) + ": " + list.size() + " decisions for " + m + " evaluations";
          } else {
            decisions = list;
          }
          Optional<String> rev = currentRevision();
          for (int j = 0; j < m; j++) {
            int i = asked.get(j);
            if (failed != null) {
              out[i] = unavailable(failed);
            } else {
              Object d = decisions.get(j);
              out[i] = d instanceof Map<?, ?> dm
                  ? judge(dm, Optional.of(id + "#" + i), rev, where(EVALUATIONS) + " [" + i + "]")
                  : unavailable(where(EVALUATIONS) + " [" + i + "]: not a decision object");
            }
          }
          return List.of(out);
        });
  }

  private CompletableFuture<PdpHttp.Answer> call(URI uri, String requestId, String json) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put("X-Request-ID", requestId);
    return PdpHttp.post(client, uri, h, json, timeout);
  }

  /** §10.1.3: an answer to a request with an id carries the same id; a different one is another request's. */
  private static String echoProblem(PdpHttp.Answer answer, String id) {
    List<String> echoed = answer.headers().allValues("X-Request-ID");
    if (echoed.isEmpty() || (echoed.size() == 1 && echoed.get(0).equals(id))) {
      return null;
    }
    return "answer's X-Request-ID is not the request's";
  }

  /** A Decision (§5.5). */
  private PdpDecision judge(Map<?, ?> answer, Optional<String> id, Optional<String> rev, String where) {
    Object decision = answer.get("decision");
    if (Boolean.TRUE.equals(decision)) {
      return new PdpDecision.Allow(id, rev);
    }
    if (Boolean.FALSE.equals(decision)) {
      String why = answer.get("context") instanceof Map<?, ?> c && c.get("reason") instanceof String r
          ? "decision false: " + PdpHttp.printable(r) : "decision false";
      return new PdpDecision.Deny(id, rev, why);
    }
    return unavailable(where + ": decision " + (decision == null ? "missing" : "not a boolean"));
  }

  /** The Access Evaluation request (§6.1) for {@code input}. */
  static Map<String, Object> evaluation(PdpInput input) {
    Map<String, Object> doc = input.document();
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("subject", subject(doc.get("caller")));
    if (!(doc.get("action") instanceof String action) || action.isEmpty()) {
      throw new IllegalArgumentException("AuthZEN: the input has no action (a non-empty string)");
    }
    request.put("action", Map.of("name", action));
    request.put("resource", resource(doc.get("resource"), doc.get("request")));
    Map<String, Object> context = new LinkedHashMap<>();
    if (doc.get("request") != null) {
      context.put("request", doc.get("request"));
    }
    if (doc.get("trust") != null) {
      context.put("trust", doc.get("trust"));
    }
    if (!context.isEmpty()) {
      request.put("context", context);
    }
    return request;
  }

  private static Map<String, Object> subject(Object caller) {
    if (!(caller instanceof Map<?, ?> c)) {
      throw new IllegalArgumentException("AuthZEN: the input has no caller to name as the subject");
    }
    String[][] kinds = {{"sub", "user"}, {"workload", "workload"}, {"client_id", "client"}};
    for (String[] kind : kinds) {
      if (c.get(kind[0]) instanceof String id && !id.isEmpty()) {
        return entity(kind[1], id, c, kind[0]);
      }
    }
    throw new IllegalArgumentException("AuthZEN: the caller has no sub, workload or client_id to name the subject");
  }

  private static Map<String, Object> resource(Object resource, Object request) {
    if (resource == null) {
      if (request instanceof Map<?, ?> r && r.get("path") instanceof String path) {
        return Map.of("type", "route", "id", path);
      }
      throw new IllegalArgumentException("AuthZEN: the input has neither a resource nor a request path");
    }
    if (!(resource instanceof Map<?, ?> r) || !(r.get("type") instanceof String type) || type.isEmpty()
        || !(r.get("id") instanceof String id) || id.isEmpty()) {
      throw new IllegalArgumentException("AuthZEN: the resource needs a type and an id (non-empty strings)");
    }
    return entity(type, id, r, "type", "id");
  }

  private static Map<String, Object> entity(String type, String id, Map<?, ?> source, String... used) {
    Map<String, Object> properties = new LinkedHashMap<>();
    source.forEach((k, v) -> {
      if (!List.of(used).contains(k)) {
        properties.put((String) k, v);
      }
    });
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", type);
    out.put("id", id);
    if (!properties.isEmpty()) {
      out.put("properties", properties);
    }
    return out;
  }

  private Optional<String> currentRevision() {
    try {
      Optional<String> r = revision.get();
      return r == null ? Optional.empty() : r.filter(v -> !v.isEmpty()).map(PdpHttp::revision);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private PdpDecision.Unavailable unavailable(String why) {
    return new PdpDecision.Unavailable(why, retryAfter);
  }

  private String where(String endpoint) {
    URI u = URI.create(base);
    return "authzen " + u.getScheme() + "://" + u.getRawAuthority() + Optional.ofNullable(u.getRawPath()).orElse("")
        + endpoint;
  }

  @Override
  public String name() {
    return "authzen:" + URI.create(base).getRawAuthority();
  }

  /** The Access Evaluation endpoint. */
  public URI evaluationUri() {
    return evaluation;
  }

  @Override
  public String toString() {
    return "AuthZenClient[" + base + ", timeout=" + timeout + ", headers=" + PdpHttp.redacted(headers) + "]";
  }

  /** Set-once options of an {@link AuthZenClient}. */
  public static final class Builder {
    private final URI base;
    private Supplier<Optional<String>> revision;
    private final PdpHttp.Settings settings = new PdpHttp.Settings();

    private Builder(URI base) {
      this.base = Objects.requireNonNull(base, "pdpBase");
    }

    /** The deadline of each call, connect to last byte (default 2 s, at most 1 min). */
    public Builder timeout(Duration timeout) {
      settings.timeout(timeout);
      return this;
    }

    /** What an {@link PdpDecision.Unavailable} tells the client in {@code Retry-After} (default 5 s). */
    public Builder retryAfter(Duration retryAfter) {
      settings.retryAfter(retryAfter);
      return this;
    }

    /** The client to send with. Default: HTTP/1.1, no redirects, the connect timeout = {@link #timeout}. */
    public Builder httpClient(HttpClient client) {
      settings.httpClient(client);
      return this;
    }

    /** An extra request header (e.g. {@code Authorization}, §2: the API's own authorization); redacted in logs. */
    public Builder header(String name, String value) {
      settings.header(name, value);
      return this;
    }

    /**
     * Where the policy revision comes from (AuthZEN carries none): read when each answer arrives and put on the
     * decision, so {@link PdpCache} drops decisions of an older revision. Must not block; an exception or
     * {@code null} reads as unknown.
     */
    public Builder revision(Supplier<Optional<String>> revision) {
      Objects.requireNonNull(revision, "revision");
      if (this.revision != null) {
        throw new IllegalStateException("revision already set");
      }
      this.revision = revision;
      return this;
    }

    /** Accepts a plain {@code http} base URL to a host that is not loopback (the decision then travels in clear). */
    public Builder allowPlainHttp() {
      settings.allowPlainHttp();
      return this;
    }

    /** The client; immutable and thread-safe. */
    public AuthZenClient build() {
      return new AuthZenClient(this, PdpHttp.base("AuthZEN", base, settings.plainHttp()));
    }
  }
}
