package dev.zt.samples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.testkit.TestClock;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.conformance.RawHttp;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A staged signing-key rotation at the gateway, end to end against the built orders-service (a child process,
 * internal mode): a changed {@code GATEWAY_SIGNING_KEY} is published in the JWKS at once and signs only after
 * {@code GATEWAY_KEY_ACTIVATION} (here {@code PT40S}, so the gateway's {@link TestClock} moves less than
 * orders-service's 60 s clock skew: orders-service runs on real time), so a workload that spends orders-service's
 * unknown-kid refetch with a made-up {@code kid} cannot make the switch fail.
 *
 * <p>orders-service's JWKS cache (5 min, real time) does not expire during the test; the fetch that brings it the
 * published key here is the made-up kid's refetch, standing for the cache refresh that the default activation delay
 * (6 min, longer than the 5 min cache) guarantees. zt-testkit's {@code SigningKeyRotationTests} shows that refresh
 * itself on a clock shared with the verifier.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayKeyRotationEndToEndTests {

  private static final TestTrustDomain EXAMPLE = TestTrustDomain.create("example.org");

  @TempDir
  static Path dir;

  private final TestClock clock = TestClock.at(Instant.now());
  private TestIssuer client;
  private TestSvid gatewaySvid;
  private Path signingKey;
  private int ordersMtlsPort;
  private Gateway gateway;
  private OrdersServiceChild orders;
  private Map<String, String> env;

  @BeforeAll
  void start() throws Exception {
    client = TestIssuer.start(clock);
    gatewaySvid = EXAMPLE.issueX509Svid("/ns/edge/sa/gateway");
    TestSvid ordersSvid = EXAMPLE.issueX509Svid("/ns/shop/sa/orders");
    Path bundle = Files.writeString(dir.resolve("bundle.pem"), EXAMPLE.bundle().pem());
    signingKey = Files.writeString(dir.resolve("signing-key.pem"),
        GatewayEndToEndTests.pem(GatewayEndToEndTests.newSigningKey()));
    ordersMtlsPort = GatewayEndToEndTests.freePort();
    env = new HashMap<>(Map.of(
        "ZT_ISSUER", client.issuer(),
        "ZT_AUDIENCE", TestIssuer.defaultAudience(),
        "GATEWAY_UPSTREAM", "https://127.0.0.1:" + ordersMtlsPort,
        "ZT_SVID_CERT", Files.writeString(dir.resolve("gw.pem"), gatewaySvid.chainPem()).toString(),
        "ZT_SVID_KEY", Files.writeString(dir.resolve("gw.key"), gatewaySvid.keyPem()).toString(),
        "ZT_TRUST_DOMAIN", "example.org",
        "ZT_X509_BUNDLE", bundle.toString(),
        "ZT_HOST", "127.0.0.1",
        "PORT", "0"));
    env.put("GATEWAY_SIGNING_KEY", signingKey.toString());
    env.put("GATEWAY_KEY_ACTIVATION", "PT40S");
    gateway = Gateway.start(GatewayConfig.fromEnvironment(env), clock, env);

    Map<String, String> ordersEnv = OrdersServiceChild.internalModeEnvironment(client.issuer(),
        TestIssuer.defaultAudience(), ordersMtlsPort,
        Files.writeString(dir.resolve("orders.pem"), ordersSvid.chainPem()),
        Files.writeString(dir.resolve("orders.key"), ordersSvid.keyPem()), bundle,
        gateway.internalIssuer(), gateway.spiffeId());
    orders = OrdersServiceChild.start(ordersEnv);
  }

  @AfterAll
  void stop() throws Exception {
    if (orders != null) {
      System.out.println("orders-service output:\n  " + String.join("\n  ", orders.output()));
    }
    for (AutoCloseable c : new AutoCloseable[] {gateway, orders, client}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void signingKeyFileWhenChangedThenPublishedAheadAndTheSwitchNeedsNoRefetchThatAWorkloadCouldHaveSpent()
      throws Exception {
    assertThat(whoami("alice").status()).isEqualTo(200); // orders-service has fetched the JWKS: the current key
    String current = gateway.minter().signingKeyId();
    ECKey next = GatewayEndToEndTests.newSigningKey();
    String nextKid = next.computeThumbprint().toString();

    Files.writeString(signingKey, GatewayEndToEndTests.pem(next));
    gateway.checkCredentials();
    assertThat(gateway.minter().publicKeys().getKeys()).extracting(JWK::getKeyID).containsExactly(current, nextKid);
    assertThat(gateway.minter().signingKeyId()).as("published, not signing yet").isEqualTo(current);
    assertThat(madeUpKidToOrdersService()).as("a workload spends the refetch").startsWith("HTTP/1.1 401");
    assertThat(whoami("bob").status()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(40)); // GATEWAY_KEY_ACTIVATION
    gateway.checkCredentials(); // the poll switches on the gateway's clock
    RawHttp.Response after = whoami("carol");

    assertThat(gateway.minter().signingKeyId()).isEqualTo(nextKid);
    assertThat(after.status()).as("the new kid, known without a refetch: " + after).isEqualTo(200);
    assertThat(after.body()).contains("\"sub\":\"carol\"");
    assertThat(gateway.minter().publicKeys().getKeys()).extracting(JWK::getKeyID).containsExactly(nextKid, current);

    // the same moment with an immediate rotation (the emergency path): the refetch is still spent, the kid unknown
    gateway.minter().rotate(GatewayEndToEndTests.newSigningKey());
    assertThat(whoami("dave").status()).isEqualTo(401);
  }

  @Test
  void signingKeyFileWhenRestoredBeforeActivationThenTheRotationIsCalledOff() throws Exception {
    Path file = Files.writeString(dir.resolve("called-off.pem"),
        GatewayEndToEndTests.pem(GatewayEndToEndTests.newSigningKey()));
    Map<String, String> env = new HashMap<>(this.env);
    env.put("GATEWAY_SIGNING_KEY", file.toString());
    env.remove("GATEWAY_KEY_ACTIVATION"); // the default, 6 min
    TestClock own = TestClock.at(Instant.now()); // not the class's: its gateway stays within orders-service's skew
    try (Gateway other = Gateway.start(GatewayConfig.fromEnvironment(env), own, env)) {
      String original = Files.readString(file);
      String current = other.minter().signingKeyId();
      Files.writeString(file, GatewayEndToEndTests.pem(GatewayEndToEndTests.newSigningKey()));
      other.checkCredentials();
      assertThat(other.minter().publicKeys().getKeys()).hasSize(2);

      Files.writeString(file, original);
      other.checkCredentials();
      own.advance(Duration.ofMinutes(6));
      other.checkCredentials();

      assertThat(other.minter().publicKeys().getKeys()).extracting(JWK::getKeyID).containsExactly(current);
      assertThat(other.minter().signingKeyId()).isEqualTo(current);
    }
  }

  // --- helpers

  private RawHttp.Response whoami(String subject) {
    return new RawHttp(gateway.port()).get("/whoami")
        .header("Authorization", "Bearer " + client.token().subject(subject).scope("orders:read").build()).send();
  }

  /** What any workload of the trust domain can send: a token naming a {@code kid} the gateway never had. */
  private String madeUpKidToOrdersService() throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("at+jwt"))
        .keyID("made-up").build(),
        new JWTClaimsSet.Builder().issuer(gateway.internalIssuer()).audience("orders-service").subject("mallory")
            .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(60))).build());
    jwt.sign(new ECDSASigner(GatewayEndToEndTests.newSigningKey()));
    // another workload of the trust domain: its token reaches the credential gate before the route's peer rule
    SSLContext tls = TestTrustDomain.sslContextFor(EXAMPLE.issueX509Svid("/ns/shop/sa/reports"), EXAMPLE);
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", ordersMtlsPort)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer "
          + jwt.serialize() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
