package dev.zt.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zt.testkit.DpopProof;
import dev.zt.testkit.TestIssuer;
import dev.zt.testkit.TestKey;
import dev.zt.testkit.spiffe.TestSvid;
import dev.zt.testkit.spiffe.TestTrustDomain;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What orders-service's own settings do to requests, on each server it runs on: {@code ZT_HOST} binds both listeners;
 * {@code ZT_ISSUERS} (issue 14) accepts each listed issuer's tokens under the same rules and refuses any other
 * {@code iss} without contacting it; {@code ZT_PUBLIC_ORIGIN}, {@code ZT_REQUIRE_DPOP} and {@code ZT_DPOP_NONCE}
 * (issue 14) turn on DPoP, the {@code /orders} routes' sender constraint, server nonces and the RFC 9728 metadata;
 * {@code ZT_CLIENT_CERT_HEADER=true} takes a certificate-bound token's certificate from the RFC 9440 {@code Client-Cert}
 * header the loopback proxy sends, and without it the header is ignored; introspection. Each service is started from
 * an environment map, as {@code main} starts it. The variables every orders sample shares ({@code ZT_ACCESS_TOKEN_TYPE},
 * {@code ZT_ROLES_CLAIM}, {@code ZT_ALGORITHMS}, …) are checked by the shared {@code VariableChecks}
 * ({@link ServletVariableTests}, {@link NettyVariableTests}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EnvironmentChecks {

  private static final TestTrustDomain EXAMPLE = TestTrustDomain.create("example.org");

  @TempDir
  static Path dir;

  /**
   * What {@code GET /orders/1001} answers once zt allowed it: the application's 404 (order ids are 128-bit random, no
   * order is called 1001). zt itself never answers 404, so this status means "zt let the request through".
   */
  private static final int REACHED = 404;

  private TestIssuer issuer;
  private final HttpClient http = HttpClient.newHttpClient();

  /** {@code servlet} or {@code netty}: the {@code ZT_SERVER} the checks run against. */
  abstract String server();

  @BeforeAll
  void startIssuer() {
    issuer = TestIssuer.start(); // RS256
  }

  @AfterAll
  void stopIssuer() {
    issuer.close();
  }

  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("ZT_ISSUER", issuer.issuer(), "ZT_AUDIENCE", "orders-api",
        "PORT", "0", "ZT_HOST", "127.0.0.1", "ZT_SERVER", server()));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private int get(OrdersService service, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
        .timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private HttpResponse<String> send(OrdersService service, String path, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void issuersWhenListedThenEachIssuersTokensAllowedAndOthersRefusedWithoutContactingThem() throws Exception {
    try (TestIssuer second = TestIssuer.start(); TestIssuer unlisted = TestIssuer.start();
        OrdersService service = OrdersService.startFromEnvironment(env("ZT_ISSUERS", second.issuer(),
            "ZT_ACCESS_TOKEN_TYPE", "at+jwt"))) {
      assertThat(get(service, "/orders/1001", issuer.token().scope("orders:read").build())).isEqualTo(REACHED);
      assertThat(get(service, "/orders/1001", second.token().scope("orders:read").build())).isEqualTo(REACHED);
      assertThat(get(service, "/orders/1001", second.token().scope("orders:read").header("typ", "JWT").build()))
          .as("ZT_ACCESS_TOKEN_TYPE applies to every listed issuer").isEqualTo(401);
      assertThat(get(service, "/orders/1001", second.token().scope("orders:read").audience("other-api").build()))
          .as("the same audience for every issuer").isEqualTo(401);

      HttpResponse<String> refused = send(service, "/orders/1001", unlisted.token().scope("orders:read").build());
      // iss naming a path of the unlisted server: zt must not fetch its metadata there either
      String pathIssuer = unlisted.issuer() + "/realms/evil";
      int pathIssuerStatus = get(service, "/orders/1001",
          unlisted.token().issuer(pathIssuer).scope("orders:read").build());

      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
          v -> assertThat(v).contains("error=\"invalid_token\""));
      assertThat(pathIssuerStatus).isEqualTo(401);
      assertThat(unlisted.discoveryRequests()).as("an unlisted issuer is never contacted").isZero();
      assertThat(unlisted.jwksRequests()).isZero();
      assertThat(unlisted.requestsTo("/realms/evil/.well-known/openid-configuration")).isZero();
      assertThat(unlisted.requestsTo("/.well-known/oauth-authorization-server/realms/evil")).isZero();
    }
  }

  @Test
  void issuersWhenTokenSignedByOneListedIssuerClaimsAnotherThenRefused() throws Exception {
    try (TestIssuer second = TestIssuer.start();
        OrdersService service = OrdersService.startFromEnvironment(env("ZT_ISSUERS", second.issuer()))) {
      String secondClaimsFirst = second.token().issuer(issuer.issuer()).scope("orders:read").build();
      String firstClaimsSecond = issuer.token().issuer(second.issuer()).scope("orders:read").build();

      assertThat(get(service, "/orders/1001", second.token().scope("orders:read").build()))
          .as("both issuers' keys are known to the service").isEqualTo(REACHED);
      assertThat(get(service, "/orders/1001", issuer.token().scope("orders:read").build())).isEqualTo(REACHED);
      assertThat(get(service, "/orders/1001", secondClaimsFirst)).isEqualTo(401);
      assertThat(get(service, "/orders/1001", firstClaimsSecond)).isEqualTo(401);
    }
  }

  private HttpResponse<String> dpop(OrdersService service, String method, String path, String token, String proof)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "DPoP " + token).header("DPoP", proof);
    b = method.equals("POST") ? b.POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"book\"}"))
        .header("Content-Type", "application/json") : b.GET();
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static final String ORIGIN = "https://orders.example.com";

  @Test
  void dpopWhenPublicOriginAndRequiredThenOrdersTakeOnlyBoundTokensWithTheirProofs() throws Exception {
    TestKey key = TestKey.ec256();
    String bound = issuer.token().dpopBound(key).scope("orders:read orders:write").build();
    String plain = issuer.token().scope("orders:read").build();
    try (OrdersService service = OrdersService.startFromEnvironment(env("ZT_PUBLIC_ORIGIN", ORIGIN,
        "ZT_REQUIRE_DPOP", "true"))) {
      String proof = DpopProof.of(key).request("GET", ORIGIN + "/orders/1001").accessToken(bound).build();
      assertThat(dpop(service, "GET", "/orders/1001", bound, proof).statusCode()).isEqualTo(REACHED);
      HttpResponse<String> replay = dpop(service, "GET", "/orders/1001", bound, proof);
      assertThat(replay.statusCode()).isEqualTo(401);
      assertThat(replay.headers().firstValue("WWW-Authenticate").orElseThrow())
          .startsWith("DPoP realm=\"orders\", error=\"invalid_dpop_proof\"");
      String post = DpopProof.of(key).request("POST", ORIGIN + "/orders").accessToken(bound).build();
      assertThat(dpop(service, "POST", "/orders", bound, post).statusCode()).isEqualTo(201);

      HttpResponse<String> bearer = send(service, "/orders/1001", plain);
      assertThat(bearer.statusCode()).isEqualTo(401);
      assertThat(bearer.headers().firstValue("WWW-Authenticate").orElseThrow()).isEqualTo("DPoP realm=\"orders\", "
          + "error=\"invalid_token\", error_description=\"The access token must be bound to a key the request "
          + "proves.\", algs=\"ES256 ES384 RS256 PS256 EdDSA\", resource_metadata=\"" + ORIGIN
          + "/.well-known/oauth-protected-resource\"");
      assertThat(send(service, "/orders/1001", bound).statusCode()).as("a bound token sent as Bearer").isEqualTo(401);
      assertThat(get(service, "/health", null)).isEqualTo(200);

      HttpResponse<String> metadata = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port()
          + "/.well-known/oauth-protected-resource")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metadata.statusCode()).isEqualTo(200);
      assertThat(metadata.headers().firstValue("Content-Type")).contains("application/json");
      Map<String, Object> doc = com.nimbusds.jose.util.JSONObjectUtils.parse(metadata.body());
      assertThat(doc).containsEntry("resource", ORIGIN)
          .containsEntry("authorization_servers", List.of(issuer.issuer()))
          .containsEntry("bearer_methods_supported", List.of("header"))
          .containsEntry("dpop_signing_alg_values_supported", List.of("ES256", "ES384", "RS256", "PS256", "EdDSA"));
      assertThat(doc.get("scopes_supported")).asList().contains("orders:read", "orders:write");
    }
  }

  @Test
  void dpopWhenPublicOriginButNotRequiredThenBearerStillServesAndBoundTokensNeedTheirProof() throws Exception {
    TestKey key = TestKey.ec256();
    String bound = issuer.token().dpopBound(key).scope("orders:read").build();
    try (OrdersService service = OrdersService.startFromEnvironment(env("ZT_PUBLIC_ORIGIN", ORIGIN))) {
      assertThat(get(service, "/orders/1001", issuer.token().scope("orders:read").build())).isEqualTo(REACHED);
      assertThat(get(service, "/orders/1001", bound)).isEqualTo(401);
      String proof = DpopProof.of(key).request("GET", ORIGIN + "/orders/1001").accessToken(bound).build();
      assertThat(dpop(service, "GET", "/orders/1001", bound, proof).statusCode()).isEqualTo(REACHED);
      HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + service.port() + "/orders/1001")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow()).isEqualTo("DPoP realm=\"orders\", "
          + "algs=\"ES256 ES384 RS256 PS256 EdDSA\", resource_metadata=\"" + ORIGIN
          + "/.well-known/oauth-protected-resource\", Bearer realm=\"orders\", resource_metadata=\"" + ORIGIN
          + "/.well-known/oauth-protected-resource\"");
    }
  }

  @Test
  void dpopNonceWhenRequiredThenUseDpopNonceFirstAndTheProofWithTheNonceServed() throws Exception {
    TestKey key = TestKey.ec256();
    String bound = issuer.token().dpopBound(key).scope("orders:read").build();
    try (OrdersService service = OrdersService.startFromEnvironment(env("ZT_PUBLIC_ORIGIN", ORIGIN,
        "ZT_REQUIRE_DPOP", "true", "ZT_DPOP_NONCE", "true"))) {
      HttpResponse<String> first = dpop(service, "GET", "/orders/1001", bound,
          DpopProof.of(key).request("GET", ORIGIN + "/orders/1001").accessToken(bound).build());
      assertThat(first.statusCode()).isEqualTo(401);
      assertThat(first.headers().firstValue("WWW-Authenticate").orElseThrow())
          .startsWith("DPoP realm=\"orders\", error=\"use_dpop_nonce\"");
      String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();
      assertThat(dpop(service, "GET", "/orders/1001", bound, DpopProof.of(key).request("GET", ORIGIN + "/orders/1001")
          .accessToken(bound).nonce(nonce).build()).statusCode()).isEqualTo(REACHED);
    }
  }

  @Test
  void metadataWhenNoPublicOriginThenNotServedAndNoResourceMetadataParameter() throws Exception {
    try (OrdersService service = OrdersService.startFromEnvironment(env())) {
      HttpResponse<String> metadata = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port()
          + "/.well-known/oauth-protected-resource")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metadata.statusCode()).isEqualTo(401);
      assertThat(metadata.headers().firstValue("WWW-Authenticate").orElseThrow()).isEqualTo("Bearer realm=\"orders\"");
    }
  }

  @Test
  void startFromEnvironmentWhenHostSetThenBothListenersBindToIt() throws Exception {
    TestSvid own = EXAMPLE.issueX509Svid("/ns/shop/sa/orders");
    Map<String, String> env = env(
        "ZT_MTLS_PORT", "0",
        "ZT_SVID_CERT", Files.writeString(dir.resolve("svid.pem"), own.chainPem()).toString(),
        "ZT_SVID_KEY", Files.writeString(dir.resolve("svid.key"), own.keyPem()).toString(),
        "ZT_TRUST_DOMAIN", "example.org",
        "ZT_X509_BUNDLE", Files.writeString(dir.resolve("bundle.pem"), EXAMPLE.bundle().pem()).toString());

    try (OrdersService service = OrdersService.startFromEnvironment(env)) {
      assertThat(service.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(service.mtlsAddress()).map(InetSocketAddress::getAddress).map(a -> a.getHostAddress())
          .contains("127.0.0.1");
    }
  }

  @Test
  void startFromEnvironmentWhenHostUnsetThenBindsEveryAddress() throws Exception {
    Map<String, String> env = env();
    env.remove("ZT_HOST");

    try (OrdersService service = OrdersService.startFromEnvironment(env)) {
      assertThat(service.address().getAddress().isAnyLocalAddress()).isTrue();
      assertThat(get(service, "/health", null)).isEqualTo(200);
    }
  }

  private int getWithClientCert(OrdersService service, String token, String clientCert) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port()
        + "/orders/1001")).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token);
    if (clientCert != null) {
      request.header("Client-Cert", clientCert);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static String clientCert(TestSvid svid) throws Exception {
    return ":" + java.util.Base64.getEncoder().encodeToString(svid.leaf().getEncoded()) + ":";
  }

  private String boundTo(TestSvid svid) throws Exception {
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(svid.leaf().getEncoded());
    return issuer.token().claim("cnf", Map.of("x5t#S256", java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(digest))).scope("orders:read").build();
  }

  @Test
  void clientCertHeaderWhenTrustedThenBoundTokenAllowedOnlyWithItsCertificateFromTheProxy() throws Exception {
    TestSvid client = EXAMPLE.issueX509Svid("/client");
    TestSvid other = EXAMPLE.issueX509Svid("/other");
    String token = boundTo(client);
    try (OrdersService service = OrdersService.startFromEnvironment(env("ZT_CLIENT_CERT_HEADER", "true"))) {
      assertThat(getWithClientCert(service, token, clientCert(client))).isEqualTo(REACHED);
      assertThat(getWithClientCert(service, token, clientCert(other))).isEqualTo(401);
      assertThat(getWithClientCert(service, token, null)).isEqualTo(401);
      assertThat(getWithClientCert(service, token, clientCert(client).replace(":", ""))).isEqualTo(401);
      assertThat(getWithClientCert(service, issuer.token().scope("orders:read").build(), clientCert(other)))
          .as("an unbound token stays a bearer token").isEqualTo(REACHED);
    }
  }

  @Test
  void clientCertHeaderWhenNotConfiguredThenIgnoredAndBoundTokenRefused() throws Exception {
    TestSvid client = EXAMPLE.issueX509Svid("/client");
    try (OrdersService service = OrdersService.startFromEnvironment(env())) {
      assertThat(getWithClientCert(service, boundTo(client), clientCert(client))).isEqualTo(401);
    }
  }

  /** An RFC 7662 endpoint on loopback: {@code good-opaque} is active (scope orders:read), every other token not. */
  private com.sun.net.httpserver.HttpServer introspectionEndpoint(java.util.concurrent.atomic.AtomicInteger calls)
      throws Exception {
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/introspect", ex -> {
      calls.incrementAndGet();
      String form = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
      String expected = "Basic " + java.util.Base64.getEncoder().encodeToString(
          "orders-service:s3cret".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      long exp = java.time.Instant.now().plusSeconds(300).getEpochSecond();
      String body = !expected.equals(ex.getRequestHeaders().getFirst("Authorization")) ? null
          : form.contains("token=good-opaque&") ? "{\"active\":true,\"iss\":\"" + issuer.issuer()
              + "\",\"sub\":\"user-9\",\"aud\":\"orders-api\",\"scope\":\"orders:read\",\"exp\":" + exp + "}"
          : "{\"active\":false}";
      byte[] bytes = (body == null ? "{\"error\":\"invalid_client\"}" : body)
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.getResponseHeaders().set("Cache-Control", "no-cache");
      ex.sendResponseHeaders(body == null ? 401 : 200, bytes.length);
      ex.getResponseBody().write(bytes);
      ex.close();
    });
    server.start();
    return server;
  }

  @Test
  void introspectionWhenClientConfiguredThenActiveOpaqueTokenServedInactiveRefusedAnswersCached() throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer endpoint = introspectionEndpoint(calls);
    try (OrdersService service = OrdersService.startFromEnvironment(env(
        "ZT_INTROSPECTION_CLIENT_ID", "orders-service", "ZT_INTROSPECTION_CLIENT_SECRET", "s3cret",
        "ZT_INTROSPECTION_URI", "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/introspect"))) {
      assertThat(get(service, "/orders/1001", "good-opaque")).isEqualTo(REACHED);
      assertThat(get(service, "/orders/1001", "good-opaque")).isEqualTo(REACHED);
      assertThat(calls.get()).isEqualTo(1);
      HttpResponse<String> refused = send(service, "/orders/1001", "some-other-token");
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
      assertThat(get(service, "/orders/1001", issuer.token().scope("orders:read").build())).isEqualTo(REACHED);
      assertThat(calls.get()).isEqualTo(2); // the JWT was verified locally
    } finally {
      endpoint.stop(0);
    }
  }

  @Test
  void introspectionWhenEndpointDownThen503WithRetryAfterAndIntrospectionUnavailable() throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer endpoint = introspectionEndpoint(calls);
    int port = endpoint.getAddress().getPort();
    endpoint.stop(0);
    try (OrdersService service = OrdersService.startFromEnvironment(env(
        "ZT_INTROSPECTION_CLIENT_ID", "orders-service", "ZT_INTROSPECTION_CLIENT_SECRET", "s3cret",
        "ZT_INTROSPECTION_URI", "http://127.0.0.1:" + port + "/introspect"))) {
      HttpResponse<String> r = send(service, "/orders/1001", "good-opaque");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
      assertThat(r.body()).contains("introspection-unavailable\"");
    }
  }
}
