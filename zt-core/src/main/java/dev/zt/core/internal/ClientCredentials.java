package dev.zt.core.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * How zt's OAuth clients (the introspection client, the token-exchange client) authenticate to an authorization
 * server's endpoint (RFC 6749 §2.3.1, RFC 7523 §2.2, RFC 8705 §2.1): one method, its secret or key, applied to a
 * request's header and form. The secret and key are never printed. Internal: not part of zt's API.
 */
public final class ClientCredentials {

  /** The methods, by their RFC 7591 §2 {@code token_endpoint_auth_method} names. */
  public enum Method {
    CLIENT_SECRET_BASIC("client_secret_basic"),
    CLIENT_SECRET_POST("client_secret_post"),
    PRIVATE_KEY_JWT("private_key_jwt"),
    TLS_CLIENT_AUTH("tls_client_auth");

    private final String wireName;

    Method(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  private static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  private final String clientId;
  private final Method method;
  private final String secret;
  private final PrivateKey key;
  private final String keyId;
  private final Supplier<SSLContext> sslContext;

  private ClientCredentials(String clientId, Method method, String secret, PrivateKey key, String keyId,
      Supplier<SSLContext> sslContext) {
    this.clientId = clientId;
    this.method = method;
    this.secret = secret;
    this.key = key;
    this.keyId = keyId;
    this.sslContext = sslContext;
  }

  /** A non-blank client id, or an exception. */
  public static String clientId(String clientId) {
    Objects.requireNonNull(clientId, "clientId");
    if (clientId.isBlank()) {
      throw new IllegalArgumentException("client id must not be blank");
    }
    return clientId;
  }

  /** {@code client_secret_basic} or {@code client_secret_post} with a non-empty secret. */
  public static ClientCredentials secret(String clientId, Method method, String secret) {
    if (method != Method.CLIENT_SECRET_BASIC && method != Method.CLIENT_SECRET_POST) {
      throw new IllegalArgumentException("not a secret method: " + method);
    }
    Objects.requireNonNull(secret, "clientSecret");
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("client secret must not be empty");
    }
    return new ClientCredentials(clientId(clientId), method, secret, null, null, null);
  }

  /**
   * {@code private_key_jwt} with an RSA key of at least 2048 bits (RS256) or an EC P-256 key (ES256), optionally
   * naming it ({@code kid}).
   */
  public static ClientCredentials privateKeyJwt(String clientId, PrivateKey key, String keyId) {
    Objects.requireNonNull(key, "key");
    String alg = key.getAlgorithm().toUpperCase(Locale.ROOT);
    if (!alg.equals("RSA") && !alg.equals("EC")) {
      throw new IllegalArgumentException("private_key_jwt needs an RSA or EC (P-256) key, not " + alg);
    }
    if (key instanceof java.security.interfaces.RSAKey rsa && rsa.getModulus().bitLength() < 2048) {
      throw new IllegalArgumentException("private_key_jwt needs an RSA key of at least 2048 bits");
    }
    if (key instanceof java.security.interfaces.ECKey ec && ec.getParams().getCurve().getField().getFieldSize() != 256) {
      throw new IllegalArgumentException("private_key_jwt needs an EC key on P-256");
    }
    if (keyId != null && keyId.isBlank()) {
      throw new IllegalArgumentException("key id must not be blank");
    }
    return new ClientCredentials(clientId(clientId), Method.PRIVATE_KEY_JWT, null, key, keyId, null);
  }

  /** {@code tls_client_auth}: the certificate of the context {@code sslContext} supplies before each call. */
  public static ClientCredentials tls(String clientId, Supplier<SSLContext> sslContext) {
    return new ClientCredentials(clientId(clientId), Method.TLS_CLIENT_AUTH, null, null, null,
        Objects.requireNonNull(sslContext, "sslContext"));
  }

  public String clientId() {
    return clientId;
  }

  public Method method() {
    return method;
  }

  /** The TLS context to call with ({@code tls_client_auth}), or {@code null}. */
  public SSLContext sslContextOrNull() {
    return sslContext == null ? null : sslContext.get();
  }

  /**
   * Authenticates {@code request}: a {@code Basic} {@code Authorization} field, or the client's parameters appended
   * to {@code form} (each preceded by {@code &}). A {@code private_key_jwt} assertion (a signature: never on an event
   * loop) names {@code assertionAudience} as its one {@code aud} and lives 60 s from {@code nowMillis}.
   */
  public void apply(HttpRequest.Builder request, StringBuilder form, String assertionAudience, long nowMillis) {
    switch (method) {
      case CLIENT_SECRET_BASIC -> {
        // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and Base64-encoded
        String pair = enc(clientId) + ":" + enc(secret);
        request.header("Authorization", "Basic "
            + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.US_ASCII)));
      }
      case CLIENT_SECRET_POST -> form.append("&client_id=").append(enc(clientId))
          .append("&client_secret=").append(enc(secret));
      case PRIVATE_KEY_JWT -> form.append("&client_id=").append(enc(clientId))
          .append("&client_assertion_type=").append(enc(ASSERTION_TYPE))
          .append("&client_assertion=").append(assertion(assertionAudience, nowMillis));
      case TLS_CLIENT_AUTH -> form.append("&client_id=").append(enc(clientId));
    }
  }

  /**
   * RFC 7523 §3: iss = sub = client id, aud = one string (as OpenID Connect Core's 2023 errata and RFC 7523bis ask:
   * Keycloak 26 refuses an assertion whose aud is an array naming the endpoint too), a unique jti, exp 60 s ahead.
   */
  private String assertion(String audience, long now) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(clientId)
        .subject(clientId)
        .audience(audience)
        .jwtID(UUID.randomUUID().toString())
        .issueTime(new Date(now))
        .expirationTime(new Date(now + 60_000L))
        .build();
    boolean ec = key instanceof ECPrivateKey;
    JWSHeader.Builder header = new JWSHeader.Builder(ec ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256);
    if (keyId != null) {
      header.keyID(keyId);
    }
    SignedJWT jwt = new SignedJWT(header.build(), claims);
    try {
      JWSSigner signer = ec ? new ECDSASigner((ECPrivateKey) key) : new RSASSASigner(key);
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("client assertion not signed: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }

  /** {@code application/x-www-form-urlencoded} encoding of one value. */
  public static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "ClientCredentials[" + clientId + ", " + method.wireName() + "]";
  }
}
