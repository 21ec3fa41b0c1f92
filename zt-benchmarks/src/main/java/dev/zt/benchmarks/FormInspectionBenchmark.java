package dev.zt.benchmarks;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.Decision;
import dev.zt.core.detect.Detection;
import dev.zt.core.Enforcer;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.RequestContext;
import dev.zt.core.RequestHeaders;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Issue 12 §3: what one pathological form costs the enforcer. The body is 64 KiB of {@code '&} pairs (32 Ki fields,
 * each a lone quote): {@code defaultCap} with the default field cap (1000: refused 413 after one counting pass),
 * {@code everyFieldInspected} with the cap at its maximum (100 000: each of the 32 Ki fields goes through the SQL
 * detector), and {@code benignForm} a small ordinary form for scale. Each call is a whole enforcement: the request
 * is allowed without the body ({@link Decision.ReadForm}), then completed with it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FormInspectionBenchmark {

  private static final byte[] PAIRS = "'&".repeat(32 * 1024).getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BENIGN = "name=O%27Brien&comment=It%27s+a+fine+order&qty=3"
      .getBytes(StandardCharsets.US_ASCII);

  private Enforcer capped;
  private Enforcer uncapped;

  @Setup
  public void setUp() {
    capped = enforcer(Detection.defaults());
    uncapped = enforcer(Detection.defaults().withMaxFormFields(100_000));
    if (run(capped, PAIRS).allowed() || !run(uncapped, PAIRS).allowed() || !run(capped, BENIGN).allowed()) {
      throw new IllegalStateException("unexpected decisions: the benchmark would measure something else");
    }
  }

  private static Enforcer enforcer(Detection detection) {
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().post("/comments", Requirement.permitAll()).build())
        .rateLimits(RatePolicy.none())
        .detection(detection)
        .openTelemetry(OpenTelemetry.noop())
        .build();
  }

  private static Decision run(Enforcer enforcer, byte[] body) {
    RequestContext ctx = RequestContext.builder("POST", "/comments")
        .headers(RequestHeaders.of(Map.of("Content-Type", List.of("application/x-www-form-urlencoded"))))
        .build();
    Decision first = enforcer.enforce(ctx).toCompletableFuture().join();
    if (!(first instanceof Decision.ReadForm read)) {
      throw new IllegalStateException("expected ReadForm, got " + first);
    }
    return enforcer.enforceForm(read, ctx.withFormBody(body)).toCompletableFuture().join();
  }

  @Benchmark
  public Decision defaultCap() {
    return run(capped, PAIRS);
  }

  @Benchmark
  public Decision everyFieldInspected() {
    return run(uncapped, PAIRS);
  }

  @Benchmark
  public Decision benignForm() {
    return run(capped, BENIGN);
  }
}
