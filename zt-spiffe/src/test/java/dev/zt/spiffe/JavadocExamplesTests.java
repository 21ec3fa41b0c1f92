package dev.zt.spiffe;

import dev.zt.apicheck.JavadocExamples;
import dev.zt.core.Enforcer;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import java.time.Clock;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * zt-spiffe's Javadoc examples, compiled here (the regions between the example markers); {@link JavadocExamples}
 * fails when an example in the main sources is not in one of these regions. They need an X.509-SVID to run, which
 * zt-spiffe cannot issue (the test authority is zt-testkit's, which depends on this module): zt-spiffe-workload's
 * {@code JavadocExamplesTests} runs the same calls with SVIDs from the testkit.
 */
class JavadocExamplesTests {

  @Test
  void javadocWhenScannedThenEveryExampleIsCompiledHere() {
    JavadocExamples.assertEveryExampleCompiles();
  }

  static Enforcer packageEntryPoint(X509Svid svid, TrustBundleSet bundles, BearerJwt tokens) {
    // example: spiffe package
    X509Source source = X509Source.of(new SvidSnapshot(svid, bundles));
    SSLContext tls = SpiffeSslContexts.server(source, PeerAuthorizer.memberOf(TrustDomain.parse("example.org")));
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(tokens)
        .peerVerifier(SpiffePeerVerifier.of(source, Clock.systemUTC()))
        .routes(RoutePolicy.builder()
            .get("/inventory", Requirement.workload("spiffe://example.org/ns/shop/sa/checkout"))
            .build())
        .build();
    // end example
    return enforcer;
  }

  static Enforcer peerVerifier(X509Source source, BearerJwt tokens, RoutePolicy routes) {
    // example: SpiffePeerVerifier
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(tokens)
        .peerVerifier(SpiffePeerVerifier.of(source, Clock.systemUTC())) // source: the rotating X509Source
        .routes(routes)
        .build();
    // end example
    return enforcer;
  }

  static Enforcer workloadTokens(BearerJwt tokens, X509Source source, Clock clock) {
    // example: SpiffeJwtSvidTokens
    Enforcer enforcer = Enforcer.builder()
        .bearerJwt(tokens)
        .workloadTokens(SpiffeJwtSvidTokens.of(
            JwtSvidVerifier.builder().audiences("orders-api").clock(clock).build(), () -> source.current().bundles()))
        .routes(RoutePolicy.builder()
            .get("/inventory", Requirement.workload("spiffe://example.org/ns/shop/sa/checkout"))
            .build())
        .build();
    // end example
    return enforcer;
  }
}
