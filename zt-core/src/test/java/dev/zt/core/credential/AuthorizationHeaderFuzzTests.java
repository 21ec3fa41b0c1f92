package dev.zt.core.credential;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.RequestHeaders;

import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.credential.JwtVerifier;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RatePolicy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.zt.core.internal.FuzzText;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fuzz target for the {@code Authorization} header as the credential gate parses it (RFC 6750 §2.1, RFC 9110
 * §11.6.2), through a whole enforcer: any header values give a decision without a fault, an anonymous decision never
 * comes from a presented bearer credential, and an allow on the protected route comes only from exactly one bearer
 * credential whose token the verifier, on its own, accepts.
 */
class AuthorizationHeaderFuzzTests {

  private static final FuzzKeys KEYS = new FuzzKeys();
  private static final Enforcer ENFORCER = Enforcer.builder()
      .bearerJwt(KEYS.config())
      .routes(RoutePolicy.builder()
          .get("/orders", Requirement.authenticated())
          .get("/public", Requirement.permitAll())
          .build())
      .rateLimits(RatePolicy.none())
      .countermeasures(CountermeasurePolicy.none())
      .clock(Clock.fixed(Instant.ofEpochMilli(FuzzKeys.NOW_MILLIS), ZoneOffset.UTC))
      .build();
  private static final JwtVerifier VERIFIER = new JwtVerifier(KEYS.config(), KEYS.jwks());

  /** Input: header values separated by line feeds; an odd-length input asks for the public route. */
  @FuzzTest(maxDuration = "4m")
  void enforceWhenAuthorizationFuzzedThenDecidesWithoutFaultAndAllowsOnlyAVerifiedToken(FuzzedDataProvider data)
      throws Exception {
    String text = FuzzText.of(data);
    List<String> values = Arrays.asList(text.split("\n", -1));
    String path = text.length() % 2 == 0 ? "/orders" : "/public";
    RequestContext request = RequestContext.builder("GET", path)
        .headers(RequestHeaders.of(Map.of("Authorization", values)))
        .arrival(Instant.ofEpochMilli(FuzzKeys.NOW_MILLIS))
        .build();

    Decision decision = ENFORCER.enforce(request).toCompletableFuture().get(10, TimeUnit.SECONDS);

    if (decision instanceof Decision.Deny deny) {
      assertThat(deny.reason()).isNotEqualTo(DenyReason.INTERNAL_ERROR);
      return;
    }
    Caller caller = ((Decision.Allow) decision).caller();
    boolean bearer = values.size() == 1 && values.get(0).strip().regionMatches(true, 0, "Bearer ", 0, 7);
    if (bearer) {
      assertThat(caller.isAuthenticated()).as("a presented bearer credential never yields an anonymous allow").isTrue();
    }
    if (path.equals("/orders") || caller.isAuthenticated()) {
      assertThat(bearer).isTrue();
      String token = values.get(0).strip().substring(7).strip();
      assertThat(VERIFIER.verify(token, FuzzKeys.NOW_MILLIS)).isInstanceOf(JwtVerifier.Ok.class);
    }
  }
}
