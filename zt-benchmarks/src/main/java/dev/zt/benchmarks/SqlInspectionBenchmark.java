package dev.zt.benchmarks;

import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;
import io.opentelemetry.api.OpenTelemetry;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Issue 20: what SQL-injection inspection costs per query value, benign and attack. One operation is a whole
 * enforcement of an anonymous {@code GET /search?q=…} (a permitted route) with one query parameter, its value taken in
 * turn from a fixed list: hard benign values (names with apostrophes, prose with quotes and {@code --}, searches,
 * code) or attacks (payload lists and rendered scanner payloads). The {@code …DetectionOff} twins run the same
 * requests with {@link Detection#off()}, so the difference is the inspection's own cost. The client is loopback, which
 * is never blocked or counted, so every attack reaches the detector and is refused by it (setup checks both).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SqlInspectionBenchmark {

  /** Hard benign values, as the corpora in zt-core's test resources hold them. */
  static final List<String> BENIGN = List.of(
      "O'Brien", "D'Angelo, Maria", "O’Neil Jr.", "It's John's book!!", "rock'n'roll", "Don't -- really",
      "\"Quote text.\" -- Mark Twain", "Select your size", "delete from cart", "red shoes size 10 uk",
      "BLUE DRESS WITH HAT 18", "1.0 or newer is required", "if \"--no-cache\" in opts:", "x = f(a, b) || c;",
      "{\"q\":\"shoes\",\"p\":2}", "john@example.com", "Step 1; select the file", "sleep (lots of it)",
      "the '--with-x' option", "Press the '=' key");

  /** Attacks from the payload lists and sqlmap's rendered payloads. */
  static final List<String> ATTACKS = List.of(
      "' OR 1=1--", "1 UNION SELECT 1,2,3", "admin'--", "1' AND SLEEP(5)#", "1;DROP TABLE users",
      "-1' UNION ALL SELECT NULL,CONCAT(0x71,user(),0x71)-- x", "42` WHERE 1049=8008 OR SLEEP(2)-- x",
      "' insert into users values('eve','x')--", " or x=x", "ELT(4095=4557,4686)", "IIF(9100=2066,1907,1/0)",
      "1or1=1", "\\x27UNION SELECT 1,2--", "CONVERT(varchar, 0x77616974666f722064656c61792027303a303a3527)",
      "1') AND EXTRACTVALUE(1,CONCAT(0x5c,(SELECT user())))-- x", "' || (SELECT banner FROM v$version) || '",
      "1 AND 3=(SELECT COUNT(*) FROM information_schema.tables)", "admin' or '1'='1", "1 ORDER BY 10--",
      "'; EXEC xp_cmdshell 'dir'--");

  private RequestContext[] benign;
  private RequestContext[] attacks;
  private Enforcer on;
  private Enforcer off;
  private int next;

  @Setup
  public void setUp() throws Exception {
    on = enforcer(Detection.defaults());
    off = enforcer(Detection.off());
    benign = requests(BENIGN);
    attacks = requests(ATTACKS);
    int[] flagged = new int[2];
    for (int round = 0; round < 3; round++) { // more verdicts than any probing threshold: still the detector's
      flagged[0] = count(benign);
      flagged[1] = count(attacks);
    }
    // Printed, not asserted, so that the same class measures the detector of any version (before and after).
    System.err.printf("SqlInspectionBenchmark: detector flags %d of %d benign and %d of %d attack values%n",
        flagged[0], benign.length, flagged[1], attacks.length);
  }

  /** How many of the requests the detector refuses; throws when anything else decides, or refuses for another reason. */
  private int count(RequestContext[] requests) {
    int flagged = 0;
    for (RequestContext r : requests) {
      Decision decision = run(on, r);
      boolean detected = decision instanceof Decision.Deny deny && deny.reason() == DenyReason.ATTACK_DETECTED;
      if (!(detected || decision.allowed()) || !run(off, r).allowed()) {
        throw new IllegalStateException("unexpected decision " + decision + " for " + r.rawQuery()
            + ": the benchmark would measure something else");
      }
      flagged += detected ? 1 : 0;
    }
    return flagged;
  }

  private static Enforcer enforcer(Detection detection) {
    return Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().get("/search", Requirement.permitAll()).build())
        .rateLimits(RatePolicy.none())
        .detection(detection)
        .openTelemetry(OpenTelemetry.noop())
        .build();
  }

  private static RequestContext[] requests(List<String> values) throws Exception {
    InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    RequestContext[] out = new RequestContext[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = RequestContext.builder("GET", "/search")
          .rawQuery("q=" + URLEncoder.encode(values.get(i), StandardCharsets.UTF_8))
          .clientAddress(loopback)
          .build();
    }
    return out;
  }

  private static Decision run(Enforcer enforcer, RequestContext request) {
    return enforcer.enforce(request).toCompletableFuture().join();
  }

  private RequestContext pick(RequestContext[] from) {
    int i = next++;
    if (next >= from.length) {
      next = 0;
    }
    return from[i % from.length];
  }

  @Benchmark
  public Decision benignValue() {
    return run(on, pick(benign));
  }

  @Benchmark
  public Decision benignValueDetectionOff() {
    return run(off, pick(benign));
  }

  @Benchmark
  public Decision attackValue() {
    return run(on, pick(attacks));
  }

  @Benchmark
  public Decision attackValueDetectionOff() {
    return run(off, pick(attacks));
  }
}
