package dev.zt.policy;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.RequestHeaders;
import dev.zt.core.internal.ClientAddresses;
import dev.zt.core.internal.pipeline.CoreAccess;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a policy file's embedded tests: for each, a fresh enforcer built from the file (so no test sees another's rate
 * buckets or countermeasures), a real token minted from the test's claims by {@link TestTokens} and the request
 * decided as the service would decide it; a test with an object check then makes it, as the application would once
 * the request is allowed, and that decision is the one compared. A file whose tests fail should not be used: the hot reload refuses it.
 *
 * @since 0.3
 */
public final class PolicyTests {

  private static final long DECISION_TIMEOUT_SECONDS = 10;

  private PolicyTests() {}

  /** Runs {@code file}'s tests with the system clock. */
  public static PolicyTestReport run(PolicyFile file) {
    return run(file, Clock.systemUTC());
  }

  /** Runs {@code file}'s tests with {@code clock} (the enforcers' and the tokens'). */
  public static PolicyTestReport run(PolicyFile file, Clock clock) {
    TestTokens tokens = TestTokens.forPolicy(file, clock);
    return run(file, new Source(tokens::enforcerBuilder, tokens::mint), clock);
  }

  /**
   * Runs {@code file}'s tests against real issuers: each test's enforcer comes from a fresh builder of
   * {@code enforcers} (typically {@link PolicyFile#enforcerBuilder()} of the file loaded with its issuer variables
   * pointing at a test issuer, so keys are fetched from it and tokens validated for real), and each test's token
   * from {@code mintToken}, handed the complete claims to sign: the test's claims with {@code iss}, {@code aud}
   * (the issuer's first audience), {@code iat}, {@code exp} and {@code jti} filled in as {@link TestTokens#mint}
   * does, times in seconds since the epoch. The enforcers' decisions stay out of the operators' audit log and
   * telemetry, as with {@link #run(PolicyFile, Clock)}. zt-testkit's {@code PolicyTestFactory} runs tests this way.
   */
  public static PolicyTestReport run(PolicyFile file, Supplier<Enforcer.Builder> enforcers,
      Function<Map<String, Object>, String> mintToken, Clock clock) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(enforcers, "enforcers");
    Objects.requireNonNull(mintToken, "mintToken");
    Objects.requireNonNull(clock, "clock");
    TestTokens claims = TestTokens.forPolicy(file, clock); // only completes the claims: its keys sign nothing here
    return run(file, new Source(() -> CoreAccess.enforcers().quietAudit(enforcers.get()),
        c -> mintToken.apply(Collections.unmodifiableMap(claims.complete(c)))), clock);
  }

  /** Where a run's enforcers and tokens come from. */
  private record Source(Supplier<Enforcer.Builder> enforcers, Function<Map<String, Object>, String> mint) {}

  private static PolicyTestReport run(PolicyFile file, Source source, Clock clock) {
    List<PolicyTestResult> results = new ArrayList<>();
    for (PolicyTestCase test : file.tests()) {
      results.add(run(test, source, clock));
    }
    return new PolicyTestReport(file.name(), file.revision(), results);
  }

  /** The decision on {@code test}'s request by an enforcer from {@code tokens}' builder (the CLI's explain). */
  public static Decision decide(PolicyTestCase test, TestTokens tokens, Clock clock) {
    return decide(test, new Source(tokens::enforcerBuilder, tokens::mint), clock);
  }

  private static Decision decide(PolicyTestCase test, Source source, Clock clock) {
    Enforcer enforcer = source.enforcers().get().clock(clock).build();
    RequestContext request = request(test, source);
    try {
      Decision d = enforcer.enforce(request).toCompletableFuture().get(DECISION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (d instanceof Decision.ReadForm form) {
        d = enforcer.enforceForm(form, request.withFormBody(new byte[0])).toCompletableFuture()
            .get(DECISION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
      if (d instanceof Decision.Allow allow && test.object().isPresent()) {
        PolicyTestCase.ObjectCheck o = test.object().get();
        d = enforcer.authorization(request, allow).checkAsync(o.action(), o.resource()).toCompletableFuture()
            .get(DECISION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
      return d;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("no decision on " + test.request() + ": " + e, e);
    }
  }

  private static PolicyTestResult run(PolicyTestCase test, Source source, Clock clock) {
    Decision d;
    try {
      d = decide(test, source, clock);
    } catch (RuntimeException e) {
      return new PolicyTestResult(test, false, 0, "", Optional.empty(), "error: " + e.getMessage());
    }
    int status = status(d);
    Optional<DenyReason> reason = d instanceof Decision.Deny deny ? Optional.of(deny.reason()) : Optional.empty();
    List<String> wrong = new ArrayList<>();
    PolicyTestCase.Expected e = test.expected();
    e.allow().ifPresent(a -> {
      if (a != d.allowed()) {
        wrong.add(a ? "expected an allow" : "expected a deny");
      }
    });
    e.status().ifPresent(s -> {
      if (s != status) {
        wrong.add("expected status " + s + ", got " + status);
      }
    });
    e.reason().ifPresent(r -> {
      if (!reason.equals(Optional.of(r))) {
        wrong.add("expected reason " + r + ", got " + reason.map(String::valueOf).orElse("none (allowed)"));
      }
    });
    e.rule().ifPresent(r -> {
      if (!r.equals(d.rule())) {
        wrong.add("expected rule '" + r + "', got '" + d.rule() + "'");
      }
    });
    return new PolicyTestResult(test, wrong.isEmpty(), status, d.rule(), reason,
        wrong.isEmpty() ? "ok" : String.join("; ", wrong));
  }

  /** The status the service would answer: 200 for an allow (the application answers). */
  static int status(Decision d) {
    if (d instanceof Decision.Deny deny) {
      return deny.status();
    }
    if (d instanceof Decision.Answer answer) {
      return answer.response().status();
    }
    return 200;
  }

  private static RequestContext request(PolicyTestCase test, Source source) {
    Map<String, List<String>> headers = new LinkedHashMap<>(test.headers());
    test.claims().ifPresent(c -> {
      if (headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Authorization"))) {
        headers.put("Authorization", List.of("Bearer " + source.mint().apply(c)));
      }
    });
    InetAddress client = test.clientAddress().flatMap(ClientAddresses::literal)
        .orElse(InetAddress.getLoopbackAddress());
    return RequestContext.forRequestTarget(test.method(), test.target()).headers(RequestHeaders.of(headers))
        .clientAddress(client).build();
  }
}
