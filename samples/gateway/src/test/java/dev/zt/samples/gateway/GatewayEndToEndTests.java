package dev.zt.samples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.zt.core.Enforcer;
import dev.zt.servlet.ZeroTrustFilter;
import dev.zt.spiffe.PeerAuthorizer;
import dev.zt.spiffe.SpiffeSslContexts;
import dev.zt.spiffe.SvidSnapshot;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.spiffe.X509Source;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.conformance.RawHttp;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * client → gateway → orders-service end to end, over real mutual TLS: orders-service is the built jar in a child
 * process (internal mode: {@code ZT_INTERNAL_ISSUER} = the gateway's issuer, {@code ZT_GATEWAY_ID} = its SPIFFE
 * ID), client tokens come from a {@link TestIssuer}, SVIDs from the testkit's SPIFFE authority. A second gateway in
 * front of a {@link RecordingUpstream} shows what reaches an upstream, header by header. Both gateways read the
 * same SVID files, so one rotation on disk rotates both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayEndToEndTests {

  private static final TestTrustDomain EXAMPLE = TestTrustDomain.create("example.org");
  private static final String GATEWAY_PATH = "/ns/edge/sa/gateway";
  private static final String GATEWAY_ID = "spiffe://example.org" + GATEWAY_PATH;

  @TempDir
  static Path dir;

  private TestIssuer client;
  private Path svidCert;
  private Path svidKey;
  private Path signingKey;
  private TestSvid gatewaySvid;
  private TestSvid ordersSvid;
  private Map<String, String> gatewayEnv;
  private int ordersMtlsPort;
  private Gateway gateway;
  private OrdersServiceChild orders;
  private RecordingUpstream stub;
  private Gateway stubGateway;

  @BeforeAll
  void start() throws Exception {
    client = TestIssuer.start();
    gatewaySvid = EXAMPLE.issueX509Svid(GATEWAY_PATH);
    ordersSvid = EXAMPLE.issueX509Svid("/ns/shop/sa/orders");
    svidCert = Files.writeString(dir.resolve("gateway-svid.pem"), gatewaySvid.chainPem());
    svidKey = Files.writeString(dir.resolve("gateway-svid.key"), gatewaySvid.keyPem());
    Path ordersCert = Files.writeString(dir.resolve("orders-svid.pem"), ordersSvid.chainPem());
    Path ordersKey = Files.writeString(dir.resolve("orders-svid.key"), ordersSvid.keyPem());
    Path bundle = Files.writeString(dir.resolve("bundle.pem"), EXAMPLE.bundle().pem());
    signingKey = Files.writeString(dir.resolve("signing-key.pem"), pem(newSigningKey()));
    ordersMtlsPort = freePort();

    gatewayEnv = new HashMap<>(Map.of(
        "ZT_ISSUER", client.issuer(),
        "ZT_AUDIENCE", "orders-api",
        "GATEWAY_UPSTREAM", "https://127.0.0.1:" + ordersMtlsPort,
        "ZT_SVID_CERT", svidCert.toString(),
        "ZT_SVID_KEY", svidKey.toString(),
        "ZT_TRUST_DOMAIN", "example.org",
        "ZT_X509_BUNDLE", bundle.toString(),
        "ZT_HOST", "127.0.0.1",
        "PORT", "0"));
    gatewayEnv.put("GATEWAY_SIGNING_KEY", signingKey.toString());
    gatewayEnv.put("GATEWAY_UPSTREAM_ID", "spiffe://example.org/ns/shop/sa/orders");
    gateway = Gateway.start(gatewayEnv);

    Map<String, String> ordersEnv = OrdersServiceChild.internalModeEnvironment(client.issuer(), "orders-api",
        ordersMtlsPort, ordersCert, ordersKey, bundle, gateway.internalIssuer(), gateway.spiffeId());
    orders = OrdersServiceChild.start(ordersEnv);

    stub = new RecordingUpstream(ordersSvid.toX509Svid(), TrustBundleSet.of(EXAMPLE.bundle().trustBundle()),
        EXAMPLE.trustDomain());
    Map<String, String> stubEnv = new HashMap<>(gatewayEnv);
    stubEnv.put("GATEWAY_UPSTREAM", "https://127.0.0.1:" + stub.port());
    stubGateway = Gateway.start(stubEnv);
  }

  @AfterAll
  void stop() throws Exception {
    if (orders != null) {
      System.out.println("orders-service output:\n  " + String.join("\n  ", orders.output()));
    }
    for (AutoCloseable c : new AutoCloseable[] {stubGateway, stub, gateway, orders, client}) {
      if (c != null) {
        c.close();
      }
    }
  }

  // --- allowed and denied requests through the gateway to the real orders-service

  @Test
  void ordersWhenClientTokenHasTheScopeThenOrdersServiceAnswersThroughTheGateway() {
    RawHttp.Response created = new RawHttp(gateway.port()).post("/orders")
        .header("Authorization", "Bearer " + client.token().subject("alice").scope("orders:write").build())
        .header("Content-Type", "application/json").body("{\"item\":\"book\",\"quantity\":1}").send();
    RawHttp.Response list = get(gateway, "/orders", client.token().subject("alice").scope("orders:read").build());

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.body()).contains("\"owner\":\"alice\"");
    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    assertThat(list.body()).contains("\"owner\":\"alice\"");
  }

  @Test
  void ordersWhenUpstreamAnswers404sThenTheGatewaysEnumerationDetectorThrottlesTheCaller() {
    // the gateway's detection is zt's default: 20 distinct paths missed, at least half of the answers 403/404
    String subject = "enumerator-" + System.nanoTime();
    String token = client.token().subject(subject).scope("orders:read").build();
    for (int i = 0; i < 20; i++) {
      RawHttp.Response r = get(gateway, "/orders/no-such-order-" + i, token);
      assertThat(r.status()).as("orders-service's own 404, proxied").isEqualTo(404);
      assertThat(r.body()).contains("no such order");
    }
    // the last report comes when the proxied answer's async cycle completes, just after the client has it
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!throttled(gateway, "sub:" + subject) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(gateway.enforcer().countermeasures().active())
        .anyMatch(a -> a.rule().equals("enumeration.identity") && a.target().equals("sub:" + subject)
            && a.kind() == dev.zt.core.countermeasure.Countermeasure.Kind.THROTTLE);
  }

  private static boolean throttled(Gateway g, String identity) {
    return g.enforcer().countermeasures().active().stream()
        .anyMatch(a -> a.rule().equals("enumeration.identity") && a.target().equals(identity));
  }

  @Test
  void ordersWhenNoTokenThenUnauthorizedAndNothingForwarded() {
    int before = stub.seen.size();

    RawHttp.Response r = new RawHttp(stubGateway.port()).get("/orders").send();

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(stub.seen).hasSize(before);
  }

  @Test
  void ordersWhenTokenLacksTheScopeThenForbiddenAndNothingForwarded() {
    int before = stub.seen.size();

    RawHttp.Response r = new RawHttp(stubGateway.port()).post("/orders")
        .header("Authorization", "Bearer " + client.token().scope("orders:read").build()).body("{}").send();
    RawHttp.Response real = new RawHttp(gateway.port()).post("/orders")
        .header("Authorization", "Bearer " + client.token().scope("orders:read").build()).body("{}").send();

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.header("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("insufficient_scope"));
    assertThat(real.status()).isEqualTo(403);
    assertThat(stub.seen).hasSize(before);
  }

  @Test
  void ordersWhenTokenExpiredThenUnauthorizedInvalidToken() {
    String expired = client.token().scope("orders:read").issuedIn(Duration.ofMinutes(-30))
        .expiresIn(Duration.ofMinutes(-10)).build();

    RawHttp.Response r = get(gateway, "/orders", expired);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
  }

  @Test
  void routeWhenNotInTheGatewaysTableThenDeniedByDefault() {
    int before = stub.seen.size();

    RawHttp.Response r = get(stubGateway, "/internal/inventory", client.token().scope("orders:read").build());

    assertThat(r.status()).isEqualTo(403);
    assertThat(stub.seen).hasSize(before);
  }

  @Test
  void whoamiWhenClientTokenThenOrdersServiceSeesOnlyTheMinimisedClaimsAndAct() throws Exception {
    String token = client.token().subject("alice").claim("sid", "s-42")
        .scope("orders:read", "orders:write", "profile", "email")
        .claim("email", "alice@example.com").claim("name", "Alice").roles("admin").build();

    RawHttp.Response r = get(gateway, "/whoami", token);

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    Map<String, Object> claims = JSONObjectUtils.getJSONObject(JSONObjectUtils.parse(r.body()), "claims");
    assertThat(claims).containsEntry("sub", "alice").containsEntry("sid", "s-42")
        .containsEntry("iss", gateway.internalIssuer()).containsEntry("client_id", "test-client")
        .containsEntry("act", Map.of("sub", GATEWAY_ID));
    assertThat(List.of(String.valueOf(claims.get("aud")))).containsAnyOf("orders-service", "[orders-service]");
    assertThat(List.of(((String) claims.get("scope")).split(" "))).containsExactlyInAnyOrder("orders:read",
        "orders:write");
    assertThat(claims.keySet()).doesNotContain("email", "name", "roles", "realm_access")
        .isSubsetOf("iss", "aud", "sub", "sid", "client_id", "scope", "act", "iat", "exp", "jti");
    assertThat(((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue())
        .isLessThanOrEqualTo(60);
  }

  @Test
  void whoamiWhenNoTokenThenUnauthorized() {
    assertThat(new RawHttp(gateway.port()).get("/whoami").send().status()).isEqualTo(401);
  }

  // --- what reaches the upstream

  @Test
  void forwardWhenAllowedThenUpstreamGetsTheInternalTokenAndNoneOfTheClientsCredentialsOrHopFields()
      throws Exception {
    String clientToken = GatewayDemo.keycloakLikeToken(client, "5d1f8a3e-6c2b-4f7e-9a61-2b7c3d4e5f60");

    RawHttp.Response r = new RawHttp(stubGateway.port()).get("/orders/42?view=full")
        .header("Authorization", "Bearer " + clientToken)
        .header("DPoP", "eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.sig")
        .header("Cookie", "session=s3cret; theme=dark")
        .header("Proxy-Authorization", "Basic dXNlcjpwYXNz")
        .header("X-Forwarded-For", "6.6.6.6")
        .header("X-Forwarded-Host", "evil.example")
        .header("X-Forwarded-Proto", "https")
        .header("Forwarded", "for=6.6.6.6;host=evil.example")
        .header("X-Real-IP", "6.6.6.6")
        .header("Via", "1.0 evil")
        .header("Connection", "keep-alive, X-Secret")
        .header("X-Secret", "hop-only")
        .header("Keep-Alive", "timeout=5")
        .header("TE", "trailers")
        .header("Proxy-Connection", "keep-alive")
        .header("X-Kept", "yes")
        .send();

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(RecordingUpstream.BODY);
    assertThat(r.header("X-Upstream")).contains("kept");
    assertThat(r.headers()).doesNotContainKey("X-Hop").doesNotContainKey("x-hop");
    RecordingUpstream.Seen seen = stub.last();
    assertThat(seen.uri()).isEqualTo("/orders/42?view=full");
    assertThat(seen.clientId()).isEqualTo(GATEWAY_ID);
    assertThat(seen.header("Authorization")).hasSize(1);
    String internal = seen.header("Authorization").get(0).substring("Bearer ".length());
    assertThat(internal).isNotEqualTo(clientToken);
    assertThat(String.join(",", seen.headers().keySet() + seen.headers().values().toString()))
        .doesNotContain(clientToken).doesNotContain("s3cret").doesNotContain("6.6.6.6").doesNotContain("evil");
    SignedJWT jwt = SignedJWT.parse(internal);
    assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
    assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(stubGateway.internalIssuer());
    assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("orders-service");
    for (String gone : List.of("dpop", "cookie", "proxy-authorization", "x-forwarded-for", "x-forwarded-host",
        "x-forwarded-proto", "x-real-ip", "x-secret", "keep-alive", "te", "proxy-connection")) {
      assertThat(seen.header(gone)).as(gone).isEmpty();
    }
    assertThat(seen.header("X-Kept")).containsExactly("yes");
    assertThat(seen.header("Via")).containsExactly("1.1 zt-gateway");
    assertThat(seen.header("Forwarded")).singleElement().asString()
        .startsWith("for=127.0.0.1;proto=http;host=")
        .endsWith(";by=\"127.0.0.1:" + stubGateway.port() + "\"");

    int clientBytes = clientToken.getBytes(StandardCharsets.US_ASCII).length;
    int internalBytes = internal.getBytes(StandardCharsets.US_ASCII).length;
    System.out.printf("token sizes: client token %d bytes, internal token %d bytes%n", clientBytes, internalBytes);
    assertThat(internalBytes).isLessThan(clientBytes);
  }

  @Test
  void forwardWhenThePathHasDotSegmentsOrEscapesThenUpstreamGetsThePathZtDecidedOn() {
    RawHttp.Response dots = new RawHttp(stubGateway.port()).get("/docs/a/../guide?x=%2F..").send();
    String dotsUri = stub.last().uri();
    RawHttp.Response escaped = new RawHttp(stubGateway.port()).get("/docs/caf%C3%A9%20menu").send();
    String escapedUri = stub.last().uri();

    assertThat(dots.status()).isEqualTo(200);
    assertThat(dotsUri).isEqualTo("/docs/guide?x=%2F..");
    assertThat(escaped.status()).isEqualTo(200);
    assertThat(escapedUri).isEqualTo("/docs/caf%C3%A9%20menu");
  }

  @Test
  void forwardWhenAnonymousOnAPublicRouteThenNoAuthorizationUpstream() {
    RawHttp.Response r = new RawHttp(stubGateway.port()).get("/health").send();

    assertThat(r.status()).isEqualTo(200);
    assertThat(stub.last().uri()).isEqualTo("/health");
    assertThat(stub.last().header("Authorization")).isEmpty();
  }

  @Test
  void proxyWhenTheAllowCarriesNoCredentialToForwardThenServiceUnavailableAndNothingSent() throws Exception {
    // an enforcer without translate: an authenticated allow carries nothing to forward, so the proxy must not send
    Enforcer untranslated = Enforcer.builder().bearerJwt(client.bearerJwt().build()).routes(Gateway.routes(java.util.Optional.of("/x")))
        .build();
    X509Source source = X509Source.of(new SvidSnapshot(gatewaySvid.toX509Svid(),
        TrustBundleSet.of(EXAMPLE.bundle().trustBundle())));
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(new ZeroTrustFilter(untranslated)), "/*", EnumSet.of(DispatcherType.REQUEST));
    ServletHolder proxy = new ServletHolder(new UpstreamProxy(URI.create("https://127.0.0.1:" + stub.port()),
        SpiffeSslContexts.client(source, PeerAuthorizer.memberOf(EXAMPLE.trustDomain()))));
    proxy.setAsyncSupported(true);
    context.addServlet(proxy, "/");
    server.setHandler(context);
    server.start();
    try {
      int before = stub.seen.size();
      String token = client.token().scope("orders:read").build();

      RawHttp.Response r = new RawHttp(connector.getLocalPort()).get("/orders")
          .header("Authorization", "Bearer " + token).send();

      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
      assertThat(r.body()).doesNotContain(token);
      assertThat(stub.seen).hasSize(before);
    } finally {
      server.stop();
    }
  }

  @Test
  void ordersWhenUpstreamDownThenBadGatewayProblemWithoutHanging() throws Exception {
    Map<String, String> env = new HashMap<>(gatewayEnv);
    env.put("GATEWAY_UPSTREAM", "https://127.0.0.1:" + freePort()); // nothing listens there
    try (Gateway down = Gateway.start(env)) {
      RawHttp.Response r = get(down, "/orders", client.token().scope("orders:read").build());

      assertThat(r.status()).isEqualTo(502);
      assertThat(r.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
      assertThat(r.body()).contains("\"status\":502");
    }
  }

  // --- the internal listener refuses client tokens

  @Test
  void internalListenerWhenClientTokenSentStraightThenUnauthorized() throws Exception {
    SSLContext asGateway = TestTrustDomain.sslContextFor(gatewaySvid, EXAMPLE);

    String response = rawTls(asGateway, ordersMtlsPort, "GET /whoami HTTP/1.1\r\nHost: localhost\r\n"
        + "Connection: close\r\nAuthorization: Bearer " + client.token().scope("orders:read").build() + "\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 401").containsIgnoringCase("invalid_token").doesNotContain("claims");
  }

  // --- the internal issuer's documents

  @Test
  void discoveryWhenFetchedThenNamesTheIssuerAndAJwksOfPublicKeys() throws Exception {
    String path = URI.create(gateway.internalIssuer()).getPath();

    RawHttp.Response discovery = new RawHttp(gateway.port()).get(path + "/.well-known/openid-configuration").send();
    RawHttp.Response jwks = new RawHttp(gateway.port()).get(path + "/jwks").send();

    assertThat(discovery.status()).isEqualTo(200);
    Map<String, Object> doc = JSONObjectUtils.parse(discovery.body());
    assertThat(doc).containsEntry("issuer", gateway.internalIssuer())
        .containsEntry("jwks_uri", gateway.internalIssuer() + "/jwks");
    assertThat(jwks.status()).isEqualTo(200);
    JWKSet set = JWKSet.parse(jwks.body());
    assertThat(set.getKeys()).isNotEmpty().allSatisfy(k -> assertThat(k.isPrivate()).isFalse());
    assertThat(jwks.body()).doesNotContain("\"d\"");
  }

  // --- rotation

  @Test
  void svidRotationWhenTheFilesChangeMidTrafficThenNoRequestFailsAndNewConnectionsPresentTheNewSvid()
      throws Exception {
    BigInteger before = currentSerial();
    String token = client.token().subject("alice").scope("orders:read").build();
    List<Integer> statuses = new CopyOnWriteArrayList<>();
    CountDownLatch warmedUp = new CountDownLatch(10);
    CountDownLatch afterRotation = new CountDownLatch(10);
    AtomicBoolean rotated = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    Thread traffic = new Thread(() -> {
      while (!stop.get()) {
        for (Gateway g : new Gateway[] {gateway, stubGateway}) {
          try {
            statuses.add(get(g, "/orders", token).status());
          } catch (RuntimeException e) {
            statuses.add(-1);
          }
        }
        warmedUp.countDown();
        if (rotated.get()) {
          afterRotation.countDown();
        }
      }
    }, "traffic");
    traffic.start();
    try {
      assertThat(warmedUp.await(60, TimeUnit.SECONDS)).isTrue();
      TestSvid next = EXAMPLE.issueX509Svid(GATEWAY_PATH);
      writeSvid(next);
      assertThat(gateway.checkCredentials()).isEqualTo(SvidFiles.Outcome.ROTATED);
      assertThat(stubGateway.checkCredentials()).isEqualTo(SvidFiles.Outcome.ROTATED);
      rotated.set(true);
      assertThat(afterRotation.await(60, TimeUnit.SECONDS)).isTrue();
      stop.set(true);
      traffic.join(30_000);

      assertThat(statuses).hasSizeGreaterThanOrEqualTo(40).containsOnly(200);
      assertThat(next.leaf().getSerialNumber()).isNotEqualTo(before);
      assertThat(stub.last().clientSerial()).isEqualTo(next.leaf().getSerialNumber());
      assertThat(stub.seen.stream().map(RecordingUpstream.Seen::clientSerial)).contains(before);
      assertThat(gateway.checkCredentials()).isEqualTo(SvidFiles.Outcome.UNCHANGED);
    } finally {
      stop.set(true);
      traffic.join(30_000);
    }
  }

  @Test
  void svidRotationWhenTheNewPairIsBadThenTheCurrentSvidStays() throws Exception {
    BigInteger current = currentSerial();
    String currentCert = Files.readString(svidCert);
    String currentKey = Files.readString(svidKey);
    TestSvid other = EXAMPLE.issueX509Svid(GATEWAY_PATH);
    TestSvid foreign = TestTrustDomain.create("example.org").issueX509Svid(GATEWAY_PATH); // another CA
    TestSvid otherId = EXAMPLE.issueX509Svid("/ns/edge/sa/impostor");
    try {
      Files.writeString(svidCert, other.chainPem()); // the new certificate with the old key: a mismatch
      assertThat(stubGateway.checkCredentials()).isEqualTo(SvidFiles.Outcome.REJECTED);
      writeSvid(foreign);
      assertThat(stubGateway.checkCredentials()).isEqualTo(SvidFiles.Outcome.REJECTED);
      writeSvid(otherId);
      assertThat(stubGateway.checkCredentials()).isEqualTo(SvidFiles.Outcome.REJECTED);
      Files.writeString(svidCert, "-----BEGIN CERTIFICATE-----\nnot base64\n"); // half written
      assertThat(stubGateway.checkCredentials()).isEqualTo(SvidFiles.Outcome.REJECTED);

      RawHttp.Response r = get(stubGateway, "/orders", client.token().scope("orders:read").build());

      assertThat(r.status()).isEqualTo(200);
      assertThat(stub.last().clientSerial()).isEqualTo(current);
    } finally {
      Files.writeString(svidCert, currentCert);
      Files.writeString(svidKey, currentKey);
    }
    assertThat(stubGateway.checkCredentials()).isEqualTo(SvidFiles.Outcome.UNCHANGED);
  }

  /**
   * First of the class: orders-service refetches its JWKS for an unknown {@code kid} at most once per 30 s (its
   * {@code jwksRefetchMinInterval}), and a token with an unknown {@code kid} sent by any workload spends that refetch.
   * A changed key file is therefore published in the JWKS and signs only after {@code GATEWAY_KEY_ACTIVATION}
   * (default 6 min, on the gateway's clock; {@link GatewayKeyRotationEndToEndTests} moves it): the tokens minted
   * meanwhile keep the current {@code kid}, which orders-service knows, so the spent refetch costs nothing.
   */
  @Test
  @Order(1)
  void signingKeyFileWhenChangedAfterTheRefetchWasSpentThenPublishedAheadAndRequestsStillPass() throws Exception {
    String token = client.token().subject("bob").scope("orders:read").build();
    assertThat(get(gateway, "/whoami", token).status()).isEqualTo(200); // orders-service holds the current JWKS
    String oldKid = gateway.minter().signingKeyId();
    SSLContext asGateway = TestTrustDomain.sslContextFor(gatewaySvid, EXAMPLE);
    assertThat(rawTls(asGateway, ordersMtlsPort, "GET /whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + "Authorization: Bearer " + madeUpKid() + "\r\n\r\n")).startsWith("HTTP/1.1 401"); // spends the refetch
    ECKey next = newSigningKey();

    Files.writeString(signingKey, pem(next));
    gateway.checkCredentials();
    stubGateway.checkCredentials();
    RawHttp.Response again = get(gateway, "/whoami", token);
    RawHttp.Response fresh = get(gateway, "/whoami", client.token().subject("carol").scope("orders:read").build());

    assertThat(again.status()).as(again.toString()).isEqualTo(200); // an immediate switch: 401 until the window ends
    assertThat(fresh.status()).as(fresh.toString()).isEqualTo(200);
    assertThat(fresh.body()).contains("\"sub\":\"carol\"");
    assertThat(gateway.minter().publicKeys().getKeys()).extracting(k -> k.getKeyID())
        .containsExactly(oldKid, next.computeThumbprint().toString());
    assertThat(gateway.minter().signingKeyId()).isEqualTo(oldKid);
  }

  /** A token of the gateway's issuer naming a {@code kid} it never had: what any workload can send. */
  private String madeUpKid() throws Exception {
    com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
        new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.ES256).keyID("made-up")
            .type(new com.nimbusds.jose.JOSEObjectType("at+jwt")).build(),
        new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(gateway.internalIssuer()).audience("orders-service")
            .subject("mallory").expirationTime(new java.util.Date(System.currentTimeMillis() + 60_000)).build());
    jwt.sign(new com.nimbusds.jose.crypto.ECDSASigner(newSigningKey()));
    return jwt.serialize();
  }

  // --- helpers

  private static RawHttp.Response get(Gateway g, String path, String token) {
    return new RawHttp(g.port()).get(path).header("Authorization", "Bearer " + token).send();
  }

  private BigInteger currentSerial() {
    return GatewayConfig.readSvid(svidCert, svidKey).leaf().getSerialNumber();
  }

  private void writeSvid(TestSvid svid) throws IOException {
    Files.writeString(svidKey, svid.keyPem());
    Files.writeString(svidCert, svid.chainPem());
  }

  static ECKey newSigningKey() throws Exception {
    return new ECKeyGenerator(Curve.P_256).generate();
  }

  /** The key as {@code GATEWAY_SIGNING_KEY} holds it: PKCS#8 private key, then the SPKI public key. */
  static String pem(ECKey key) throws Exception {
    Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    return "-----BEGIN PRIVATE KEY-----\n" + b64.encodeToString(key.toECPrivateKey().getEncoded())
        + "\n-----END PRIVATE KEY-----\n-----BEGIN PUBLIC KEY-----\n"
        + b64.encodeToString(key.toECPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** One request over a fresh TLS connection, the whole response as text. */
  static String rawTls(SSLContext tls, int port, String request) throws IOException {
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
