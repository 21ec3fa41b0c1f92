package dev.zt.core.credential;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The issuers of a multi-tenant identity provider whose keys are shared by every tenant (Microsoft Entra ID: one JWKS,
 * {@code iss} = {@code https://login.microsoftonline.com/{tenantid}/v2.0} with the token's {@code tid} in it). A
 * token is one of theirs only when its {@code iss} is exactly the template with {@value #PLACEHOLDER} replaced by its
 * own verified {@code tid}, and that tenant is allowed — never by a wildcard over {@code iss}, and a tenant id is
 * never part of a URL zt contacts: the keys come from the one configured key source.
 *
 * <p>A tenant id is 1 to 64 characters of {@code A-Z a-z 0-9 . _ -} (Entra's are GUIDs), not {@code .} or
 * {@code ..}: nothing that could change what the rest of the issuer string means.
 */
final class TenantIssuers {

  static final String PLACEHOLDER = "{tenantid}";

  private final String template;
  private final String prefix;
  private final String suffix;
  private final Set<String> tenants; // empty: any tenant (unsafeAnyTenant)
  private final Set<String> issuers; // the template for each allowed tenant; empty: any tenant

  TenantIssuers(String template, Set<String> tenants) {
    int at = template.indexOf(PLACEHOLDER);
    if (at < 0 || template.indexOf(PLACEHOLDER, at + 1) >= 0) {
      throw new IllegalArgumentException("a multi-tenant issuer template holds " + PLACEHOLDER + " exactly once: "
          + template);
    }
    this.template = template;
    this.prefix = template.substring(0, at);
    this.suffix = template.substring(at + PLACEHOLDER.length());
    Set<String> names = new LinkedHashSet<>();
    for (String t : tenants) {
      if (!isTenantId(t)) {
        throw new IllegalArgumentException("not a tenant id (1–64 of A-Z a-z 0-9 . _ -): " + t);
      }
      names.add(issuerOf(t));
    }
    this.tenants = Set.copyOf(tenants);
    this.issuers = Set.copyOf(names);
  }

  String template() {
    return template;
  }

  boolean anyTenant() {
    return tenants.isEmpty();
  }

  Set<String> tenants() {
    return tenants;
  }

  /** The issuer of each allowed tenant, sorted; empty under {@code unsafeAnyTenant}. */
  java.util.List<String> issuers() {
    return tenants.stream().sorted().map(this::issuerOf).toList();
  }

  /** The issuer of tenant {@code tid}: the template with the placeholder replaced. */
  String issuerOf(String tid) {
    return prefix + tid + suffix;
  }

  /**
   * Whether an {@code iss} (unverified: only to route a token to this issuer's verifier) names one of these issuers:
   * the template for an allowed tenant, exactly; under {@code unsafeAnyTenant}, the template around any tenant id.
   */
  boolean names(String iss) {
    if (!anyTenant()) {
      return issuers.contains(iss);
    }
    return iss.length() > prefix.length() + suffix.length() && iss.startsWith(prefix) && iss.endsWith(suffix)
        && isTenantId(iss.substring(prefix.length(), iss.length() - suffix.length()));
  }

  /** Whether {@code tid} may have tokens accepted. */
  boolean allows(String tid) {
    return anyTenant() ? isTenantId(tid) : tenants.contains(tid);
  }

  static boolean isTenantId(String t) {
    if (t.isEmpty() || t.length() > 64 || t.equals(".") || t.equals("..")) {
      return false;
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
          || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
