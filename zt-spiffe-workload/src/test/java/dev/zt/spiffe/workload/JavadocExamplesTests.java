package dev.zt.spiffe.workload;

import static dev.zt.testkit.ZtAssertions.assertThatDecision;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.apicheck.JavadocExamples;
import dev.zt.core.DenyReason;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.spiffe.JwtSvidResult;
import dev.zt.spiffe.JwtSvidVerifier;
import dev.zt.spiffe.PeerAuthorizer;
import dev.zt.spiffe.SpiffePeerVerifier;
import dev.zt.spiffe.SpiffeSslContexts;
import dev.zt.spiffe.TrustDomain;
import dev.zt.spiffe.X509Source;
import dev.zt.testkit.TestRequest;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * zt-spiffe-workload's Javadoc examples, compiled here (the regions between the example markers) and run against
 * the fake Workload API; {@link JavadocExamples} fails when an example in the main sources is not in one of these
 * regions.
 */
class JavadocExamplesTests {

  private static final TestTrustDomain DOMAIN = TestTrustDomain.create("example.org");

  private final TestSvid checkout = DOMAIN.issueX509Svid("/ns/shop/sa/checkout");
  private final FakeWorkloadApi api = FakeWorkloadApi.start(DOMAIN, checkout);
  private int served;

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void javadocWhenScannedThenEveryExampleIsCompiledHere() {
    JavadocExamples.assertEveryExampleCompiles();
  }

  @Test
  void packageExampleWhenEndpointServesThenEnforcerAdmitsTheWorkloadByItsSvid() {
    String endpoint = api.endpoint();
    BearerJwt tokens = BearerJwt.issuer("https://idp.example.com").audience("orders-api").build();
    // example: workload package
    try (WorkloadApiClient workloadApi = WorkloadApiClient.builder()
        .endpoint(endpoint) // "unix:/…"; without it, SPIFFE_ENDPOINT_SOCKET
        .build()) {
      X509Source source = workloadApi.awaitFirstSnapshot(Duration.ofSeconds(10));
      SSLContext tls = SpiffeSslContexts.server(source, PeerAuthorizer.memberOf(TrustDomain.parse("example.org")));
      Enforcer enforcer = Enforcer.builder()
          .bearerJwt(tokens)
          .peerVerifier(SpiffePeerVerifier.of(source, Clock.systemUTC()))
          .routes(RoutePolicy.builder()
              .get("/inventory", Requirement.workload("spiffe://example.org/ns/shop/sa/checkout"))
              .build())
          .build();
      serve(tls, enforcer); // yours: until shutdown
    }
    // end example
    assertThat(served).isEqualTo(1);
  }

  private void serve(SSLContext tls, Enforcer enforcer) {
    assertThat(tls.getProtocol()).isEqualTo("TLS");
    assertThatDecision(enforcer.enforce(TestRequest.get("/inventory").peerCertificates(checkout.chain()).build()))
        .isAllowed();
    TestSvid other = DOMAIN.issueX509Svid("/ns/shop/sa/other");
    assertThatDecision(enforcer.enforce(TestRequest.get("/inventory").peerCertificates(other.chain()).build()))
        .isDenied();
    assertThatDecision(enforcer.enforce(TestRequest.get("/inventory").build()))
        .isDeniedWith(DenyReason.CREDENTIAL_MISSING);
    served++;
  }

  @Test
  void jwtSvidExampleWhenFetchedThenVerifiesForItsAudience() {
    try (WorkloadApiClient workloadApi = WorkloadApiClient.builder().endpoint(api.endpoint()).build()) {
      // example: JWT-SVID for another service
      JwtSvidToken svid = workloadApi.fetchJwtSvid("payments-api");
      String authorization = "Bearer " + svid.token();
      // end example
      assertThat(authorization).startsWith("Bearer ey");
      JwtSvidResult result = JwtSvidVerifier.builder().audiences("payments-api").clock(Clock.systemUTC()).build()
          .verify(svid.token(), workloadApi.fetchJwtBundles());
      assertThat(result).isInstanceOf(JwtSvidResult.Verified.class);
    }
  }
}
