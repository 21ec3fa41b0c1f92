package dev.zt.testkit.spring;

import dev.zt.testkit.TestKey;
import dev.zt.testkit.TokenBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.context.support.WebApplicationContextUtils;

/**
 * A bearer token (RFC 6750 §2.1) for one request of a {@link ZtTest} class, signed by the JVM's test issuer and
 * addressed to the application's own audience: a real token, verified by the application's real filter, so a test
 * passes only where a real client would. Made by {@link ZtTokens#zt()}; each option may be set once.
 *
 * <ul>
 *   <li>MockMvc: {@code mvc.perform(get("/orders/1").with(zt().scopes("orders:read")))} (the application's audience
 *       is read from the context of the request's servlet context).
 *   <li>WebTestClient, RestClient, {@code RequestEntity} (TestRestTemplate): {@code .headers(zt().roles("admin"))}
 *       (the application of the running {@code @ZtTest} method).
 * </ul>
 *
 * <p>The token is minted when the request is built, on the system clock, with {@code sub} {@code user-1} and
 * {@code client_id} {@code test-client} unless told otherwise. Deny tests use the broken variants beside it:
 * {@link #expired()}, another {@link #audience(String...)}, another {@link #issuer(String)}, a key the issuer never
 * published ({@link #signedWith(TestKey)}).
 *
 * @since 0.4
 */
public final class ZtToken implements RequestPostProcessor, Consumer<HttpHeaders> {

  /** Claims with their own method, or that the issuer sets: {@link #claim} refuses them. */
  private static final Set<String> RESERVED =
      Set.of("iss", "aud", "sub", "exp", "iat", "nbf", "jti", "scope", "client_id", "cnf");

  private List<String> scopes;
  private List<String> roles;
  private String subject;
  private String clientId;
  private final Map<String, Object> claims = new LinkedHashMap<>();
  private boolean expired;
  private List<String> audiences;
  private String issuer;
  private TestKey key;

  ZtToken() {}

  /** The {@code scope} claim: these scopes, space-separated (RFC 8693 §4.2). */
  public ZtToken scopes(String... scopes) {
    requireUnset(this.scopes, "scopes");
    this.scopes = texts(scopes, "scopes");
    return this;
  }

  /** The caller's roles, in the claim the application reads them from ({@code zt.roles-claim}, default {@code roles}). */
  public ZtToken roles(String... roles) {
    requireUnset(this.roles, "roles");
    this.roles = texts(roles, "roles");
    return this;
  }

  /** The {@code sub} claim (default {@code user-1}). */
  public ZtToken subject(String subject) {
    requireUnset(this.subject, "subject");
    this.subject = text(subject, "subject");
    return this;
  }

  /** The {@code client_id} claim (RFC 9068 §2.2; default {@code test-client}). */
  public ZtToken clientId(String clientId) {
    requireUnset(this.clientId, "clientId");
    this.clientId = text(clientId, "clientId");
    return this;
  }

  /**
   * Any other claim, as a JSON value (string, number, boolean, list, map). Claims with their own method or that the
   * issuer sets ({@code iss}, {@code aud}, {@code sub}, {@code exp}, {@code iat}, {@code nbf}, {@code jti},
   * {@code scope}, {@code client_id}, {@code cnf}, and the roles claim) are refused.
   */
  public ZtToken claim(String name, Object value) {
    text(name, "name");
    Objects.requireNonNull(value, "value");
    if (RESERVED.contains(name)) {
      throw new IllegalArgumentException("the claim " + name + " has its own method or is the issuer's");
    }
    if (claims.putIfAbsent(name, value) != null) {
      throw new IllegalStateException("the claim " + name + " is already set");
    }
    return this;
  }

  /** A token that expired five minutes ago (issued ten minutes ago): the application must refuse it (401). */
  public ZtToken expired() {
    if (expired) {
      throw new IllegalStateException("expired is already set");
    }
    this.expired = true;
    return this;
  }

  /**
   * Addresses the token to {@code audiences} instead of the application's: for deny tests of a token meant for
   * another service (RFC 7519 §4.1.3), which the application must refuse (401).
   */
  public ZtToken audience(String... audiences) {
    requireUnset(this.audiences, "audience");
    this.audiences = texts(audiences, "audiences");
    return this;
  }

  /**
   * Claims another {@code iss} while still signed by the test issuer's key: a token from an issuer the application
   * does not trust, which it must refuse (401).
   */
  public ZtToken issuer(String issuer) {
    requireUnset(this.issuer, "issuer");
    this.issuer = text(issuer, "issuer");
    return this;
  }

  /** Signs with {@code key}, which the test issuer does not publish (e.g. {@code TestKey.rsa()}): refused (401). */
  public ZtToken signedWith(TestKey key) {
    requireUnset(this.key, "signedWith");
    this.key = Objects.requireNonNull(key, "key");
    return this;
  }

  /**
   * MockMvc: adds {@code Authorization: Bearer <token>} for the application of the request's servlet context. A
   * header the request already has stays: two credentials are refused, as for a real client.
   */
  @Override
  public MockHttpServletRequest postProcessRequest(MockHttpServletRequest request) {
    ApplicationContext context = WebApplicationContextUtils.getWebApplicationContext(request.getServletContext());
    if (context == null) {
      context = running();
    }
    request.addHeader(HttpHeaders.AUTHORIZATION, "Bearer " + mint(ZtTestContext.of(context)));
    return request;
  }

  /**
   * WebTestClient, RestClient, {@code RequestEntity}: adds {@code Authorization: Bearer <token>} for the application
   * of the {@code @ZtTest} method running on this thread.
   */
  @Override
  public void accept(HttpHeaders headers) {
    headers.add(HttpHeaders.AUTHORIZATION, "Bearer " + mint(ZtTestContext.of(running())));
  }

  private static ApplicationContext running() {
    return ZtTestExecutionListener.current()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "zt(): no @ZtTest test method is running on this thread (the token needs its application's"
                        + " audience): annotate the test class with @ZtTest and build the request in a test or"
                        + " @BeforeEach method"));
  }

  String mint(ZtTestContext zt) {
    ZtTestContext.Settings settings = zt.settings();
    TokenBuilder token = zt.issuer().token();
    token.audience(audiences == null ? new String[] {settings.audience()} : audiences.toArray(String[]::new));
    if (issuer != null) {
      token.issuer(issuer);
    }
    if (subject != null) {
      token.subject(subject);
    }
    if (clientId != null) {
      token.claim("client_id", clientId);
    }
    if (scopes != null) {
      token.scope(scopes.toArray(String[]::new));
    }
    Map<String, Object> all = new LinkedHashMap<>(claims);
    if (roles != null) {
      putAtPath(all, settings.rolesClaim(), roles);
    } else if (claims.containsKey(settings.rolesClaim())) {
      throw new IllegalStateException("the roles claim " + settings.rolesClaim() + " is set by roles(…)");
    }
    all.forEach(token::claim);
    if (expired) {
      token.issuedIn(Duration.ofMinutes(-10)).expiresIn(Duration.ofMinutes(-5));
    }
    if (key != null) {
      token.signedWith(key);
    }
    return token.build();
  }

  /** Puts {@code value} at a dotted claim path ({@code realm_access.roles}), refusing to overwrite a claim. */
  @SuppressWarnings("unchecked")
  private static void putAtPath(Map<String, Object> claims, String path, Object value) {
    String[] names = path.split("\\.");
    Map<String, Object> at = claims;
    for (int i = 0; i < names.length - 1; i++) {
      Object next = at.computeIfAbsent(names[i], n -> new LinkedHashMap<String, Object>());
      if (!(next instanceof Map<?, ?>)) {
        throw new IllegalStateException("the roles claim " + path + " crosses the claim " + names[i]);
      }
      Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) next);
      at.put(names[i], copy);
      at = copy;
    }
    if (at.putIfAbsent(names[names.length - 1], value) != null) {
      throw new IllegalStateException("the roles claim " + path + " is set by roles(…), not claim(…)");
    }
  }

  private static void requireUnset(Object value, String option) {
    if (value != null) {
      throw new IllegalStateException(option + " is already set");
    }
  }

  private static String text(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " is blank");
    }
    return value;
  }

  private static List<String> texts(String[] values, String what) {
    Objects.requireNonNull(values, what);
    if (values.length == 0) {
      throw new IllegalArgumentException("no " + what);
    }
    List<String> out = new ArrayList<>(values.length);
    Arrays.stream(values).forEach(v -> out.add(text(v, what)));
    return List.copyOf(out);
  }
}
