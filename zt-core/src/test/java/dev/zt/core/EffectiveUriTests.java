package dev.zt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.credential.BearerJwt;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A request's scheme, host and effective URI (what DPoP's {@code htu} is compared with, RFC 9449 §4.3), and the
 * configured public origin that makes it independent of the {@code Host} a client sends.
 */
class EffectiveUriTests {

  private static RequestHeaders headers(String... nameValue) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      h.computeIfAbsent(nameValue[i], k -> new ArrayList<>()).add(nameValue[i + 1]);
    }
    return RequestHeaders.of(h);
  }

  private static Optional<URI> effective(String scheme, String host, String rawPath) {
    return RequestContext.builder("GET", rawPath).scheme(scheme).host(host).headers(headers("Host", host)).build()
        .effectiveUri();
  }

  @ParameterizedTest
  @CsvSource({
      "https, api.example.com, /orders, https://api.example.com/orders",
      "HTTPS, API.Example.COM, /orders, https://api.example.com/orders",
      "https, api.example.com:443, /orders, https://api.example.com/orders",
      "http, api.example.com:80, /orders, http://api.example.com/orders",
      "https, api.example.com:8443, /orders, https://api.example.com:8443/orders",
      "https, api.example.com:08443, /a, https://api.example.com:8443/a",
      "https, api.example.com:, /a, https://api.example.com/a",
      "https, 192.0.2.1:8443, /a, https://192.0.2.1:8443/a",
      "https, [::1]:8443, /a, https://[::1]:8443/a",
      "https, [2001:DB8::1], /a, https://[2001:db8::1]/a",
      "https, api.example.com, /a/%7euser/%2f/./b/../c, https://api.example.com/a/~user/%2F/c",
      "https, api.example.com, /a%3a, https://api.example.com/a%3A",
  })
  void effectiveUriWhenValidSchemeAndHostThenNormalized(String scheme, String host, String path, String expected) {
    assertThat(effective(scheme, host, path)).contains(URI.create(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "evil.example/orders", // a path in Host
      "user@api.example.com", // user info
      "api.example.com, evil.example", // two hosts in one field
      "api.example.com evil.example",
      "api.example.com:99999", // port out of range
      "api.example.com:-1",
      "api.example.com:80x",
      "[::1", // unclosed literal
      "[::1]x",
      "[fe80::1%25eth0]", // zone id
      "[v1.fe80::1]", // IPvFuture
      "[not:an:address:zz]",
      "999.1.1.1", // not a dotted quad, not a name
      "1.2.3",
      "api%2eexample.com", // percent-encoding in a host
      "api.exämple.com", // non-ASCII
      "api.example.com\r\nX-Injected: 1",
      "",
      ".example.com",
      "a..example.com",
  })
  void effectiveUriWhenHostIsNotAValidHostAndPortThenEmpty(String host) {
    assertThat(effective("https", host, "/orders")).isEmpty();
  }

  @Test
  void effectiveUriWhenHostSentTwiceThenEmpty() {
    RequestContext ctx = RequestContext.builder("GET", "/orders").scheme("https").host("api.example.com")
        .headers(headers("Host", "api.example.com", "Host", "evil.example")).build();

    assertThat(ctx.effectiveUri()).isEmpty();
  }

  @Test
  void effectiveUriWhenNoSchemeOrNoHostThenEmpty() {
    assertThat(RequestContext.builder("GET", "/a").host("api.example.com").build().effectiveUri()).isEmpty();
    assertThat(RequestContext.builder("GET", "/a").scheme("https").build().effectiveUri()).isEmpty();
  }

  @Test
  void schemeWhenNotHttpOrHttpsThenUnknownAndNoEffectiveUri() {
    RequestContext ctx = RequestContext.builder("GET", "/a").scheme("ws").host("api.example.com").build();

    assertThat(ctx.scheme()).isEmpty();
    assertThat(ctx.effectiveUri()).isEmpty();
  }

  @Test
  void effectiveUriWhenAbsoluteFormTargetThenItsAuthorityNotHost() {
    RequestContext ctx = RequestContext.forRequestTarget("GET", "https://api.example.com:443/orders?x=1")
        .scheme("https").host("evil.example").headers(headers("Host", "evil.example")).build();

    assertThat(ctx.host()).contains("api.example.com:443");
    assertThat(ctx.effectiveUri()).contains(URI.create("https://api.example.com/orders"));
  }

  @Test
  void effectiveUriWhenAbsoluteFormSchemeIsNotTheConnectionsThenEmpty() {
    RequestContext ctx = RequestContext.forRequestTarget("GET", "https://api.example.com/orders")
        .scheme("http").host("api.example.com").build();

    assertThat(ctx.effectiveUri()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "api.example.com:443", "orders", "https://user@api.example.com/orders"})
  void effectiveUriWhenRequestTargetRefusedThenEmpty(String target) {
    RequestContext ctx = RequestContext.forRequestTarget("GET", target).scheme("https").host("api.example.com")
        .publicOrigin(URI.create("https://api.example.com")).build();

    assertThat(ctx.effectiveUri()).isEmpty();
  }

  @Test
  void effectiveUriWhenQueryThenNotPartOfIt() {
    RequestContext ctx = RequestContext.forRequestTarget("GET", "/orders?access=1#x").scheme("https")
        .host("api.example.com").build();
    RequestContext plain = RequestContext.forRequestTarget("GET", "/orders?access=1").scheme("https")
        .host("api.example.com").build();

    assertThat(ctx.effectiveUri()).as("a fragment is refused in a request-target").isEmpty();
    assertThat(plain.effectiveUri()).contains(URI.create("https://api.example.com/orders"));
  }

  @Test
  void effectiveUriWhenPublicOriginGivenThenHostIsIgnored() {
    RequestContext ctx = RequestContext.builder("GET", "/orders").scheme("http").host("evil.example")
        .publicOrigin(URI.create("https://API.example.com:443")).build();

    assertThat(ctx.effectiveUri()).contains(URI.create("https://api.example.com/orders"));
    assertThat(ctx.publicOrigin()).contains(URI.create("https://api.example.com"));
  }

  @Test
  void enforcerEffectiveUriWhenPublicOriginConfiguredThenFromItWhateverTheContextSays() {
    Enforcer e = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.permitAll()).build())
        .publicOrigin(URI.create("https://orders.example.com"))
        .build();
    RequestContext ctx = RequestContext.builder("GET", "/orders").scheme("https").host("evil.example")
        .headers(headers("Host", "evil.example")).publicOrigin(URI.create("https://other.example")).build();

    assertThat(e.publicOrigin()).contains(URI.create("https://orders.example.com"));
    assertThat(e.effectiveUri(ctx)).contains(URI.create("https://orders.example.com/orders"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "orders.example.com", // relative
      "ftp://orders.example.com",
      "https://orders.example.com/", // a trailing / (the root is no path at all)
      "https://orders.example.com/api/", // a prefix with a trailing /
      "https://orders.example.com/a/../api", // a prefix not in normal form
      "https://orders.example.com/%61pi", // an unreserved character encoded
      "https://orders.example.com//api",
      "https://orders.example.com?x=1",
      "https://orders.example.com#x",
      "https://user@orders.example.com",
      "https:orders.example.com", // opaque
      "https://orders.example.com:99999",
      "https://",
  })
  void publicOriginWhenNotAnOriginThenRefusedAtBuild(String origin) {
    assertThatThrownBy(() -> Enforcer.builder().publicOrigin(URI.create(origin)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void enforcerEffectiveUriWhenPublicOriginHasAPathPrefixThenItComesBeforeTheRequestPath() {
    Enforcer e = Enforcer.builder()
        .bearerJwt(BearerJwt.issuer("https://issuer.test").audience("api")
            .keySource((selector, context) -> List.of()).build())
        .routes(RoutePolicy.builder().get("/orders", Requirement.permitAll()).build())
        .publicOrigin(URI.create("https://API.example.com:443/orders-service"))
        .build();
    RequestContext ctx = RequestContext.builder("GET", "/orders/./1").headers(headers("Host", "evil.example")).build();

    assertThat(e.publicOrigin()).contains(URI.create("https://api.example.com/orders-service"));
    assertThat(e.effectiveUri(ctx)).contains(URI.create("https://api.example.com/orders-service/orders/1"));
  }

  @Test
  void publicOriginWhenSetTwiceThenRefused() {
    Enforcer.Builder b = Enforcer.builder().publicOrigin(URI.create("https://a.example"));

    assertThatThrownBy(() -> b.publicOrigin(URI.create("https://b.example")))
        .isInstanceOf(IllegalStateException.class);
  }
}
