package dev.zt.policy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.zt.core.DenyReason;
import dev.zt.core.countermeasure.Countermeasure;
import dev.zt.core.countermeasure.CountermeasurePolicy;
import dev.zt.core.credential.BearerJwt;
import dev.zt.core.credential.Dpop;
import dev.zt.core.credential.Introspection;
import dev.zt.core.detect.Detection;
import dev.zt.core.policy.Requirement;
import dev.zt.core.policy.RoutePolicy;
import dev.zt.core.rate.RateLimit;
import dev.zt.core.rate.RatePolicy;
import dev.zt.core.trust.TrustContext;
import dev.zt.core.trust.TrustLevel;
import dev.zt.core.trust.TrustPolicy;
import dev.zt.core.trust.TrustSignal;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A schema-valid document to a {@link Recipe}: each section to its builder. A builder's refusal
 * ({@link IllegalArgumentException}, {@link IllegalStateException}) becomes a problem at the node it came from.
 */
final class Mapper {

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

  private final YamlTree tree;
  private final Problems problems;
  private final PolicyExtensions extensions;
  private final boolean lint;

  private Mapper(YamlTree tree, Problems problems, PolicyExtensions extensions, boolean lint) {
    this.tree = tree;
    this.problems = problems;
    this.extensions = extensions;
    this.lint = lint;
  }

  /** The recipe, or null with problems added; in {@code lint} mode shadowed routes are findings, not problems. */
  static Recipe map(YamlTree tree, Problems problems, PolicyExtensions extensions, boolean lint) {
    return new Mapper(tree, problems, extensions, lint).map();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o instanceof List<?> l ? (List<Object>) l : List.of();
  }

  private static List<String> strings(Object o) {
    if (o instanceof String s) {
      return List.of(s);
    }
    return list(o).stream().map(String::valueOf).toList();
  }

  private Recipe map() {
    Map<String, Object> doc = map(tree.root);
    List<Recipe.IssuerSpec> issuers = new ArrayList<>();
    List<Object> is = list(doc.get("issuers"));
    Set<String> seenIssuers = new HashSet<>();
    for (int i = 0; i < is.size(); i++) {
      Recipe.IssuerSpec spec = issuer(map(is.get(i)), "/issuers/" + i);
      if (spec != null) {
        if (!seenIssuers.add(spec.issuer())) {
          problems.at("/issuers/" + i + "/issuer", "issuer '" + spec.issuer() + "' is listed twice");
        }
        issuers.add(spec);
      }
    }
    List<Recipe.ParsedRoute> routes = routes(doc);
    List<PolicyFinding> shadowed = new ArrayList<>();
    RoutePolicy routePolicy = routePolicy(routes, Boolean.TRUE.equals(doc.get("no_implicit_head")), shadowed);
    Optional<String> realm = Optional.ofNullable((String) doc.get("realm"));
    Optional<URI> origin = Optional.ofNullable((String) doc.get("public_origin")).map(s -> uri(s, "/public_origin"));
    Optional<dev.zt.core.credential.SignatureProvider> signatureProvider =
        Optional.ofNullable((String) doc.get("signature_provider")).map(this::signatureProvider);
    Optional<TrustPolicy> trust = Optional.empty();
    Optional<Function<TrustContext, Optional<String>>> country = Optional.empty();
    if (doc.containsKey("trust")) {
      Map<String, Object> t = map(doc.get("trust"));
      trust = Optional.ofNullable(trust(t));
      if (t.get("country_from") instanceof Map<?, ?> from) {
        country = Optional.of(HeaderSignals.country((String) from.get("header")));
      } else if (t.containsKey("country_from")) {
        String name = (String) t.get("country_from");
        country = extensions.countryResolver(name);
        if (country.isEmpty()) {
          problems.at("/trust/country_from", "no country resolver named '" + name
              + "' is registered (PolicyExtensions.builder().countryResolver(\"" + name + "\", …))");
        }
      }
    }
    Set<String> routeIds = new LinkedHashSet<>();
    routes.forEach(r -> routeIds.add(r.id()));
    Optional<RatePolicy> rates = doc.containsKey("rate_limits")
        ? Optional.ofNullable(rates(map(doc.get("rate_limits")), routeIds)) : Optional.empty();
    Optional<Detection> detection = doc.containsKey("detection")
        ? Optional.ofNullable(detection(doc.get("detection"))) : Optional.empty();
    Optional<CountermeasurePolicy> cm = doc.containsKey("countermeasures")
        ? Optional.ofNullable(countermeasures(doc.get("countermeasures"))) : Optional.empty();
    Optional<Predicate<InetAddress>> forwarded = doc.containsKey("trust_forwarded_for")
        ? Optional.ofNullable(addresses(doc.get("trust_forwarded_for"), "/trust_forwarded_for")) : Optional.empty();
    boolean clientCert = Boolean.TRUE.equals(doc.get("trust_client_cert_header"));
    Optional<Dpop> dpop = doc.containsKey("dpop") ? Optional.ofNullable(dpop(map(doc.get("dpop")))) : Optional.empty();
    List<Recipe.ObjectRuleAt> objectRules = new ArrayList<>();
    Optional<dev.zt.core.authz.ObjectPolicy> objects = doc.containsKey("objects")
        ? Optional.ofNullable(objects(list(doc.get("objects")), objectRules)) : Optional.empty();
    List<dev.zt.core.authz.PdpBinding> pdps = new ArrayList<>();
    List<Object> ps = list(doc.get("pdp"));
    for (int i = 0; i < ps.size(); i++) {
      dev.zt.core.authz.PdpBinding binding = pdp(map(ps.get(i)), "/pdp/" + i);
      if (binding != null) {
        pdps.add(binding);
      }
    }
    List<PolicyTestCase> tests = tests(list(doc.get("tests")));
    if (!problems.isEmpty()) {
      return null;
    }
    return new Recipe(List.copyOf(issuers), List.copyOf(routes), routePolicy, realm, origin, signatureProvider, trust,
        country, rates, detection, cm, forwarded, clientCert, dpop, objects, List.copyOf(objectRules),
        List.copyOf(pdps), tests,
        List.copyOf(shadowed));
  }

  // --- builders' refusals to problems

  private <T> T attempt(String pointer, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      problems.at(pointer, String.valueOf(e.getMessage()));
      return null;
    }
  }

  private Duration duration(Object text, String pointer) {
    Matcher m = DURATION.matcher(String.valueOf(text));
    if (!m.matches()) {
      problems.at(pointer, "not a duration (e.g. 500ms, 30s, 5m, 1h, 1d): " + text);
      return Duration.ZERO;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /**
   * {@code auto}, {@code jdk}, or a JCA provider's name (syntax checked by the schema). Whether that provider is there
   * and verifies every accepted algorithm is the enforcer's build to say (the trial build of {@link PolicyFile#parse}
   * reports it at this key): an explicit choice never falls back.
   */
  private dev.zt.core.credential.SignatureProvider signatureProvider(String value) {
    if (!value.equals("auto") && !value.equals("jdk")
        && (value.equalsIgnoreCase("auto") || value.equalsIgnoreCase("jdk"))) {
      problems.at("/signature_provider", "'" + value + "' is neither auto nor jdk (lower case) nor a JCA provider's "
          + "name");
    }
    return switch (value) {
      case "auto" -> dev.zt.core.credential.SignatureProvider.auto();
      case "jdk" -> dev.zt.core.credential.SignatureProvider.jdk();
      default -> dev.zt.core.credential.SignatureProvider.named(value);
    };
  }

  private URI uri(String s, String pointer) {
    try {
      URI u = new URI(s);
      if (!u.isAbsolute()) {
        problems.at(pointer, "not an absolute URI: " + s);
      }
      return u;
    } catch (java.net.URISyntaxException e) {
      problems.at(pointer, "not a URI: " + e.getReason());
      return URI.create("invalid:");
    }
  }

  private static long number(Object o) {
    return ((Number) o).longValue();
  }

  /** A header value's score: a number in [0, 1] (the schema checks), or {@code hard_fail}. */
  private static HeaderSignals.Score score(Object v) {
    return "hard_fail".equals(v) ? new HeaderSignals.Score(0, true) : new HeaderSignals.Score(real(v), false);
  }

  private static double real(Object o) {
    return ((Number) o).doubleValue();
  }

  // --- issuers

  private Recipe.IssuerSpec issuer(Map<String, Object> m, String p) {
    String issuer = (String) m.get("issuer");
    List<String> audiences = strings(m.get("audience"));
    List<String> algorithms = strings(m.get("algorithms"));
    Function<Optional<JWKSource<SecurityContext>>, BearerJwt> factory = ks -> {
      BearerJwt.Builder b = BearerJwt.issuer(issuer);
      if (!audiences.isEmpty()) {
        b.audience(audiences.toArray(String[]::new));
      }
      if (Boolean.TRUE.equals(m.get("unsafe_skip_audience_check"))) {
        b.unsafeSkipAudienceCheck();
      }
      if (ks.isPresent()) {
        b.keySource(ks.get());
      } else {
        if (m.containsKey("jwks_uri")) {
          b.jwksUri(URI.create((String) m.get("jwks_uri")));
        }
        if (Boolean.TRUE.equals(m.get("allow_plain_http_key_source"))) {
          b.allowPlainHttpKeySource();
        }
        if (m.containsKey("introspection")) {
          b.introspection(introspection(map(m.get("introspection")), p + "/introspection"));
        }
      }
      if (!algorithms.isEmpty()) {
        b.algorithms(algorithms.toArray(String[]::new));
      }
      durationOption(m, "clock_skew", p, b::clockSkew);
      durationOption(m, "max_token_lifetime", p, b::maxTokenLifetime);
      durationOption(m, "max_token_age", p, b::maxTokenAge);
      durationOption(m, "http_timeout", p, b::httpTimeout);
      durationOption(m, "jwks_cache_ttl", p, b::jwksCacheTtl);
      durationOption(m, "jwks_refetch_min_interval", p, b::jwksRefetchMinInterval);
      durationOption(m, "jwks_outage_tolerance", p, b::jwksOutageTolerance);
      if (m.containsKey("jwks_size_limit")) {
        b.jwksSizeLimit((int) number(m.get("jwks_size_limit")));
      }
      if (m.containsKey("max_token_length")) {
        b.maxTokenLength((int) number(m.get("max_token_length")));
      }
      if (m.containsKey("roles_claim")) {
        b.rolesClaim((String) m.get("roles_claim"));
      }
      if (Boolean.TRUE.equals(m.get("require_access_token_type"))) {
        b.requireAccessTokenType();
      }
      if (Boolean.TRUE.equals(m.get("allow_missing_subject"))) {
        b.allowMissingSubject();
      }
      if (Boolean.TRUE.equals(m.get("allow_missing_issued_at"))) {
        b.allowMissingIssuedAt();
      }
      if (m.containsKey("validated_token_cache_size")) {
        b.validatedTokenCacheSize(number(m.get("validated_token_cache_size")));
      }
      if (m.containsKey("validation_budget")) {
        Map<String, Object> v = map(m.get("validation_budget"));
        b.validationBudget((int) number(v.get("per_address")), (int) number(v.get("per_network")),
            duration(v.get("window"), p + "/validation_budget/window"));
      }
      if (Boolean.TRUE.equals(m.get("unsafe_unlimited_validations"))) {
        b.unsafeUnlimitedValidations();
      }
      return b.build();
    };
    BearerJwt config = attempt(p, () -> factory.apply(Optional.empty()));
    return config == null ? null : new Recipe.IssuerSpec(issuer, audiences, algorithms, config, factory);
  }

  private void durationOption(Map<String, Object> m, String key, String p, java.util.function.Consumer<Duration> set) {
    if (m.containsKey(key)) {
      set.accept(duration(m.get(key), p + "/" + key));
    }
  }

  private Introspection introspection(Map<String, Object> m, String p) {
    Introspection.Builder b = Introspection.client((String) m.get("client_id"));
    if (m.containsKey("client_secret_basic")) {
      b.clientSecretBasic((String) m.get("client_secret_basic"));
    }
    if (m.containsKey("client_secret_post")) {
      b.clientSecretPost((String) m.get("client_secret_post"));
    }
    if (m.containsKey("endpoint")) {
      b.endpoint(URI.create((String) m.get("endpoint")));
    }
    if (Boolean.TRUE.equals(m.get("introspect_jwts"))) {
      b.introspectJwts();
    }
    if (Boolean.TRUE.equals(m.get("jwt_responses"))) {
      b.jwtResponses();
    }
    if (Boolean.TRUE.equals(m.get("allow_missing_audience"))) {
      b.allowMissingAudience();
    }
    if (Boolean.TRUE.equals(m.get("allow_plain_http_endpoint"))) {
      b.allowPlainHttpEndpoint();
    }
    durationOption(m, "cache_ttl", p, b::cacheTtl);
    durationOption(m, "inactive_cache_ttl", p, b::inactiveCacheTtl);
    durationOption(m, "stale_if_error", p, b::staleIfError);
    durationOption(m, "timeout", p, b::timeout);
    if (m.containsKey("cache_size")) {
      b.cacheSize(number(m.get("cache_size")));
    }
    if (m.containsKey("max_response_bytes")) {
      b.maxResponseBytes((int) number(m.get("max_response_bytes")));
    }
    return b.build();
  }

  // --- routes

  private List<Recipe.ParsedRoute> routes(Map<String, Object> doc) {
    List<Recipe.ParsedRoute> out = new ArrayList<>();
    List<Object> rs = list(doc.get("routes"));
    for (int i = 0; i < rs.size(); i++) {
      String p = "/routes/" + i;
      Map<String, Object> r = map(rs.get(i));
      String path = (String) r.get("path");
      boolean preflight = Boolean.TRUE.equals(r.get("preflight"));
      boolean any = Boolean.TRUE.equals(r.get("any_method"));
      Set<String> methods = new LinkedHashSet<>(strings(r.get("method")));
      boolean explicit = r.containsKey("id");
      boolean shadow = Boolean.TRUE.equals(r.get("shadow"));
      if (shadow && preflight) {
        problems.at(p, "a preflight rule cannot be a shadow rule");
        continue;
      }
      String id;
      if (preflight) {
        id = "PREFLIGHT " + path;
        if (r.containsKey("require") || r.containsKey("method") || any || explicit) {
          problems.at(p, "a preflight rule has only a path (its id is 'PREFLIGHT " + path
              + "', its requirement public, its method OPTIONS)");
          continue;
        }
      } else if (any) {
        id = "* " + path;
        if (!methods.isEmpty() || explicit) {
          problems.at(p, "an any_method rule names no method and has the id '* " + path + "'");
          continue;
        }
      } else {
        if (methods.isEmpty()) {
          problems.at(p, "a route names its method(s) ('method: GET' or 'method: [GET, POST]'), or 'any_method: true'");
          continue;
        }
        id = explicit ? (String) r.get("id") : String.join(",", new java.util.TreeSet<>(methods)) + " " + path;
      }
      Requirement req = preflight ? Requirement.permitAll() : requirement(r.get("require"), p + "/require");
      if (req == null) {
        continue;
      }
      Recipe.ParsedRoute parsed = new Recipe.ParsedRoute(id, Set.copyOf(methods), any, preflight, path, req, p,
          tree.line(p), explicit, shadow);
      if (attempt(p, () -> {
        parsed.addTo(RoutePolicy.builder()); // the pattern and methods, checked alone
        return Boolean.TRUE;
      }) != null) {
        out.add(parsed);
      }
    }
    return out;
  }

  /** The route policy; a rule an earlier one shadows is a problem (or, linting, a finding and left out). */
  private RoutePolicy routePolicy(List<Recipe.ParsedRoute> routes, boolean noImplicitHead,
      List<PolicyFinding> shadowed) {
    List<Recipe.ParsedRoute> kept = new ArrayList<>();
    for (Recipe.ParsedRoute r : routes) {
      if (r.shadow()) {
        kept.add(r); // shadow rules take no part in the shadowing check
        continue;
      }
      List<Recipe.ParsedRoute> trial = new ArrayList<>(kept);
      trial.add(r);
      try {
        build(trial, noImplicitHead);
        kept.add(r);
      } catch (IllegalArgumentException | IllegalStateException e) {
        if (lint) {
          shadowed.add(new PolicyFinding(PolicyFinding.Severity.ERROR, "shadowed", r.id(), r.pointer(), r.line(),
              e.getMessage()));
        } else {
          problems.at(r.pointer(), e.getMessage());
        }
      }
    }
    return attempt("/routes", () -> build(kept, noImplicitHead));
  }

  private static RoutePolicy build(List<Recipe.ParsedRoute> routes, boolean noImplicitHead) {
    RoutePolicy.Builder b = RoutePolicy.builder();
    if (noImplicitHead) {
      b.noImplicitHead();
    }
    routes.forEach(r -> r.addTo(b));
    return b.build();
  }

  /**
   * A route's requirement: {@code permit_all} alone, or every other key given, in this order (the first unmet one
   * decides the deny): authenticated, authenticated_or_workload, workload, all_scopes, any_scope, all_roles,
   * any_role, claim_equals, minimum_trust, sender_constrained.
   */
  private Requirement requirement(Object o, String p) {
    Map<String, Object> m = map(o);
    if (Boolean.TRUE.equals(m.get("permit_all"))) {
      if (m.size() > 1) {
        problems.at(p, "permit_all stands alone: a public route demands nothing else");
        return null;
      }
      return Requirement.permitAll();
    }
    List<Requirement> parts = new ArrayList<>();
    int before = problems.all().size();
    if (Boolean.TRUE.equals(m.get("authenticated"))) {
      parts.add(Requirement.authenticated());
    }
    if (Boolean.TRUE.equals(m.get("authenticated_or_workload"))) {
      parts.add(Requirement.authenticatedOrWorkload());
    }
    if (m.containsKey("workload")) {
      add(parts, p + "/workload", () -> Requirement.workload(strings(m.get("workload")).toArray(String[]::new)));
    }
    if (m.containsKey("all_scopes")) {
      add(parts, p + "/all_scopes", () -> Requirement.allScopes(strings(m.get("all_scopes")).toArray(String[]::new)));
    }
    if (m.containsKey("any_scope")) {
      add(parts, p + "/any_scope", () -> Requirement.anyScope(strings(m.get("any_scope")).toArray(String[]::new)));
    }
    if (m.containsKey("all_roles")) {
      add(parts, p + "/all_roles", () -> Requirement.allRoles(strings(m.get("all_roles")).toArray(String[]::new)));
    }
    if (m.containsKey("any_role")) {
      add(parts, p + "/any_role", () -> Requirement.anyRole(strings(m.get("any_role")).toArray(String[]::new)));
    }
    if (m.containsKey("claim_equals")) {
      map(m.get("claim_equals")).forEach((claim, value) -> add(parts,
          p + "/claim_equals/" + YamlTree.token(claim), () -> Requirement.claimEquals(claim, value)));
    }
    if (m.containsKey("minimum_trust")) {
      Object t = m.get("minimum_trust");
      String tp = p + "/minimum_trust";
      Map<String, Object> tm = t instanceof String s ? Map.of("level", s) : map(t);
      TrustLevel level = TrustLevel.valueOf(((String) tm.get("level")).toUpperCase(Locale.ROOT));
      add(parts, tp, () -> {
        Requirement.TrustFloor floor = Requirement.minimumTrust(level);
        if (tm.containsKey("step_up")) {
          Map<String, Object> s = map(tm.get("step_up"));
          floor = floor.orStepUp((String) s.get("acr_values"), duration(s.get("max_age"), tp + "/step_up/max_age"));
        }
        return floor;
      });
    }
    if (Boolean.TRUE.equals(m.get("sender_constrained"))) {
      parts.add(Requirement.senderConstrained());
    }
    if (problems.all().size() > before) {
      return null;
    }
    if (parts.isEmpty()) {
      problems.at(p, "a requirement says what it demands (permit_all: true for a public route)");
      return null;
    }
    Requirement r = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      r = r.and(parts.get(i));
    }
    return r;
  }

  private void add(List<Requirement> parts, String pointer, Supplier<Requirement> r) {
    Requirement built = attempt(pointer, r);
    if (built != null) {
      parts.add(built);
    }
  }

  // --- trust

  private TrustPolicy trust(Map<String, Object> t) {
    TrustPolicy.Builder b = TrustPolicy.builder();
    List<Object> signals = list(t.get("signals"));
    boolean ok = true;
    for (int i = 0; i < signals.size(); i++) {
      Map<String, Object> s = map(signals.get(i));
      if (s.containsKey("header")) {
        Map<String, Object> h = map(s.get("header"));
        String header = (String) h.get("name");
        Map<String, HeaderSignals.Score> values = new java.util.LinkedHashMap<>();
        map(h.get("values")).forEach((k, v) -> values.put(k.strip().toLowerCase(java.util.Locale.ROOT), score(v)));
        Optional<HeaderSignals.Score> otherwise = Optional.ofNullable(h.get("otherwise")).map(Mapper::score);
        String name = (String) s.getOrDefault("name", header);
        TrustSignal signal = HeaderSignals.signal(header, Map.copyOf(values), otherwise);
        ok &= attempt("/trust/signals/" + i, () -> b.signal(name, real(s.get("weight")), signal)) != null;
        continue;
      }
      String ext = (String) s.get("extension");
      Optional<TrustSignal> signal = extensions.signal(ext);
      if (signal.isEmpty()) {
        problems.at("/trust/signals/" + i + "/extension", "no trust signal named '" + ext
            + "' is registered (PolicyExtensions.builder().signal(\"" + ext + "\", …))");
        ok = false;
        continue;
      }
      String name = (String) s.getOrDefault("name", ext);
      ok &= attempt("/trust/signals/" + i, () -> b.signal(name, real(s.get("weight")), signal.get())) != null;
    }
    ok &= weight(t, "token_age", b::tokenAge);
    ok &= weight(t, "authentication_strength", b::authenticationStrength);
    ok &= weight(t, "channel", b::channel);
    ok &= weight(t, "behaviour", b::behaviour);
    if (t.containsKey("ip_reputation")) {
      Map<String, Object> ip = map(t.get("ip_reputation"));
      ok &= attempt("/trust/ip_reputation", () -> b.ipReputation(real(ip.get("weight")),
          new LinkedHashSet<>(strings(ip.get("cidrs"))))) != null;
    }
    if (t.containsKey("cut_points")) {
      Map<String, Object> c = map(t.get("cut_points"));
      ok &= attempt("/trust/cut_points", () -> b.cutPoints(real(c.get("high")), real(c.get("medium")),
          real(c.get("low")))) != null;
    }
    if (t.containsKey("critical_event_ttl")) {
      Duration d = duration(t.get("critical_event_ttl"), "/trust/critical_event_ttl");
      ok &= attempt("/trust/critical_event_ttl", () -> b.criticalEventTtl(d)) != null;
    }
    return ok ? attempt("/trust", b::build) : null;
  }

  private boolean weight(Map<String, Object> t, String key, java.util.function.DoubleFunction<?> set) {
    if (!t.containsKey(key)) {
      return true;
    }
    return attempt("/trust/" + key, () -> set.apply(real(t.get(key)))) != null;
  }

  // --- rate limits

  private RatePolicy rates(Map<String, Object> m, Set<String> routeIds) {
    RatePolicy.Builder b = RatePolicy.builder();
    List<Object> rs = list(m.get("routes"));
    for (int i = 0; i < rs.size(); i++) {
      String p = "/rate_limits/routes/" + i;
      Map<String, Object> r = map(rs.get(i));
      String route = (String) r.get("route");
      if (!routeIds.contains(route)) {
        problems.at(p + "/route", "no route has the id '" + route + "' (ids: " + routeIds + ")");
        continue;
      }
      RateLimit limit = limit(r, p);
      if (limit != null) {
        attempt(p, () -> b.route(route, limit));
      }
    }
    if (m.containsKey("default")) {
      RateLimit limit = limit(map(m.get("default")), "/rate_limits/default");
      if (limit != null) {
        attempt("/rate_limits/default", () -> b.defaultLimit(limit));
      }
    }
    if (m.containsKey("tenant_claim")) {
      attempt("/rate_limits/tenant_claim", () -> b.tenantClaim((String) m.get("tenant_claim")));
    }
    if (m.containsKey("max_buckets")) {
      attempt("/rate_limits/max_buckets", () -> b.maxBuckets(number(m.get("max_buckets"))));
    }
    if (m.containsKey("network_multiplier")) {
      attempt("/rate_limits/network_multiplier", () -> b.networkMultiplier((int) number(m.get("network_multiplier"))));
    }
    if (m.containsKey("throttle_factor")) {
      attempt("/rate_limits/throttle_factor", () -> b.throttleFactor(real(m.get("throttle_factor"))));
    }
    map(m.get("level_factors")).forEach((level, f) -> attempt("/rate_limits/level_factors/" + level,
        () -> b.levelFactor(TrustLevel.valueOf(level.toUpperCase(Locale.ROOT)), real(f))));
    return attempt("/rate_limits", b::build);
  }

  private RateLimit limit(Map<String, Object> m, String p) {
    String name = (String) m.get("name");
    List<RateLimit.Bandwidth> bands = new ArrayList<>();
    List<Object> bs = list(m.get("bandwidths"));
    for (int i = 0; i < bs.size(); i++) {
      Map<String, Object> band = map(bs.get(i));
      String bp = p + "/bandwidths/" + i;
      String bandName = (String) band.getOrDefault("name", i == 0 ? name : null);
      if (bandName == null) {
        problems.at(bp, "every bandwidth after the first has a name");
        return null;
      }
      RateLimit.Bandwidth bw = attempt(bp, () -> new RateLimit.Bandwidth(bandName, number(band.get("capacity")),
          duration(band.get("period"), bp + "/period")));
      if (bw == null) {
        return null;
      }
      bands.add(bw);
    }
    return attempt(p, () -> new RateLimit(name, bands));
  }

  // --- detection and countermeasures

  private Detection detection(Object o) {
    if ("defaults".equals(o)) {
      return Detection.defaults();
    }
    if ("off".equals(o)) {
      return Detection.off();
    }
    Map<String, Object> m = map(o);
    String p = "/detection";
    Detection d = Detection.defaults();
    try {
      if (Boolean.TRUE.equals(m.get("referer_inspected"))) {
        d = d.withRefererInspected();
      }
      if (m.containsKey("sensitive_fields")) {
        d = d.withSensitiveFields(strings(m.get("sensitive_fields")).toArray(String[]::new));
      }
      if (m.containsKey("identifier_field")) {
        d = d.withIdentifierField((String) m.get("identifier_field"));
      }
      if (m.containsKey("stuffing")) {
        Map<String, Object> s = map(m.get("stuffing"));
        d = d.withStuffing((int) number(s.get("per_source")), duration(s.get("window"), p + "/stuffing/window"));
      }
      if (m.containsKey("network_stuffing")) {
        d = d.withNetworkStuffing((int) number(m.get("network_stuffing")));
      }
      if (m.containsKey("probing")) {
        Map<String, Object> s = map(m.get("probing"));
        d = d.withProbing((int) number(s.get("per_source")), (int) number(s.get("per_network")),
            duration(s.get("window"), p + "/probing/window"));
      }
      if (m.containsKey("enumeration")) {
        Map<String, Object> s = map(m.get("enumeration"));
        d = d.withEnumeration((int) number(s.get("distinct_paths")), real(s.get("error_ratio")),
            duration(s.get("window"), p + "/enumeration/window"));
      }
      if (m.containsKey("identifier_stuffing")) {
        Map<String, Object> s = map(m.get("identifier_stuffing"));
        d = d.withIdentifierStuffing((int) number(s.get("failures")),
            duration(s.get("window"), p + "/identifier_stuffing/window"));
      }
      if (m.containsKey("identifiers_per_source")) {
        Map<String, Object> s = map(m.get("identifiers_per_source"));
        d = d.withIdentifiersPerSource((int) number(s.get("identifiers")),
            duration(s.get("window"), p + "/identifiers_per_source/window"));
      }
      if (m.containsKey("max_form_bytes")) {
        d = d.withMaxFormBytes((int) number(m.get("max_form_bytes")));
      }
      if (m.containsKey("max_form_fields")) {
        d = d.withMaxFormFields((int) number(m.get("max_form_fields")));
      }
      if (m.containsKey("form_read_timeout")) {
        d = d.withFormReadTimeout(duration(m.get("form_read_timeout"), p + "/form_read_timeout"));
      }
      return d;
    } catch (IllegalArgumentException | IllegalStateException e) {
      problems.at(p, e.getMessage());
      return null;
    }
  }

  private CountermeasurePolicy countermeasures(Object o) {
    if ("defaults".equals(o)) {
      return CountermeasurePolicy.defaults();
    }
    if ("none".equals(o)) {
      return CountermeasurePolicy.none();
    }
    Map<String, Object> m = map(o);
    CountermeasurePolicy.Builder b = CountermeasurePolicy.builder();
    List<Object> rules = list(m.get("rules"));
    for (int i = 0; i < rules.size(); i++) {
      String p = "/countermeasures/rules/" + i;
      Map<String, Object> r = map(rules.get(i));
      List<Countermeasure> actions = new ArrayList<>();
      List<Object> as = list(r.get("actions"));
      for (int j = 0; j < as.size(); j++) {
        Countermeasure c = action(map(as.get(j)), p + "/actions/" + j);
        if (c != null) {
          actions.add(c);
        }
      }
      if (actions.size() == as.size()) { // else the action's own problem says it
        attempt(p, () -> b.on((String) r.get("on"), actions.toArray(Countermeasure[]::new)));
      }
    }
    if (m.containsKey("never_block")) {
      Predicate<InetAddress> never = addresses(m.get("never_block"), "/countermeasures/never_block");
      if (never != null) {
        b.neverBlock(never);
      }
    }
    if (m.containsKey("max_entries")) {
      attempt("/countermeasures/max_entries", () -> b.maxEntries(number(m.get("max_entries"))));
    }
    if (Boolean.TRUE.equals(m.get("unsafe_monitor_query_values_and_referer"))) {
      b.unsafeMonitorQueryValuesAndReferer();
    }
    return attempt("/countermeasures", b::build);
  }

  private Countermeasure action(Map<String, Object> a, String p) {
    List<String> kinds = List.of("suspend_credential", "block_source", "block_anonymous", "throttle", "monitor");
    if (kinds.stream().filter(a::containsKey).count() != 1) {
      problems.at(p, "an action is exactly one of " + String.join(", ", kinds) + " (list two actions for two)");
      return null;
    }
    Countermeasure c = null;
    for (String kind : List.of("suspend_credential", "block_source", "block_anonymous", "throttle", "monitor")) {
      if (a.containsKey(kind)) {
        Duration ttl = duration(a.get(kind), p + "/" + kind);
        c = attempt(p, () -> switch (kind) {
          case "suspend_credential" -> Countermeasure.suspendCredential(ttl);
          case "block_source" -> Countermeasure.blockSource(ttl);
          case "block_anonymous" -> Countermeasure.blockAnonymous(ttl);
          case "throttle" -> Countermeasure.throttle(ttl);
          default -> Countermeasure.monitor(ttl);
        });
      }
    }
    if (c != null && a.containsKey("after_attempts")) {
      Countermeasure base = c;
      c = attempt(p, () -> base.afterAttempts((int) number(a.get("after_attempts")),
          duration(a.get("within"), p + "/within")));
    }
    return c;
  }

  private Predicate<InetAddress> addresses(Object o, String p) {
    List<Cidr> blocks = new ArrayList<>();
    List<String> items = strings(o);
    for (int i = 0; i < items.size(); i++) {
      String item = items.get(i);
      String ip = o instanceof List<?> ? p + "/" + i : p;
      Cidr c = attempt(ip, () -> Cidr.parse(item));
      if (c != null) {
        blocks.add(c);
      }
    }
    return blocks.size() == items.size() ? Cidr.anyOf(blocks) : null;
  }

  private Dpop dpop(Map<String, Object> m) {
    Dpop.Builder b = Dpop.builder();
    String p = "/dpop";
    if (m.containsKey("algorithms")) {
      attempt(p + "/algorithms", () -> b.algorithms(strings(m.get("algorithms")).stream().map(JWSAlgorithm::parse)
          .toArray(JWSAlgorithm[]::new)));
    }
    if (Boolean.TRUE.equals(m.get("require_nonce"))) {
      b.requireNonce();
    }
    if (m.containsKey("nonce_rotation")) {
      attempt(p + "/nonce_rotation", () -> b.nonceRotation(duration(m.get("nonce_rotation"), p + "/nonce_rotation")));
    }
    if (m.containsKey("proof_max_age")) {
      attempt(p + "/proof_max_age", () -> b.proofMaxAge(duration(m.get("proof_max_age"), p + "/proof_max_age")));
    }
    if (m.containsKey("proof_future_skew")) {
      attempt(p + "/proof_future_skew",
          () -> b.proofFutureSkew(duration(m.get("proof_future_skew"), p + "/proof_future_skew")));
    }
    if (m.containsKey("max_proof_length")) {
      attempt(p + "/max_proof_length", () -> b.maxProofLength((int) number(m.get("max_proof_length"))));
    }
    return attempt(p, b::build);
  }

  // --- object rules and PDP bindings

  private dev.zt.core.authz.ObjectPolicy objects(List<Object> rules, List<Recipe.ObjectRuleAt> at) {
    dev.zt.core.authz.ObjectPolicy.Builder b = dev.zt.core.authz.ObjectPolicy.builder();
    for (int i = 0; i < rules.size(); i++) {
      String p = "/objects/" + i;
      Map<String, Object> r = map(rules.get(i));
      String id = (String) r.get("id");
      String type = (String) r.get("resource");
      Set<String> actions = new LinkedHashSet<>(strings(r.get("actions")));
      dev.zt.core.authz.Condition when = r.containsKey("when") ? condition(map(r.get("when")), p + "/when")
          : dev.zt.core.authz.Condition.always();
      if (when == null) {
        continue;
      }
      boolean forbid = "forbid".equals(r.get("effect"));
      boolean shadow = Boolean.TRUE.equals(r.get("shadow"));
      if (attempt(p, () -> shadow ? (forbid ? b.shadowForbid(id, type, actions, when)
          : b.shadowPermit(id, type, actions, when)) : (forbid ? b.forbid(id, type, actions, when)
          : b.permit(id, type, actions, when))) != null) {
        at.add(new Recipe.ObjectRuleAt(id, p, tree.line(p), shadow));
      }
    }
    return attempt("/objects", b::build);
  }

  /** A condition: every key given must hold, in the order written. */
  private dev.zt.core.authz.Condition condition(Map<String, Object> m, String p) {
    List<dev.zt.core.authz.Condition> parts = new ArrayList<>();
    int before = problems.all().size();
    for (Map.Entry<String, Object> e : m.entrySet()) {
      String cp = p + "/" + e.getKey();
      Object v = e.getValue();
      switch (e.getKey()) {
        case "always" -> parts.add(dev.zt.core.authz.Condition.always());
        case "owner" -> addCondition(parts, cp, () -> dev.zt.core.authz.Condition.owner((String) v));
        case "any_role" -> addCondition(parts, cp,
            () -> dev.zt.core.authz.Condition.anyRole(strings(v).toArray(String[]::new)));
        case "any_scope" -> addCondition(parts, cp,
            () -> dev.zt.core.authz.Condition.anyScope(strings(v).toArray(String[]::new)));
        case "workload" -> addCondition(parts, cp,
            () -> dev.zt.core.authz.Condition.workload(strings(v).toArray(String[]::new)));
        case "claim_equals" -> map(v).forEach((claim, value) -> addCondition(parts, cp + "/" + YamlTree.token(claim),
            () -> dev.zt.core.authz.Condition.claimEquals(claim, value)));
        case "attribute_equals_claim" -> map(v).forEach((attr, claim) -> addCondition(parts,
            cp + "/" + YamlTree.token(attr), () -> dev.zt.core.authz.Condition.attributeEqualsClaim(attr,
                (String) claim)));
        case "any_of" -> {
          List<Object> alts = list(v);
          dev.zt.core.authz.Condition or = null;
          for (int i = 0; i < alts.size(); i++) {
            dev.zt.core.authz.Condition c = condition(map(alts.get(i)), cp + "/" + i);
            if (c != null) {
              or = or == null ? c : or.or(c);
            }
          }
          if (or != null) {
            parts.add(or);
          }
        }
        case "not" -> {
          dev.zt.core.authz.Condition c = condition(map(v), cp);
          if (c != null) {
            parts.add(dev.zt.core.authz.Condition.not(c));
          }
        }
        default -> problems.at(cp, "not a condition: " + e.getKey());
      }
    }
    if (problems.all().size() > before || parts.isEmpty()) {
      return null;
    }
    dev.zt.core.authz.Condition c = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      c = c.and(parts.get(i));
    }
    return c;
  }

  private void addCondition(List<dev.zt.core.authz.Condition> parts, String pointer,
      Supplier<dev.zt.core.authz.Condition> c) {
    dev.zt.core.authz.Condition built = attempt(pointer, c);
    if (built != null) {
      parts.add(built);
    }
  }

  /**
   * The options the OPA and AuthZEN clients share, set on {@code b} in one order: {@code allow_plain_http} of the
   * client's map {@code m}, then the binding's {@code timeout} and {@code retry_after} when given.
   */
  private static <B> B clientOptions(B b, Map<String, Object> m, Duration timeout, Duration retryAfter,
      Consumer<B> allowPlainHttp, BiConsumer<B, Duration> setTimeout, BiConsumer<B, Duration> setRetryAfter) {
    if (Boolean.TRUE.equals(m.get("allow_plain_http"))) {
      allowPlainHttp.accept(b);
    }
    if (timeout != null) {
      setTimeout.accept(b, timeout);
    }
    if (retryAfter != null) {
      setRetryAfter.accept(b, retryAfter);
    }
    return b;
  }

  private dev.zt.core.authz.PdpBinding pdp(Map<String, Object> m, String p) {
    Duration timeout = m.containsKey("timeout") ? duration(m.get("timeout"), p + "/timeout") : null;
    Duration retryAfter = m.containsKey("retry_after") ? duration(m.get("retry_after"), p + "/retry_after") : null;
    dev.zt.core.authz.PolicyDecisionPoint pdp;
    if (m.containsKey("opa")) {
      Map<String, Object> o = map(m.get("opa"));
      pdp = attempt(p + "/opa", () -> {
        dev.zt.core.authz.OpaClient.Builder b = dev.zt.core.authz.OpaClient.builder(URI.create((String) o.get("url")))
            .path((String) o.get("path"));
        if (o.containsKey("provenance")) {
          b.provenance(Boolean.TRUE.equals(o.get("provenance")));
        }
        return clientOptions(b, o, timeout, retryAfter, dev.zt.core.authz.OpaClient.Builder::allowPlainHttp,
            dev.zt.core.authz.OpaClient.Builder::timeout, dev.zt.core.authz.OpaClient.Builder::retryAfter).build();
      });
    } else {
      Map<String, Object> a = map(m.get("authzen"));
      pdp = attempt(p + "/authzen", () -> {
        dev.zt.core.authz.AuthZenClient.Builder b =
            dev.zt.core.authz.AuthZenClient.builder(URI.create((String) a.get("url")));
        return clientOptions(b, a, timeout, retryAfter, dev.zt.core.authz.AuthZenClient.Builder::allowPlainHttp,
            dev.zt.core.authz.AuthZenClient.Builder::timeout, dev.zt.core.authz.AuthZenClient.Builder::retryAfter)
            .build();
      });
    }
    if (pdp == null) {
      return null;
    }
    dev.zt.core.authz.PolicyDecisionPoint asked = pdp;
    if (m.containsKey("cache")) {
      Map<String, Object> c = map(m.get("cache"));
      asked = attempt(p + "/cache", () -> {
        dev.zt.core.authz.PdpCache.Builder b = dev.zt.core.authz.PdpCache.builder(pdp)
            .ttl(duration(c.get("ttl"), p + "/cache/ttl"));
        if (c.containsKey("max_entries")) {
          b.maxEntries(number(c.get("max_entries")));
        }
        if (c.containsKey("key_fields")) {
          b.keyFields(strings(c.get("key_fields")));
        }
        return b.build();
      });
      if (asked == null) {
        return null;
      }
    }
    dev.zt.core.authz.PolicyDecisionPoint target = asked;
    return attempt(p, () -> {
      dev.zt.core.authz.PdpBinding.Builder b = dev.zt.core.authz.PdpBinding.to(target)
          .resourceTypes(strings(m.get("resource_types")).toArray(String[]::new))
          .actions(strings(m.get("actions")).toArray(String[]::new));
      if (m.containsKey("claims")) {
        b.claims(strings(m.get("claims")).toArray(String[]::new));
      }
      if (timeout != null) {
        b.timeout(timeout);
      }
      return b.build();
    });
  }

  // --- tests

  private List<PolicyTestCase> tests(List<Object> ts) {
    List<PolicyTestCase> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ts.size(); i++) {
      String p = "/tests/" + i;
      Map<String, Object> t = map(ts.get(i));
      String name = (String) t.get("name");
      if (!names.add(name)) {
        problems.at(p + "/name", "two tests are named '" + name + "'");
      }
      String request = (String) t.get("request");
      int sp = request.indexOf(' ');
      String method = request.substring(0, sp);
      String target = request.substring(sp + 1);
      Map<String, List<String>> headers = new LinkedHashMap<>();
      map(t.get("headers")).forEach((k, v) -> headers.put(k, strings(v)));
      Optional<Map<String, Object>> claims = t.containsKey("claims")
          ? Optional.of(PolicyFile.unmodifiable(map(t.get("claims"))))
          : Optional.empty();
      Optional<String> client = Optional.ofNullable((String) t.get("client_address"));
      client.ifPresent(c -> {
        if (dev.zt.core.internal.ClientAddresses.literal(c).isEmpty()) {
          problems.at(p + "/client_address", "not an IP address literal: " + c);
        }
      });
      Map<String, Object> e = map(t.get("expect"));
      Optional<DenyReason> reason = Optional.empty();
      if (e.containsKey("reason")) {
        try {
          reason = Optional.of(DenyReason.valueOf((String) e.get("reason")));
        } catch (IllegalArgumentException x) {
          problems.at(p + "/expect/reason", "not a deny reason: " + e.get("reason"));
        }
      }
      Optional<Boolean> allow = Optional.ofNullable((Boolean) e.get("allow"));
      OptionalInt status = e.containsKey("status") ? OptionalInt.of((int) number(e.get("status")))
          : OptionalInt.empty();
      if (allow.orElse(false) && (reason.isPresent() || status.isPresent() && status.getAsInt() != 200)) {
        problems.at(p + "/expect", "an allowed request has no deny reason and the status 200");
      }
      Optional<PolicyTestCase.ObjectCheck> object = Optional.empty();
      if (t.containsKey("object")) {
        Map<String, Object> o = map(t.get("object"));
        Map<String, Object> res = map(o.get("resource"));
        Map<String, Object> attrs = new LinkedHashMap<>(map(res.get("attributes")));
        object = Optional.ofNullable(attempt(p + "/object", () -> new PolicyTestCase.ObjectCheck(
            (String) o.get("action"), new dev.zt.core.authz.Resource((String) res.get("type"),
                String.valueOf(res.get("id")), PolicyFile.unmodifiable(attrs)))));
      }
      out.add(new PolicyTestCase(name, method, target, headers, client, claims,
          new PolicyTestCase.Expected(allow, status, Optional.ofNullable((String) e.get("rule")), reason), p,
          tree.line(p), object));
    }
    return List.copyOf(out);
  }
}
