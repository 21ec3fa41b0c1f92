package dev.zt.testkit.spring;

import dev.zt.testkit.TestIssuer;

/**
 * The entry points of zt's Spring test helpers: {@link #zt()}, a real token for one request of a {@link ZtTest}
 * class, and the JVM's test issuer behind it.
 *
 * <pre>{@code
 * import static dev.zt.testkit.spring.ZtTokens.zt;
 *
 * mvc.perform(get("/orders/1").with(zt().scopes("profile"))).andExpect(status().isForbidden());
 * client.get().uri("/orders/1").headers(zt().scopes("profile")).exchange().expectStatus().isForbidden();
 * }</pre>
 *
 * @since 0.4
 */
public final class ZtTokens {

  private ZtTokens() {}

  /** A valid token for the application under test (no scopes, no roles) to refine: {@code zt().scopes("orders:read")}. */
  public static ZtToken zt() {
    return new ZtToken();
  }

  /**
   * The issuer every {@link ZtTest} application of this JVM trusts, for what {@link ZtToken} does not cover (a raw
   * {@code issuer().token()}, whose audience is the suite's {@link TestIssuer#defaultAudience()}, not the
   * application's). It is shared: a test that rotates its keys or breaks its JWKS affects the JVM's other tests.
   */
  public static TestIssuer issuer() {
    return SharedIssuer.get();
  }
}
