package dev.zt.testkit.it.core;

import dev.zt.core.Caller;
import dev.zt.core.Decision;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.internal.pipeline.CoreAccess;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static dev.zt.testkit.ZtAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several credential sources (issue 13; issue 14 "several issuers"): {@code Enforcer.Builder.bearerJwt} given once per
 * issuer; a token goes to the issuer its unverified {@code iss} names exactly and is verified with that issuer's keys
 * and audience only; an unknown issuer is refused without contacting anything.
 */
class SeveralIssuersTests {

  private final TestClock clock = TestClock.create();
  private TestIssuer a;
  private TestIssuer b;
  private TestIssuer stranger;
  private Enforcer enforcer;

  @BeforeEach
  void setUp() {
    a = TestIssuer.start(clock);
    b = TestIssuer.start(clock);
    stranger = TestIssuer.start(clock);
    enforcer = Enforcer.builder()
        .bearerJwt(a.bearerJwt().build())
        .bearerJwt(BearerJwt.issuer(b.issuer()).audience("partner-api").build())
        .routes(Fixtures.routes())
        .clock(clock)
        .build();
  }

  @AfterEach
  void tearDown() {
    a.close();
    b.close();
    stranger.close();
  }

  private Decision get(String token) {
    return await(enforcer.enforce(TestRequest.get("/orders").bearer(token).clock(clock).build()));
  }

  @Test
  void enforceWhenTokenOfEitherIssuerThenAllowedWithItsOwnAudience() {
    assertThatDecision(get(a.token().scope("orders:read").build())).isAllowed();
    assertThatDecision(get(b.token().audience("partner-api").scope("orders:read").build())).isAllowed();
  }

  @Test
  void enforceWhenSecondIssuersTokenCarriesTheFirstsAudienceThenDeniedAudienceMismatch() {
    // each issuer has its own audience: b's tokens for a's audience are not for this configuration
    assertThatDecision(get(b.token().scope("orders:read").build()))
        .isDeniedWith(DenyReason.TOKEN_AUDIENCE_MISMATCH);
  }

  @Test
  void enforceWhenIssuerUnknownThenDeniedIssuerMismatchWithoutContactingIt() {
    assertThatDecision(get(stranger.token().scope("orders:read").build()))
        .isDeniedWith(DenyReason.TOKEN_ISSUER_MISMATCH);
    assertThat(stranger.jwksRequests()).as("an unverified iss never names a URL zt contacts").isZero();
    assertThat(stranger.discoveryRequests()).isZero();
  }

  @Test
  void enforceWhenTokenNamesOneIssuerButIsSignedByAnothersKeyThenDeniedAndNoPooledKeys() {
    // b signs a token claiming to be a's: verified only against a's keys, never against a pool of all keys
    String forged = b.token().issuer(a.issuer()).scope("orders:read").build();

    Decision d = get(forged);

    assertThatDecision(d).isDenied();
    assertThat(((Decision.Deny) d).reason()).isIn(DenyReason.TOKEN_KEY_UNKNOWN, DenyReason.TOKEN_SIGNATURE_INVALID);
  }

  @Test
  void enforceWhenSameSubjectFromTwoIssuersThenTwoIdentities() {
    Decision fromA = get(a.token().subject("alice").scope("orders:read").build());
    Decision fromB = get(b.token().subject("alice").audience("partner-api").scope("orders:read").build());

    Caller callerA = ((Decision.Allow) fromA).caller();
    Caller callerB = ((Decision.Allow) fromB).caller();
    assertThat(callerA.credential().orElseThrow().issuer()).isEqualTo(a.issuer());
    assertThat(callerB.credential().orElseThrow().issuer()).isEqualTo(b.issuer());
    // the first issuer's identities are keyed as with one issuer; another issuer's carry its name: two rate buckets,
    // two behaviour baselines, never one shared across tenants
    assertThat(CoreAccess.callers().identityKey(callerA)).isEqualTo("sub:alice");
    assertThat(CoreAccess.callers().identityKey(callerB)).isEqualTo("sub:alice iss:" + b.issuer());
  }

  @Test
  void enforceWhenIssuerOfATokenCannotBeReadThenRefusedByTheFirstIssuerAsWithOneIssuer() {
    assertThatDecision(get("not-a-jwt")).isDeniedWith(DenyReason.TOKEN_MALFORMED);
    // a payload that is not JSON is read only once a signature verified: this one's does not
    assertThatDecision(get("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln")).isDeniedWith(DenyReason.TOKEN_SIGNATURE_INVALID);
    // ... and one the first issuer really signed is malformed
    assertThatDecision(get(a.token().rawPayload("not json").build())).isDeniedWith(DenyReason.TOKEN_MALFORMED);
  }

  @Test
  void enforceWhenIssWithTrailingSlashOrOtherCaseThenDeniedIssuerMismatch() {
    assertThatDecision(get(a.token().issuer(a.issuer() + "/").scope("orders:read").build()))
        .isDeniedWith(DenyReason.TOKEN_ISSUER_MISMATCH);
    assertThatDecision(get(a.token().issuer(a.issuer().toUpperCase(java.util.Locale.ROOT)).scope("orders:read")
        .build())).isDeniedWith(DenyReason.TOKEN_ISSUER_MISMATCH);
  }

  @Test
  void bearerJwtWhenSameIssuerTwiceThenRefused() {
    Enforcer.Builder builder = Enforcer.builder().bearerJwt(a.bearerJwt().build());

    assertThatThrownBy(() -> builder.bearerJwt(a.bearerJwt().build()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(a.issuer());
  }

  @Test
  void buildWhenIssuersDisagreeOnTheSharedBudgetThenRefusedNamingBoth() {
    Enforcer.Builder builder = Enforcer.builder()
        .bearerJwt(a.bearerJwt().build())
        .bearerJwt(b.bearerJwt().unsafeUnlimitedValidations().build())
        .routes(Fixtures.routes());

    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("validationBudget").hasMessageContaining(a.issuer()).hasMessageContaining(b.issuer());
  }

  @Test
  void enforceWhenSecondIssuerHasItsOwnSkewThenCachedTokensUseIt() {
    Enforcer strictB = Enforcer.builder()
        .bearerJwt(a.bearerJwt().clockSkew(Duration.ofMinutes(5)).build())
        .bearerJwt(b.bearerJwt().clockSkew(Duration.ZERO).build())
        .routes(Fixtures.routes())
        .clock(clock)
        .build();
    String fromB = b.token().scope("orders:read").expiresIn(Duration.ofMinutes(2)).build();
    assertThatDecision(strictB.enforce(TestRequest.get("/orders").bearer(fromB).clock(clock).build())).isAllowed();

    clock.advance(Duration.ofMinutes(3)); // expired 1 min ago: within a's skew, not b's

    assertThatDecision(strictB.enforce(TestRequest.get("/orders").bearer(fromB).clock(clock).build()))
        .isDeniedWith(DenyReason.TOKEN_EXPIRED);
  }
}
