package dev.zt.samples.springorders;

import static dev.zt.samples.orders.model.Variables.flag;
import static dev.zt.samples.orders.model.Variables.refuseRemotePlainHttp;
import static dev.zt.samples.orders.model.Variables.required;
import static dev.zt.samples.orders.model.Variables.uri;
import static dev.zt.samples.orders.model.Variables.value;

import dev.zt.core.credential.BearerJwt;
import dev.zt.samples.orders.model.TokenRules;
import dev.zt.samples.orders.model.Variables;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * spring-orders' standalone variables, read and checked before Spring starts by the parsing orders-service uses too
 * ({@link Variables}, {@link TokenRules}: the same meanings, defaults and messages): {@code ZT_ISSUER} and
 * {@code ZT_AUDIENCE} (required), {@code ZT_JWKS_URI} (else discovery), the token rules ({@code ZT_MAX_TOKEN_LIFETIME},
 * {@code ZT_ACCESS_TOKEN_TYPE}, {@code ZT_ALGORITHMS}, {@code ZT_ROLES_CLAIM}), {@code ZT_ALLOW_PLAIN_HTTP}
 * ({@code true} lets keys come over plain http from a host that is not loopback) and {@code PORT} (default 8080). A
 * value that is present and not understood is an {@link IllegalArgumentException} naming its variable, which
 * {@code main} turns into exit status 2: a misspelt setting never silently weakens, or drops, a check.
 *
 * @param issuer {@code ZT_ISSUER}
 * @param audience {@code ZT_AUDIENCE}
 * @param jwksUri {@code ZT_JWKS_URI}
 * @param rules the token rules
 * @param allowPlainHttp {@code ZT_ALLOW_PLAIN_HTTP}
 * @param port {@code PORT}
 */
record OrdersEnvironment(String issuer, String audience, Optional<URI> jwksUri, TokenRules rules,
    boolean allowPlainHttp, int port) {

  /** Reads {@code env}; the token rules are also handed to zt's builder once, so what it refuses is refused here. */
  static OrdersEnvironment read(Map<String, String> env) {
    String issuer = required(env, "ZT_ISSUER");
    String audience = required(env, "ZT_AUDIENCE");
    URI issuerUri = uri(issuer, "ZT_ISSUER");
    String jwks = value(env, "ZT_JWKS_URI");
    Optional<URI> jwksUri = jwks == null ? Optional.empty() : Optional.of(uri(jwks, "ZT_JWKS_URI"));
    boolean allowPlainHttp = flag(env, "ZT_ALLOW_PLAIN_HTTP");
    refuseRemotePlainHttp("ZT_ISSUER", issuerUri, allowPlainHttp);
    jwksUri.ifPresent(u -> refuseRemotePlainHttp("ZT_JWKS_URI", u, allowPlainHttp));
    OrdersEnvironment read = new OrdersEnvironment(issuer, audience, jwksUri, TokenRules.read(env), allowPlainHttp,
        Variables.port(env));
    read.bearerJwt(); // what zt's builder refuses (an issuer it cannot use, …) is refused before Spring starts
    return read;
  }

  /** The token configuration these variables describe, as orders-service builds it. */
  BearerJwt bearerJwt() {
    BearerJwt.Builder b = BearerJwt.issuer(issuer).audience(audience);
    jwksUri.ifPresent(b::jwksUri);
    if (allowPlainHttp) {
      b.allowPlainHttpKeySource();
    }
    return rules.applyTo(b).build();
  }

  /**
   * The issuer options of the policy file these variables set, as YAML lines of the issuer entry (indented by
   * {@code indent}): {@code jwks_uri}, {@code allow_plain_http_key_source}, {@code max_token_lifetime},
   * {@code require_access_token_type}, {@code algorithms}. Every value was checked above; strings are written as JSON
   * strings (valid YAML), so no value can add a key.
   */
  String issuerOptions(String indent) {
    StringBuilder b = new StringBuilder();
    if (allowPlainHttp) {
      b.append(indent).append("allow_plain_http_key_source: true\n");
    }
    jwksUri.ifPresent(u -> b.append(indent).append("jwks_uri: ").append(quoted(u.toString())).append('\n'));
    rules.maxTokenLifetime().ifPresent(d -> b.append(indent).append("max_token_lifetime: ").append(durationText(d))
        .append('\n'));
    if (rules.requireAccessTokenType()) {
      b.append(indent).append("require_access_token_type: true\n");
    }
    if (!rules.algorithms().isEmpty()) {
      b.append(indent).append("algorithms:");
      rules.algorithms().forEach(a -> b.append('\n').append(indent).append("  - ").append(quoted(a)));
      b.append('\n');
    }
    return b.toString();
  }

  /** {@code d} in the policy file's duration syntax: whole milliseconds (no precision is lost above that). */
  private static String durationText(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static String quoted(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
