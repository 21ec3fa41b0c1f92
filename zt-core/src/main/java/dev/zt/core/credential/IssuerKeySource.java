package dev.zt.core.credential;

import dev.zt.core.internal.Loopback;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetParseException;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bottom of the key-source chain: fetches the issuer's JWKS, first discovering {@code jwks_uri} from the
 * issuer's metadata when no JWKS URI was configured. Discovery is lazy, so a service starts while its issuer is
 * down and answers 503 until keys can be had. Caching, refresh-ahead, rate limiting, retries and outage tolerance
 * are layered on top by Nimbus' {@code JWKSourceBuilder}.
 *
 * <p>Discovery tries OpenID Connect Discovery 1.0 ({@code /.well-known/openid-configuration} appended to the issuer)
 * and then RFC 8414 ({@code /.well-known/oauth-authorization-server} inserted before the issuer's path), and accepts a
 * document only if its {@code issuer} is exactly the configured one (OIDC Discovery §4.3, RFC 8414 §3.3).
 */
final class IssuerKeySource implements JWKSetSource<SecurityContext> {

  private final String issuer;
  private final ResourceRetriever retriever;
  private final boolean allowPlainHttp;
  private volatile URLBasedJWKSetSource<SecurityContext> delegate;
  private volatile URL jwksUrl;
  // whether the last attempt to get the issuer's keys (discovery and JWKS) failed: the caching layers above then
  // serve the last good set (outage tolerance), which cannot say whether a kid it lacks exists
  private volatile boolean lastFetchFailed;
  // when a fetch last succeeded and last failed, in the caller's (the enforcer's) milliseconds; -1 for never
  private volatile long lastSuccessMillis = -1;
  private volatile long lastFailureMillis = -1;

  IssuerKeySource(String issuer, URI jwksUri, ResourceRetriever retriever, boolean allowPlainHttp) {
    this.issuer = issuer;
    this.retriever = retriever;
    this.allowPlainHttp = allowPlainHttp;
    if (jwksUri != null) {
      this.jwksUrl = toUrl(jwksUri);
      this.delegate = new URLBasedJWKSetSource<>(jwksUrl, retriever);
    }
  }

  /**
   * Whether the most recent attempt to fetch the issuer's metadata or JWKS failed (unreachable, an error status,
   * an unusable document). A kid missing from the keys served meanwhile may be a key the issuer rotated to.
   */
  boolean lastFetchFailed() {
    return lastFetchFailed;
  }

  /** When fetches last succeeded and failed, for a health endpoint (never the URL). */
  KeySourceHealth health() {
    long ok = lastSuccessMillis;
    long failed = lastFailureMillis;
    return new KeySourceHealth(issuer,
        ok < 0 ? java.util.Optional.empty() : java.util.Optional.of(java.time.Instant.ofEpochMilli(ok)),
        failed < 0 ? java.util.Optional.empty() : java.util.Optional.of(java.time.Instant.ofEpochMilli(failed)));
  }

  @Override
  public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context)
      throws KeySourceException {
    try {
      JWKSet set = fetch(evaluator, currentTime, context);
      lastFetchFailed = false;
      lastSuccessMillis = currentTime;
      return set;
    } catch (KeySourceException | RuntimeException e) {
      lastFetchFailed = true;
      lastFailureMillis = currentTime;
      throw e;
    }
  }

  private JWKSet fetch(JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context)
      throws KeySourceException {
    URLBasedJWKSetSource<SecurityContext> d = delegate;
    if (d == null) {
      URL url = toUrl(discoverJwksUri());
      d = new URLBasedJWKSetSource<>(url, retriever);
      jwksUrl = url;
      delegate = d;
    }
    // the log needs to say where and why (the audit detail of a KEYS_UNAVAILABLE denial): the URL and the cause
    try {
      return d.getJWKSet(evaluator, currentTime, context);
    } catch (JWKSetParseException e) {
      throw new JWKSetParseException("JWKS at " + jwksUrl + " unusable: " + e.getMessage(), e);
    } catch (JWKSetUnavailableException e) {
      throw new JWKSetUnavailableException("JWKS at " + jwksUrl + " unavailable: " + e.getMessage(), e);
    }
  }

  private URI discoverJwksUri() throws KeySourceException {
    URI uri = URI.create(discover(issuer, retriever, "jwks_uri"));
    checkScheme(uri);
    return uri;
  }

  /**
   * The string value of {@code member} (e.g. {@code jwks_uri}, {@code introspection_endpoint}) in {@code issuer}'s
   * metadata, found by OpenID Connect Discovery or RFC 8414, from a document whose {@code issuer} is exactly the
   * configured one.
   */
  static String discover(String issuer, ResourceRetriever retriever, String member) throws KeySourceException {
    String trimmed = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    URI iss = URI.create(issuer);
    String path = iss.getRawPath() == null ? "" : iss.getRawPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String origin = iss.getScheme() + "://" + iss.getRawAuthority();
    List<String> candidates = List.of(
        trimmed + "/.well-known/openid-configuration",
        origin + "/.well-known/oauth-authorization-server" + path);
    KeySourceException last = null;
    for (String candidate : candidates) {
      try {
        Resource res = retriever.retrieveResource(new URL(candidate));
        Map<String, Object> meta = JSONObjectUtils.parse(res.getContent());
        if (meta == null) { // the JSON literal null parses to no object at all
          last = new JWKSetUnavailableException("issuer metadata at " + candidate + " is not a JSON object", null);
          continue;
        }
        Object metaIssuer = meta.get("issuer");
        if (!issuer.equals(metaIssuer)) {
          last = new JWKSetUnavailableException("issuer metadata at " + candidate + " names a different issuer", null);
          continue;
        }
        Object value = meta.get(member);
        if (!(value instanceof String s)) {
          last = new JWKSetUnavailableException("issuer metadata at " + candidate + " has no " + member, null);
          continue;
        }
        URI.create(s); // a malformed URI is this candidate's failure
        return s;
      } catch (IOException | java.text.ParseException | IllegalArgumentException e) {
        last = new JWKSetUnavailableException("issuer metadata at " + candidate + " unavailable: "
            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
      }
    }
    throw last;
  }

  private void checkScheme(URI uri) throws KeySourceException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean ok = scheme.equals("https")
        || (scheme.equals("http") && (allowPlainHttp || Loopback.isLoopback(uri.getHost())));
    if (!ok) {
      throw new JWKSetUnavailableException("jwks_uri " + uri + " must use https", null);
    }
  }

  private static URL toUrl(URI uri) {
    try {
      return uri.toURL();
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException("not a URL: " + uri, e);
    }
  }

  @Override
  public void close() throws IOException {
    URLBasedJWKSetSource<SecurityContext> d = delegate;
    if (d != null) {
      d.close();
    }
  }
}
