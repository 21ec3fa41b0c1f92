package dev.zt.core.authz;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * A {@link PolicyDecisionPoint} asking Open Policy Agent's Data API: {@code POST {base}/v1/data/{path}} with
 * {@code {"input": …}} (OPA REST API, "Get a Document (with Input)"). The answer decides:
 *
 * <ul>
 *   <li>{@code 200} with {@code "result": true} → {@link PdpDecision.Allow};
 *   <li>{@code "result": false} → {@link PdpDecision.Deny} ({@code "result false"});
 *   <li>no {@code result} (OPA's undefined decision, {@code 200 {}}) → {@link PdpDecision.Deny}
 *       ({@code "undefined decision"});
 *   <li>a {@code result} that is not a boolean (an object, a string, {@code null}): the policy is misconfigured, which
 *       is neither an allow nor a deny → {@link PdpDecision.Unavailable};
 *   <li>any other status, a body that is not one strict JSON object, an answer over 64 KiB, a refused connection,
 *       no answer within the deadline → {@link PdpDecision.Unavailable}.
 * </ul>
 *
 * <p>{@code decision_id} (OPA's decision log id) is kept for the audit log. With {@link Builder#provenance(boolean)}
 * on (the default) the query asks {@code ?provenance=true} and the decision carries the policy revision: the bundles'
 * revisions as {@code name=revision} sorted by bundle name and joined by {@code ,}, or the legacy single
 * {@code provenance.revision} (longer than 200 characters or not printable ASCII: {@code sha256:} and its digest);
 * the decision cache ({@link PdpCache}) keys on it.
 *
 * <p>Asynchronous only ({@code HttpClient.sendAsync}): the calling thread (a Netty event loop) never waits; every
 * call has a deadline covering connect, headers and body; the returned stage never completes exceptionally.
 * Redirects are not followed. Plain {@code http} is accepted to a loopback host (the sidecar OPA) only, unless
 * {@link Builder#allowPlainHttp()}.
 *
 * @since 0.3
 */
public final class OpaClient implements PolicyDecisionPoint {

  private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_]+(/[A-Za-z0-9_]+)*");
  private static final int MAX_ID = 200;

  private final URI uri;
  private final String path;
  private final Duration timeout;
  private final Duration retryAfter;
  private final HttpClient client;
  private final Map<String, String> headers;
  private final boolean provenance;

  private OpaClient(Builder b, String base) {
    this.path = b.path;
    this.provenance = b.provenance == null || b.provenance;
    this.uri = URI.create(base + "/v1/data/" + b.path + (provenance ? "?provenance=true" : ""));
    this.timeout = b.settings.timeout();
    this.retryAfter = b.settings.retryAfter();
    this.client = b.settings.client();
    this.headers = b.settings.headers();
  }

  /** A builder for the OPA at {@code base} (e.g. {@code http://127.0.0.1:8181}; a trailing slash is tolerated). */
  public static Builder builder(URI base) {
    return new Builder(base);
  }

  @Override
  public CompletionStage<PdpDecision> decide(PdpInput input) {
    Objects.requireNonNull(input, "input");
    String body = "{\"input\":" + input.canonicalJson() + "}";
    return PdpHttp.post(client, uri, headers, body, timeout)
        .handle((answer, error) -> {
          if (error != null) {
            return unavailable(PdpHttp.failure(error, where(), timeout));
          }
          try {
            return judge(answer.members());
          } catch (RuntimeException e) {
            return unavailable(where() + ": answer not understood: " + e.getClass().getSimpleName());
          }
        });
  }

  /** The Data API answer, judged (package-private for tests). */
  PdpDecision judge(Map<String, Object> answer) {
    Optional<String> decisionId = answer.get("decision_id") instanceof String s && !s.isEmpty() && s.length() <= MAX_ID
        ? Optional.of(PdpHttp.printable(s)) : Optional.empty();
    Optional<String> revision = provenance ? revision(answer.get("provenance")) : Optional.empty();
    if (!answer.containsKey("result")) {
      return new PdpDecision.Deny(decisionId, revision, "undefined decision");
    }
    Object result = answer.get("result");
    if (Boolean.TRUE.equals(result)) {
      return new PdpDecision.Allow(decisionId, revision);
    }
    if (Boolean.FALSE.equals(result)) {
      return new PdpDecision.Deny(decisionId, revision, "result false");
    }
    return unavailable(where() + ": result is " + kind(result) + ", not a boolean: the policy at " + path
        + " must produce true or false");
  }

  /**
   * {@code provenance.bundles.*.revision} as {@code name=revision}, sorted by name, joined by {@code ,}; else the
   * legacy {@code provenance.revision}; else empty.
   */
  static Optional<String> revision(Object provenance) {
    if (!(provenance instanceof Map<?, ?> p)) {
      return Optional.empty();
    }
    if (p.get("bundles") instanceof Map<?, ?> bundles && !bundles.isEmpty()) {
      TreeMap<String, String> sorted = new TreeMap<>();
      for (Map.Entry<?, ?> e : bundles.entrySet()) {
        if (e.getValue() instanceof Map<?, ?> bundle && bundle.get("revision") instanceof String r) {
          sorted.put(String.valueOf(e.getKey()), r);
        }
      }
      if (sorted.entrySet().stream().anyMatch(e -> e.getKey().matches(".*[,=].*") || e.getValue().matches(".*[,=].*"))) {
        return Optional.of(PdpHttp.revision(PdpInput.of(sorted).canonicalJson())); // a=b,c=d would be ambiguous
      }
      if (!sorted.isEmpty()) {
        StringBuilder b = new StringBuilder();
        sorted.forEach((name, r) -> b.append(b.length() == 0 ? "" : ",").append(name).append('=').append(r));
        return Optional.of(PdpHttp.revision(b.toString()));
      }
    }
    if (p.get("revision") instanceof String r && !r.isEmpty()) {
      return Optional.of(PdpHttp.revision(r));
    }
    return Optional.empty();
  }

  private static String kind(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof java.util.List) {
      return "an array";
    }
    if (v instanceof String) {
      return "a string";
    }
    return "a number";
  }

  private PdpDecision.Unavailable unavailable(String why) {
    return new PdpDecision.Unavailable(why, retryAfter);
  }

  private String where() {
    return "opa " + uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
  }

  @Override
  public String name() {
    return "opa:" + path;
  }

  /** The URL asked (with {@code ?provenance=true} when on). */
  public URI uri() {
    return uri;
  }

  /** The deadline of each call. */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public String toString() {
    return "OpaClient[" + uri + ", timeout=" + timeout + ", headers=" + PdpHttp.redacted(headers) + "]";
  }

  /** Set-once options of an {@link OpaClient}; {@link #path(String)} is required. */
  public static final class Builder {
    private String path;
    private Boolean provenance;
    private final PdpHttp.Settings settings = new PdpHttp.Settings();
    private final URI base;

    private Builder(URI base) {
      this.base = Objects.requireNonNull(base, "base");
    }

    /**
     * The Data API path of the decision, e.g. {@code orders/allow} (segments of {@code [A-Za-z0-9_]}, separated by
     * {@code /}; no leading or trailing slash).
     */
    public Builder path(String path) {
      Objects.requireNonNull(path, "path");
      if (this.path != null) {
        throw new IllegalStateException("path already set to " + this.path);
      }
      if (!PATH.matcher(path).matches()) {
        throw new IllegalArgumentException("OPA path must be segments of [A-Za-z0-9_] separated by '/': " + path);
      }
      this.path = path;
      return this;
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

    /**
     * The client to send with (e.g. one with an {@code SSLContext} for mTLS to OPA). Default: HTTP/1.1, no
     * redirects, the connect timeout = {@link #timeout(Duration)}.
     */
    public Builder httpClient(HttpClient client) {
      settings.httpClient(client);
      return this;
    }

    /** An extra request header, e.g. {@code Authorization: Bearer …} for OPA's authentication; redacted in logs. */
    public Builder header(String name, String value) {
      settings.header(name, value);
      return this;
    }

    /** Whether to ask {@code ?provenance=true} and carry the bundle revision on each decision (default on). */
    public Builder provenance(boolean provenance) {
      if (this.provenance != null) {
        throw new IllegalStateException("provenance already set to " + this.provenance);
      }
      this.provenance = provenance;
      return this;
    }

    /** Accepts a plain {@code http} base URL to a host that is not loopback (the decision then travels in clear). */
    public Builder allowPlainHttp() {
      settings.allowPlainHttp();
      return this;
    }

    /** The client; immutable and thread-safe. */
    public OpaClient build() {
      if (path == null) {
        throw new IllegalStateException("OPA decision path not set: path(\"orders/allow\")");
      }
      return new OpaClient(this, PdpHttp.base("OPA", base, settings.plainHttp()));
    }
  }
}
