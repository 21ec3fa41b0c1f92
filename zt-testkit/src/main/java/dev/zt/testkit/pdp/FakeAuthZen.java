package dev.zt.testkit.pdp;

import dev.zt.core.authz.PdpInput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An in-process stand-in for a PDP implementing the OpenID AuthZEN Authorization API 1.0, written to its published
 * contract: {@code POST /access/v1/evaluation} (§6) answers {@code {"decision": …}}; {@code POST
 * /access/v1/evaluations} (§7) applies the top-level defaults to each item (§7.1.1) and answers {@code {"evaluations":
 * [{"decision": …}, …]}} in order; the request's {@code X-Request-ID} is echoed (§10.1.3). No AuthZEN server can be
 * installed where zt is built, so zt's tests (and yours) run against this.
 *
 * <p>The policy is a function of the evaluation ({@code subject}, {@code action}, {@code resource}, {@code context},
 * read with {@link PdpInput#get(String)}, e.g. {@code subject.id}); what it returns is the {@code decision}. Failure
 * modes as {@link FakeOpa}, plus {@link #echoRequestId(String)} and {@link #dropLastEvaluation()}.
 *
 * @since 0.3
 */
public final class FakeAuthZen extends FakePdpServer<FakeAuthZen> {

  private volatile String echo; // null: echo the request's
  private volatile boolean dropLast;

  private FakeAuthZen() {
    super(input -> false);
  }

  /** A fake AuthZEN PDP on a loopback port that denies everything until a policy is set. */
  public static FakeAuthZen start() {
    return new FakeAuthZen();
  }

  /** Answers with {@code X-Request-ID: id} instead of the request's (a crossed answer). */
  public FakeAuthZen echoRequestId(String id) {
    this.echo = id;
    return this;
  }

  /** Answers a batch with one decision fewer than asked for. */
  public FakeAuthZen dropLastEvaluation() {
    this.dropLast = true;
    return this;
  }

  @Override
  Answer answer(String path, Map<String, Object> body, Function<PdpInput, Object> policy, Object fixed,
      boolean fixedResult, Map<String, List<String>> responseHeaders, RecordedRequest request) {
    String id = echo != null ? echo : request.header("X-Request-ID").orElse(null);
    if (id != null) {
      responseHeaders.put("X-Request-ID", List.of(id));
    }
    if (path.equals("/access/v1/evaluation")) {
      return new Answer(200, decision(fixedResult ? fixed : policy.apply(input(body))));
    }
    if (path.equals("/access/v1/evaluations")) {
      if (!(body.get("evaluations") instanceof List<?> items)) {
        return new Answer(400, Map.of("error", "evaluations missing"));
      }
      List<Object> out = new ArrayList<>();
      for (Object item : items) {
        Map<String, Object> merged = new LinkedHashMap<>();
        for (String key : List.of("subject", "action", "resource", "context")) {
          Object v = item instanceof Map<?, ?> m && m.containsKey(key) ? m.get(key) : body.get(key);
          if (v != null) {
            merged.put(key, v);
          }
        }
        out.add(decision(fixedResult ? fixed : policy.apply(input(merged))));
      }
      if (dropLast && !out.isEmpty()) {
        out.remove(out.size() - 1);
      }
      return new Answer(200, Map.of("evaluations", out));
    }
    return null;
  }

  private static Map<String, Object> decision(Object value) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("decision", value);
    return d;
  }
}
