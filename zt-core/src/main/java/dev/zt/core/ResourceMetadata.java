package dev.zt.core;

import dev.zt.core.policy.Route;
import dev.zt.core.policy.RoutePolicy;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OAuth 2.0 Protected Resource Metadata (RFC 9728) of an enforcer with a public origin, built once from its
 * configuration: {@code resource} (the public origin exactly as configured), {@code authorization_servers} (every
 * accepted issuer), {@code scopes_supported} (the scopes the routes name), {@code bearer_methods_supported}
 * ({@code header}: zt never reads a token from a form or the query), {@code dpop_signing_alg_values_supported} and,
 * when every route that needs a credential needs a sender-constrained one, {@code dpop_bound_access_tokens_required}.
 *
 * <p>Served at {@code /.well-known/oauth-protected-resource} with the origin's path inserted after it (RFC 9728 §3.1)
 * — and, for an origin with a path, also at {@code /.well-known/oauth-protected-resource} itself, which is what the
 * service sees when a proxy that publishes it under that path strips the prefix. Its URL (always the §3.1 form) is the
 * {@code resource_metadata} parameter of the 401 challenges (§5.1).
 */
final class ResourceMetadata {

  static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";
  static final String RULE = "oauth-protected-resource";

  private final Set<String> paths;
  private final String url;
  private final WireResponse response;

  private ResourceMetadata(Set<String> paths, String url, WireResponse response) {
    this.paths = paths;
    this.url = url;
    this.response = response;
  }

  /** The URL of the metadata of a resource at {@code origin} (checked, normal form, with its path prefix if any). */
  static String url(URI origin) {
    String prefix = origin.getRawPath() == null ? "" : origin.getRawPath();
    return origin.getScheme() + "://" + origin.getRawAuthority() + WELL_KNOWN + prefix;
  }

  static ResourceMetadata of(String given, URI origin, List<String> issuers, RoutePolicy routes,
      List<String> dpopAlgorithms) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("resource", given);
    doc.put("authorization_servers", List.copyOf(issuers));
    Set<String> scopes = new LinkedHashSet<>();
    boolean everyProtectedRouteBound = true;
    boolean anyProtected = false;
    for (Route r : routes.routes()) {
      scopes.addAll(r.requirement().scopesNamed());
      if (!r.requirement().isPublic()) {
        anyProtected = true;
        everyProtectedRouteBound &= r.requirement().requiresSenderConstraint();
      }
    }
    if (!scopes.isEmpty()) {
      doc.put("scopes_supported", new ArrayList<>(scopes));
    }
    doc.put("bearer_methods_supported", List.of("header"));
    doc.put("dpop_signing_alg_values_supported", List.copyOf(dpopAlgorithms));
    if (anyProtected && everyProtectedRouteBound) {
      doc.put("dpop_bound_access_tokens_required", true);
    }
    String prefix = origin.getRawPath() == null ? "" : origin.getRawPath();
    Set<String> paths = new LinkedHashSet<>();
    paths.add(WELL_KNOWN + prefix);
    paths.add(WELL_KNOWN);
    return new ResourceMetadata(Set.copyOf(paths), url(origin),
        WireResponse.json(JSONObjectUtils.toJSONString(doc), 300));
  }

  /** Whether a request with this method and normalized path asks for the metadata. */
  boolean serves(String method, String normalizedPath) {
    return (method.equals("GET") || method.equals("HEAD")) && paths.contains(normalizedPath);
  }

  String url() {
    return url;
  }

  WireResponse response() {
    return response;
  }
}
