package dev.zt.testkit.pdp;

import dev.zt.core.authz.PdpInput;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An in-process stand-in for Open Policy Agent's Data API, written to its published contract (OPA REST API, "Get a
 * Document (with Input)"): {@code POST /v1/data/{path}} with {@code {"input": …}} answers {@code 200} with
 * {@code {"result": …, "decision_id": …}}, and {@code "provenance"} when the query asks {@code provenance=true}.
 * No OPA binary can be installed where zt is built, so zt's tests (and yours) run against this.
 *
 * <p>The policy is a function of the input; what it returns is the {@code result} ({@link #UNDEFINED} leaves
 * {@code result} out: OPA's undefined decision). Failure modes: {@link #respondWith(int, String)}, {@link #hang()},
 * {@link #malformed()}, {@link #undefined()}, {@link #result(Object)}. Requests are recorded. Loopback only, a port
 * chosen by the system; {@link #close()} releases hung requests.
 *
 * <pre>{@code
 * FakeOpa opa = FakeOpa.start().allowWhen(in -> in.get("caller.sub").equals(in.get("resource.owner")));
 * OpaClient client = OpaClient.builder(opa.baseUri()).path("orders/allow").build();
 * PdpDecision decision = client.decide(PdpInput.of(Map.of("caller", Map.of("sub", "alice"),
 *     "resource", Map.of("type", "order", "id", "42", "owner", "alice")))).toCompletableFuture().join();
 * opa.close();
 * }</pre>
 *
 * @since 0.3
 */
public final class FakeOpa extends FakePdpServer<FakeOpa> {

  /** What a policy returns for OPA's undefined decision (no {@code result} in the answer). */
  public static final Object UNDEFINED = new Object() {
    @Override
    public String toString() {
      return "UNDEFINED";
    }
  };

  private final AtomicLong decisions = new AtomicLong();
  private volatile String revision;
  private volatile Map<String, String> bundles = Map.of();

  private FakeOpa() {
    super(input -> UNDEFINED);
  }

  /** A fake OPA on a loopback port whose every decision is undefined until a policy is set. */
  public static FakeOpa start() {
    return new FakeOpa();
  }

  /** Answers {@code 200 {}}: the undefined decision. */
  public FakeOpa undefined() {
    return respondWith(200, "{}");
  }

  /** The legacy single-bundle {@code provenance.revision} from now on (none until set). */
  public FakeOpa revision(String revision) {
    this.revision = Objects.requireNonNull(revision, "revision");
    return this;
  }

  /** The bundles' revisions in {@code provenance.bundles} from now on (name → revision). */
  public FakeOpa bundleRevisions(Map<String, String> bundles) {
    this.bundles = Map.copyOf(Objects.requireNonNull(bundles, "bundles"));
    return this;
  }

  @Override
  Answer answer(String path, Map<String, Object> body, Function<PdpInput, Object> policy, Object fixed,
      boolean fixedResult, Map<String, List<String>> responseHeaders, RecordedRequest request) {
    if (!path.startsWith("/v1/data/") || path.length() == "/v1/data/".length()) {
      return null;
    }
    Object result = fixedResult ? fixed : policy.apply(input(body.get("input")));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("decision_id", "fake-opa-" + decisions.incrementAndGet());
    if (result != UNDEFINED) {
      answer.put("result", result);
    }
    String query = request.query();
    if (List.of(query.split("&")).contains("provenance=true")) {
      Map<String, Object> provenance = new LinkedHashMap<>();
      provenance.put("version", "fake");
      String r = revision;
      if (r != null) {
        provenance.put("revision", r);
      }
      if (!bundles.isEmpty()) {
        Map<String, Object> b = new TreeMap<>();
        bundles.forEach((name, rev) -> b.put(name, Map.of("revision", rev)));
        provenance.put("bundles", b);
      }
      answer.put("provenance", provenance);
    }
    return new Answer(200, answer);
  }
}
