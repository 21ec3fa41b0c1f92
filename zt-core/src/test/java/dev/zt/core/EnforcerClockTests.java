package dev.zt.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RateLimit;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.trust.TrustPolicy;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The clock is read once per request on the steady path (issue 19): a cached token with every gate on — the
 * countermeasures' checks, the credential's cache, inspection, trust (token age, behaviour baseline), rate (Bucket4j's
 * time), policy and audit — is decided at the one time the request was stamped with, and no gate, cache ticker or
 * bucket reads the clock again.
 */
class EnforcerClockTests {

  private static final String ISSUER = "https://issuer.test";
  private static final java.net.InetAddress CLIENT = address("203.0.113.7");

  private static java.net.InetAddress address(String literal) {
    try {
      return java.net.InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** A settable clock that counts its reads and remembers where each came from. */
  static final class CountingClock extends Clock {
    private volatile long millis;
    private final List<String> reads = new ArrayList<>();
    private volatile boolean counting;

    CountingClock(Instant start) {
      this.millis = start.toEpochMilli();
    }

    void advance(Duration d) {
      millis += d.toMillis();
    }

    void count() {
      synchronized (reads) {
        reads.clear();
      }
      counting = true;
    }

    List<String> reads() {
      counting = false;
      synchronized (reads) {
        return List.copyOf(reads);
      }
    }

    private void read() {
      if (counting) {
        String where = Arrays.stream(new Throwable().getStackTrace()).skip(2).limit(6)
            .map(StackTraceElement::toString).collect(Collectors.joining(" < "));
        synchronized (reads) {
          reads.add(where);
        }
      }
    }

    @Override
    public long millis() {
      read();
      return millis;
    }

    @Override
    public Instant instant() {
      read();
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  private final CountingClock clock = new CountingClock(Instant.parse("2026-01-01T00:00:00Z"));
  private Enforcer enforcer;
  private String header;

  @BeforeEach
  void setUp() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
    Instant now = clock.instant();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k")
        .type(new JOSEObjectType("at+jwt")).build(), new JWTClaimsSet.Builder().issuer(ISSUER)
        .audience("api").subject("u").claim("scope", "orders:read").issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(900))).build());
    jwt.sign(new ECDSASigner(key));
    header = "Bearer " + jwt.serialize();
    JWK published = key.toPublicJWK();
    enforcer = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer(ISSUER).audience("api")
            .keySource((selector, context) -> selector.select(new JWKSet(published))).build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.allScopes("orders:read"))
            .get("/status", Requirement.permitAll()).build())
        .openTelemetry(OpenTelemetry.noop())
        .trust(TrustPolicy.defaults())
        .rateLimits(RatePolicy.builder().defaultLimit(RateLimit.of("r", 1_000_000, Duration.ofSeconds(1))).build())
        .detection(Detection.defaults())
        .countermeasures(CountermeasurePolicy.defaults())
        .clock(clock)
        .build();
    // the token is validated (and the identity's state, baseline and buckets made) by the first requests
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofMillis(10));
      assertThat(enforce(stamped()).allowed()).isTrue();
    }
  }

  private RequestContext.Builder request() {
    List<String> values = List.of(new String(header.toCharArray()));
    return RequestContext.builder("GET", "/orders")
        .rawQuery("q=widgets")
        .clientAddress(CLIENT) // not loopback: the source checks and counters apply
        .headers(name -> name.equalsIgnoreCase("Authorization") ? values : List.of());
  }

  private RequestContext stamped() {
    return enforcer.stampArrival(request()).build();
  }

  private Decision enforce(RequestContext request) {
    return enforcer.enforce(request).toCompletableFuture().join();
  }

  @Test
  void enforceWhenCachedTokenAndEveryGateOnAndArrivalStampedThenTheStampIsTheOnlyClockRead() {
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMillis(400)); // time moves: buckets refill, the identity is looked up again each second
      clock.count();
      Decision d = enforce(stamped());
      List<String> reads = clock.reads();

      assertThat(d.allowed()).isTrue();
      assertThat(reads).as("clock reads of one stamped request: the stamp only").hasSize(1);
      assertThat(reads.get(0)).contains("Enforcer.stampArrival");
    }
  }

  @Test
  void enforceWhenCachedTokenAndEveryGateOnAndArrivalNotStampedThenTheEnforcerReadsTheClockOnce() {
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMillis(400));
      RequestContext request = request().build(); // the adapter did not stamp it: the enforcer reads its clock
      clock.count();
      Decision d = enforce(request);
      List<String> reads = clock.reads();

      assertThat(d.allowed()).isTrue();
      assertThat(reads).as("clock reads of one request").hasSize(1);
    }
  }

  @Test
  void enforceWhenAnonymousAndEveryGateOnThenTheStampIsTheOnlyClockRead() {
    // the first request makes the address's and the network's buckets (the store's cache reads the clock then)
    assertThat(enforce(enforcer.stampArrival(RequestContext.builder("GET", "/status").clientAddress(CLIENT))
        .build()).allowed()).isTrue();
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMillis(400)); // the address's and its network's buckets, looked up each second
      clock.count();
      Decision d = enforce(enforcer.stampArrival(RequestContext.builder("GET", "/status").clientAddress(CLIENT))
          .build());
      List<String> reads = clock.reads();

      assertThat(d.allowed()).isTrue();
      assertThat(reads).as("clock reads of one anonymous request").hasSize(1);
    }
  }
}
