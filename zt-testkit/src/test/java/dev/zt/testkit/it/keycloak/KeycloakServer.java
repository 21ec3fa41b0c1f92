package dev.zt.testkit.it.keycloak;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Keycloak for the opt-in interop suite ({@code -Pkeycloak}): the {@code keycloak-quarkus-dist} distribution
 * the profile unpacked (system property {@code zt.keycloak.home}), started in dev mode on a free loopback port with
 * the realm {@code zt} imported from {@code keycloak/zt-realm.json}, its extra client scopes created through the admin
 * REST API (declaring them in the realm file would suppress Keycloak's built-in scopes), and stopped by killing the
 * process tree (on a fresh directory {@code kc.sh} execs java, on later runs java is its child).
 *
 * <p>Besides the lifecycle it holds the HTTP helpers the interop tests need to get tokens the way clients do:
 * client credentials ({@code client_secret_basic}), with a DPoP proof (RFC 9449 §5), a password grant for an ID
 * token, introspection as the resource server ({@code client_secret_basic}, {@code client_secret_post} or
 * {@code private_key_jwt}, RFC 7662),
 * revocation (RFC 7009), and the admin calls that rotate the realm's signing keys.
 *
 * <p>Clients of the realm (secrets are test values):
 *
 * <ul>
 *   <li>{@code orders-reporting} / {@code reporting-secret}: client credentials, {@code at+jwt}, {@code aud}
 *       {@code orders-api}, realm roles in {@code roles} (its service account has {@code admin}), default scope
 *       {@code orders:read}, optional {@code orders:write};
 *   <li>{@code billing-reporting} / {@code billing-secret}: as above but {@code aud} {@code billing-api}, no roles;
 *   <li>{@code orders-web} / {@code web-secret}: password grant for user {@code alice} / {@code alice-password};
 *       its ID token names {@code orders-api} in {@code aud}; access tokens typed {@code JWT};
 *   <li>{@code orders-api} / {@code orders-api-secret}: the resource server, which introspects;
 *   <li>{@code orders-api-jwt}: a resource server that introspects with {@code private_key_jwt} (its key registered
 *       with {@link #registerClientKey}); {@code orders-reporting}'s tokens name it in {@code aud} too;
 *   <li>{@code orders-dpop} / {@code dpop-secret}: DPoP optional; {@code orders-dpop-bound} /
 *       {@code dpop-bound-secret}: DPoP required ({@code dpop.bound.access.tokens=true});
 *   <li>{@code shop-web} / {@code shop-secret}: password grant for {@code alice}, access tokens naming
 *       {@code gateway} in {@code aud}; {@code gateway} / {@code gateway-secret}: standard token exchange
 *       ({@code standard.token.exchange.enabled=true}, access tokens typed {@code at+jwt}), {@code orders-service}
 *       available to it by an audience mapper; {@code orders-service}: the exchange's target;
 *   <li>{@code gateway-web} / {@code gateway-web-secret}: the gateway's browser sessions (authorization code, PKCE
 *       {@code S256} required, redirect URI set with {@link #setRedirectUris}), access tokens of 60 s naming
 *       {@code gateway} in {@code aud}. The realm rotates refresh tokens ({@code revokeRefreshToken}, no reuse).
 * </ul>
 */
public final class KeycloakServer implements AutoCloseable {

  public static final String REALM = "zt";
  public static final String API = "orders-api";
  public static final String API_SECRET = "orders-api-secret";

  private static final Duration START_DEADLINE = Duration.ofMinutes(4);
  private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);
  private static final String ADMIN = "zt-admin";

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private final Path home;
  private final int port;
  private final int managementPort;
  private final String adminPassword;
  private final Path log;
  private volatile Process process;
  private final Thread shutdownHook;

  private KeycloakServer(Path home) {
    this.home = home;
    this.port = freePort();
    this.managementPort = freePort();
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    this.adminPassword = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    this.log = home.getParent().resolve("keycloak-" + port + ".log");
    // the last line of defence: a test JVM that exits without @AfterAll still takes Keycloak with it
    this.shutdownHook = new Thread(this::stop, "keycloak-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts Keycloak with a fresh database (the realm imported anew), waits until the realm answers discovery, and
   * creates the client scopes. Stops it again if any of that fails.
   */
  public static KeycloakServer start() throws Exception {
    String configured = System.getProperty("zt.keycloak.home");
    if (configured == null || !Files.isRegularFile(Path.of(configured, "bin", "kc.sh"))) {
      throw new IllegalStateException("no Keycloak distribution at zt.keycloak.home=" + configured
          + ": run with -Pkeycloak, which unpacks it");
    }
    Path home = Path.of(configured);
    deleteTree(home.resolve("data").resolve("h2")); // dev mode's database: a fresh realm each run
    Path imports = Files.createDirectories(home.resolve("data").resolve("import"));
    try (InputStream realm = KeycloakServer.class.getResourceAsStream("/keycloak/zt-realm.json")) {
      if (realm == null) {
        throw new IllegalStateException("keycloak/zt-realm.json is not on the test class path");
      }
      Files.copy(realm, imports.resolve(REALM + "-realm.json"), StandardCopyOption.REPLACE_EXISTING);
    }
    KeycloakServer kc = new KeycloakServer(home);
    try {
      kc.launch();
      kc.createScopes();
      return kc;
    } catch (Exception | Error e) {
      kc.close();
      throw e;
    }
  }

  /** Starts the stopped server again on the same port, with the same database (realm, keys, sessions). */
  public void restart() throws Exception {
    if (process != null) {
      throw new IllegalStateException("Keycloak is running");
    }
    try {
      launch();
    } catch (Exception | Error e) {
      stop();
      throw e;
    }
  }

  private void launch() throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("bin").resolve("kc.sh").toString(), "start-dev",
        "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + managementPort,
        "--import-realm")
        .directory(home.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = pb.environment();
    env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
    env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
    process = pb.start();
    awaitReady();
  }

  /** Polls the realm's discovery document until it answers 200, the process dies, or the deadline passes. */
  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    URI discovery = URI.create(issuer() + "/.well-known/openid-configuration");
    while (true) {
      Process p = process;
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException("Keycloak exited while starting; its log: " + log + "\n" + logTail());
      }
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Keycloak not ready after " + START_DEADLINE + "; its log: " + log + "\n"
            + logTail());
      }
      // a polling interval, not a synchronisation: readiness is decided by the answer above
      p.waitFor(250, TimeUnit.MILLISECONDS);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * Stops Keycloak: the java process (kc.sh's child, or kc.sh itself after its exec) and the script, TERM first, then
   * KILL after 30 s. Idempotent.
   */
  public void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    process = null;
    // descendants first, collected while the script is still their parent
    List<ProcessHandle> tree = Stream.concat(p.descendants(), Stream.of(p.toHandle())).collect(Collectors.toList());
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException e) {
        h.destroyForcibly();
        try {
          h.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // reported below
        }
      } catch (InterruptedException e) {
        h.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    List<Long> alive = tree.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
    if (!alive.isEmpty()) {
      throw new IllegalStateException("Keycloak processes still alive: " + alive);
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or will
    }
  }

  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** The realm's issuer, exactly as Keycloak writes it into tokens requested through 127.0.0.1. */
  public String issuer() {
    return "http://127.0.0.1:" + port + "/realms/" + REALM;
  }

  public URI tokenEndpoint() {
    return URI.create(issuer() + "/protocol/openid-connect/token");
  }

  public URI introspectionEndpoint() {
    return URI.create(issuer() + "/protocol/openid-connect/token/introspect");
  }

  public URI revocationEndpoint() {
    return URI.create(issuer() + "/protocol/openid-connect/revoke");
  }

  // ---- tokens, as a client gets them

  /** A client-credentials grant, the client authenticated with {@code client_secret_basic}; the parsed answer. */
  public Map<String, Object> clientCredentials(String clientId, String secret, String... scopes) throws Exception {
    HttpResponse<String> r = post(tokenEndpoint(), basic(clientId, secret), Map.of(),
        form("grant_type", "client_credentials", "scope", String.join(" ", scopes)));
    return json(r, 200);
  }

  /** The access token of {@link #clientCredentials}. */
  public String accessToken(String clientId, String secret, String... scopes) throws Exception {
    return (String) clientCredentials(clientId, secret, scopes).get("access_token");
  }

  /**
   * A client-credentials grant with a DPoP proof of {@code key} (RFC 9449 §5): Keycloak answers
   * {@code token_type: DPoP} and binds the token to the key's thumbprint ({@code cnf.jkt}). The raw answer, so that
   * a refusal ({@code invalid_dpop_proof}, a required proof missing) can be asserted too.
   */
  public HttpResponse<String> clientCredentialsWithDpop(String clientId, String secret, ECKey key, String... scopes)
      throws Exception {
    Map<String, String> headers = key == null
        ? Map.of() : Map.of("DPoP", dpopProof(key, "POST", tokenEndpoint().toString(), null, Instant.now()));
    return post(tokenEndpoint(), basic(clientId, secret), headers,
        form("grant_type", "client_credentials", "scope", String.join(" ", scopes)));
  }

  /** A resource owner password grant (the tests' way to an ID token; deprecated for real clients). */
  public Map<String, Object> password(String clientId, String secret, String user, String password, String scope)
      throws Exception {
    HttpResponse<String> r = post(tokenEndpoint(), basic(clientId, secret), Map.of(),
        form("grant_type", "password", "username", user, "password", password, "scope", scope));
    return json(r, 200);
  }

  /** A refresh token grant (RFC 6749 §6) by {@code clientId} ({@code client_secret_basic}); the raw answer. */
  public HttpResponse<String> refresh(String clientId, String secret, String refreshToken) throws Exception {
    return post(tokenEndpoint(), basic(clientId, secret), Map.of(),
        form("grant_type", "refresh_token", "refresh_token", refreshToken));
  }

  /** RFC 7662 introspection of {@code token} by {@code clientId}, authenticated with {@code client_secret_basic}. */
  public HttpResponse<String> introspect(String token, String clientId, String secret) throws Exception {
    return post(introspectionEndpoint(), basic(clientId, secret), Map.of(),
        form("token", token, "token_type_hint", "access_token"));
  }

  /** RFC 7662 introspection with {@code client_secret_post} (the credentials in the form). */
  public HttpResponse<String> introspectWithPost(String token, String clientId, String secret) throws Exception {
    return post(introspectionEndpoint(), null, Map.of(),
        form("token", token, "client_id", clientId, "client_secret", secret));
  }

  /**
   * RFC 7662 introspection authenticated with {@code private_key_jwt} (RFC 7523 §2.2, OIDC Core §9): a client
   * assertion signed with {@code key}, whose public part {@link #registerClientKey} gave Keycloak.
   */
  public HttpResponse<String> introspectWithPrivateKeyJwt(String token, String clientId, JWK key) throws Exception {
    return post(introspectionEndpoint(), null, Map.of(), form("token", token, "client_id", clientId,
        "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion", clientAssertion(clientId, key, issuer(), Instant.now())));
  }

  /**
   * A client assertion (RFC 7523 §3): {@code iss} and {@code sub} the client, {@code aud} the given audience (Keycloak
   * accepts its issuer), a fresh {@code jti}, 60 s of life; RS256 for an RSA key, ES256 for a P-256 key, its
   * {@code kid} in the header.
   */
  public static String clientAssertion(String clientId, JWK key, String audience, Instant now) throws JOSEException {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(clientId)
        .subject(clientId)
        .audience(audience)
        .jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(60)))
        .build();
    JWSAlgorithm alg = key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
    jwt.sign(key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key));
    return jwt.serialize();
  }

  /** RFC 7009 revocation; Keycloak honours it for client-credentials tokens only from the token's own client. */
  public HttpResponse<String> revoke(String token, String clientId, String secret) throws Exception {
    return post(revocationEndpoint(), basic(clientId, secret), Map.of(),
        form("token", token, "token_type_hint", "access_token"));
  }

  /**
   * A DPoP proof JWT (RFC 9449 §4.2) signed with {@code key} (ES256): {@code typ dpop+jwt}, the public key in
   * {@code jwk}, a fresh {@code jti}, {@code htm}, {@code htu}, {@code iat}, and {@code ath} (base64url SHA-256 of
   * the access token) when a token is given.
   */
  public static String dpopProof(ECKey key, String method, String uri, String accessToken, Instant iat)
      throws JOSEException {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .jwtID(UUID.randomUUID().toString())
        .claim("htm", method)
        .claim("htu", uri)
        .issueTime(Date.from(iat));
    if (accessToken != null) {
      claims.claim("ath", sha256(accessToken).toString());
    }
    SignedJWT proof = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
        .type(new JOSEObjectType("dpop+jwt"))
        .jwk(key.toPublicJWK())
        .build(), claims.build());
    proof.sign(new ECDSASigner(key));
    return proof.serialize();
  }

  public static Base64URL sha256(String s) {
    try {
      return Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- realm administration (admin REST API, as the bootstrap admin)

  /** The kid Keycloak signs RS256 tokens with now. */
  public String activeSigningKid() throws Exception {
    Map<String, Object> keys = JSONObjectUtils.parse(admin("GET", "/keys", null).body());
    return (String) JSONObjectUtils.getJSONObject(keys, "active").get("RS256");
  }

  /** The id of the key provider (a realm component) that holds {@code kid}. */
  public String keyProviderOf(String kid) throws Exception {
    Map<String, Object> keys = JSONObjectUtils.parse(admin("GET", "/keys", null).body());
    for (Object k : (List<?>) keys.get("keys")) {
      Map<?, ?> key = (Map<?, ?>) k;
      if (kid.equals(key.get("kid"))) {
        return (String) key.get("providerId");
      }
    }
    throw new IllegalStateException("no key " + kid + " in realm " + REALM);
  }

  /** Adds an {@code rsa-generated} key provider; with the highest priority its key signs the next tokens. */
  public String addRsaKeyProvider(String name, int priority) throws Exception {
    String realmId = (String) JSONObjectUtils.parse(admin("GET", "", null).body()).get("id");
    Map<String, Object> component = new HashMap<>();
    component.put("name", name);
    component.put("providerId", "rsa-generated");
    component.put("providerType", "org.keycloak.keys.KeyProvider");
    component.put("parentId", realmId);
    component.put("config", Map.of(
        "priority", List.of(Integer.toString(priority)),
        "enabled", List.of("true"),
        "active", List.of("true"),
        "keySize", List.of("2048"),
        "algorithm", List.of("RS256")));
    HttpResponse<String> r = admin("POST", "/components", component);
    expect(r, 201);
    String location = r.headers().firstValue("Location").orElseThrow();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  /** Disables a key provider: its key leaves the JWKS and signs nothing more. */
  public void disableKeyProvider(String componentId) throws Exception {
    Map<String, Object> component = JSONObjectUtils.parse(admin("GET", "/components/" + componentId, null).body());
    @SuppressWarnings("unchecked")
    Map<String, Object> config = new HashMap<>((Map<String, Object>) component.get("config"));
    config.put("enabled", List.of("false"));
    config.put("active", List.of("false"));
    component.put("config", config);
    expect(admin("PUT", "/components/" + componentId, component), 204);
  }

  /**
   * Registers the public part of {@code key} (RSA or P-256, with a {@code kid}) as the client's key for
   * {@code private_key_jwt} (the client attributes {@code use.jwks.string} and {@code jwks.string}: Keycloak holds the
   * client's JWKS itself).
   */
  public void registerClientKey(String clientId, JWK key) throws Exception {
    String uuid = clientUuid(clientId);
    Map<String, Object> client = JSONObjectUtils.parse(admin("GET", "/clients/" + uuid, null).body());
    @SuppressWarnings("unchecked")
    Map<String, Object> attributes = new HashMap<>(
        (Map<String, Object>) client.getOrDefault("attributes", Map.of()));
    attributes.put("use.jwks.url", "false");
    attributes.put("use.jwks.string", "true");
    // Keycloak loads only keys published for signing (an absent use is skipped)
    JWK published = key instanceof RSAKey rsa
        ? new RSAKey.Builder(rsa.toPublicJWK()).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).build()
        : new ECKey.Builder(((ECKey) key).toPublicJWK()).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).build();
    attributes.put("jwks.string", new JWKSet(published).toString());
    client.put("attributes", attributes);
    expect(admin("PUT", "/clients/" + uuid, client), 204);
  }

  /** Replaces the client's registered redirect URIs (e.g. a gateway's {@code /callback} once its port is known). */
  public void setRedirectUris(String clientId, String... uris) throws Exception {
    String uuid = clientUuid(clientId);
    Map<String, Object> client = JSONObjectUtils.parse(admin("GET", "/clients/" + uuid, null).body());
    client.put("redirectUris", List.of(uris));
    expect(admin("PUT", "/clients/" + uuid, client), 204);
  }

  /** Ends every session of {@code username} at Keycloak (admin REST API {@code POST /users/{id}/logout}). */
  public void logoutUser(String username) throws Exception {
    HttpResponse<String> r = admin("GET", "/users?exact=true&username=" + enc(username), null);
    expect(r, 200);
    List<Object> users = JSONArrayUtils.parse(r.body());
    if (users.size() != 1) {
      throw new IllegalStateException("user " + username + " found " + users.size() + " times");
    }
    expect(admin("POST", "/users/" + ((Map<?, ?>) users.get(0)).get("id") + "/logout", null), 204);
  }

  /** The kids the realm publishes in its JWKS (what a resource server can verify with). */
  public List<String> publishedKids() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(issuer() + "/protocol/openid-connect/certs"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    List<String> kids = new ArrayList<>();
    for (Object k : (List<?>) JSONObjectUtils.parse(r.body()).get("keys")) {
      kids.add((String) ((Map<?, ?>) k).get("kid"));
    }
    return kids;
  }

  /**
   * orders:read is a default scope of every client that obtains tokens (the gateway's too, for exchanged tokens),
   * orders:write an optional one of orders-reporting.
   */
  private void createScopes() throws Exception {
    String read = createScope("orders:read");
    String write = createScope("orders:write");
    for (String client : List.of("orders-reporting", "billing-reporting", "orders-web", "orders-dpop",
        "orders-dpop-bound", "shop-web", "gateway", "gateway-web")) {
      expect(admin("PUT", "/clients/" + clientUuid(client) + "/default-client-scopes/" + read, null), 204);
    }
    expect(admin("PUT", "/clients/" + clientUuid("orders-reporting") + "/optional-client-scopes/" + write, null), 204);
  }

  private String createScope(String name) throws Exception {
    HttpResponse<String> r = admin("POST", "/client-scopes", Map.of(
        "name", name,
        "protocol", "openid-connect",
        "attributes", Map.of("include.in.token.scope", "true", "display.on.consent.screen", "false")));
    expect(r, 201);
    String location = r.headers().firstValue("Location").orElseThrow();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private String clientUuid(String clientId) throws Exception {
    HttpResponse<String> r = admin("GET", "/clients?clientId=" + enc(clientId), null);
    expect(r, 200);
    List<Object> clients = JSONArrayUtils.parse(r.body());
    if (clients.size() != 1) {
      throw new IllegalStateException("client " + clientId + " found " + clients.size() + " times");
    }
    return (String) ((Map<?, ?>) clients.get(0)).get("id");
  }

  /** An admin REST call on the realm, with a fresh admin token (the master realm's tokens live 60 s). */
  private HttpResponse<String> admin(String method, String path, Map<String, Object> body) throws Exception {
    URI adminTokens = URI.create("http://127.0.0.1:" + port + "/realms/master/protocol/openid-connect/token");
    HttpResponse<String> t = post(adminTokens, null, Map.of(), form("grant_type", "password",
        "client_id", "admin-cli", "username", ADMIN, "password", adminPassword));
    String token = (String) json(t, 200).get("access_token");
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/realms/" + REALM
            + path))
        .timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + token);
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(body)));
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  // ---- HTTP plumbing

  private static HttpResponse<String> post(URI uri, String authorization, Map<String, String> headers, String form)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code client_secret_basic}: both parts form-urlencoded before base64 (RFC 6749 §2.3.1). */
  public static String basic(String clientId, String secret) {
    String pair = enc(clientId) + ":" + enc(secret);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private static String form(String... pairs) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1].isEmpty()) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(enc(pairs[i])).append('=').append(enc(pairs[i + 1]));
    }
    return sb.toString();
  }

  public static Map<String, Object> json(HttpResponse<String> r, int expected) throws ParseException {
    expect(r, expected);
    return JSONObjectUtils.parse(r.body());
  }

  private static void expect(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(r.request().method() + " " + r.uri() + " answered " + r.statusCode()
          + " (expected " + status + "): " + r.body());
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
