package dev.zt.spring.boot;

import dev.zt.policy.InvalidPolicyException;
import dev.zt.policy.PolicyExtensions;
import dev.zt.policy.PolicyFile;
import dev.zt.policy.PolicyProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The {@code zt.*} properties translated into the document a policy file is parsed into (maps, lists, strings,
 * numbers, booleans; the file's keys, kebab-case turned snake_case), then handed to zt-policy's {@link PolicyFile}:
 * one schema, one set of builders, so a property means, defaults to and is refused as the same key in a file. A
 * problem is reported at the property it came from ({@code zt.routes[0].require.all-scopes}).
 *
 * <p>The structural properties are read from every property source except the process environment (where
 * {@code ZT_*} variables of a policy file live, which would otherwise read as {@code zt.*} properties); like Boot's
 * own binding, a list comes whole from the highest-precedence source that has any of its elements.
 */
final class PropertiesPolicy {

  /** The name problems and revisions name. */
  static final String NAME = "zt.* properties";

  /** The typed properties ({@link ZtProperties}); not part of the translated document. */
  static final Set<String> TYPED =
      Set.of("policy-file", "policy-reload", "issuer", "audience", "jwks-uri", "roles-claim", "allow-plain-http",
          "token");

  /** The top-level keys translated into the document, by their property name. */
  static final Set<String> DOCUMENT =
      Set.of("realm", "public-origin", "issuers", "routes", "no-implicit-head", "trust", "rate-limits", "detection",
          "countermeasures", "trust-forwarded-for", "trust-client-cert-header", "signature-provider");

  /** Keys whose values are text whatever they spell ({@code audience: 123} stays the string "123"). */
  private static final Set<String> TEXT =
      Set.of("issuer", "audience", "jwks_uri", "roles_claim", "id", "path", "method", "realm", "public_origin",
          "name", "route", "tenant_claim", "acr_values", "header", "on", "identifier_field", "extension", "level",
          "endpoint", "client_id", "signature_provider");

  /** Keys whose value is always a list: a single value, or comma-separated values, is a list. */
  private static final Set<String> LISTS =
      Set.of("algorithms", "workload", "all_scopes", "any_scope", "all_roles", "any_role", "never_block", "cidrs",
          "sensitive_fields");

  /** Keys that are a value or a list: comma-separated values are a list. */
  private static final Set<String> VALUE_OR_LIST = Set.of("audience", "method", "trust_forwarded_for");

  /** Maps whose keys are data (claim names, header values, level names), kept as written. */
  private static final Set<String> DATA_MAPS = Set.of("claim_equals", "values", "level_factors");

  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,17})");
  private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)\\.[0-9]+");
  private static final ConfigurationPropertyName ZT = ConfigurationPropertyName.of("zt");

  private final Map<String, String> provenance = new HashMap<>(); // document pointer -> property name
  private final List<String> errors = new ArrayList<>();

  private PropertiesPolicy() {}

  /** The {@code zt.*} properties, by name, from every source but the process environment; a list whole from one. */
  static Map<ConfigurationPropertyName, Object> read(Environment environment) {
    Map<ConfigurationPropertyName, Object> out = new LinkedHashMap<>();
    Map<ConfigurationPropertyName, Integer> listOwner = new HashMap<>();
    int sourceIndex = 0;
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      sourceIndex++;
      if (!(source instanceof IterableConfigurationPropertySource iterable)
          || source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource) {
        continue;
      }
      for (ConfigurationPropertyName name : (Iterable<ConfigurationPropertyName>) iterable.stream()::iterator) {
        if (!ZT.isAncestorOf(name) || out.containsKey(name)) {
          continue;
        }
        if (!claimLists(name, sourceIndex, listOwner)) {
          continue; // a higher-precedence source defines this list: Boot does not merge lists either
        }
        ConfigurationProperty p = source.getConfigurationProperty(name);
        if (p != null && p.getValue() != null) {
          out.put(name, resolved(environment, name, p.getValue()));
        }
      }
    }
    return out;
  }

  /** Spring's own {@code ${…}} placeholders resolved, as the binder resolves them for every Boot property. */
  private static Object resolved(Environment environment, ConfigurationPropertyName name, Object value) {
    if (!(value instanceof String s) || !s.contains("${")) {
      return value;
    }
    try {
      return environment.resolveRequiredPlaceholders(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("zt: " + name + ": " + e.getMessage(), e);
    }
  }

  private static boolean claimLists(
      ConfigurationPropertyName name, int source, Map<ConfigurationPropertyName, Integer> owner) {
    List<ConfigurationPropertyName> lists = new ArrayList<>();
    for (int i = 1; i < name.getNumberOfElements(); i++) {
      if (name.isNumericIndex(i)) {
        lists.add(name.chop(i));
      }
    }
    for (ConfigurationPropertyName list : lists) {
      Integer o = owner.get(list);
      if (o != null && o != source) {
        return false;
      }
    }
    lists.forEach(l -> owner.putIfAbsent(l, source));
    return true;
  }

  /** The starter's switches (read by its auto-configurations' conditions, not part of a policy). */
  static final Set<String> SWITCHES = Set.of("zt.spring-security.enabled", "zt.metrics.enabled");

  /** Properties under {@code zt.} that zt does not know, in the form they were written. */
  static Set<String> unknown(Map<ConfigurationPropertyName, Object> properties) {
    Set<String> out = new TreeSet<>();
    for (ConfigurationPropertyName name : properties.keySet()) {
      if (SWITCHES.contains(name.toString())) {
        continue;
      }
      String top = name.getElement(1, Form.DASHED);
      boolean typed = TYPED.contains(top);
      if (!typed && !DOCUMENT.contains(top)
          || top.equals("token") && !tokenKey(name)
          || typed && !top.equals("token") && name.getNumberOfElements() > 2) {
        out.add(name.toString());
      }
    }
    return out;
  }

  private static boolean tokenKey(ConfigurationPropertyName name) {
    if (name.getNumberOfElements() < 3) {
      return false;
    }
    String k = name.getElement(2, Form.DASHED);
    int n = name.getNumberOfElements();
    return (k.equals("max-lifetime") || k.equals("type")) && n == 3
        || k.equals("algorithms") && (n == 3 || n == 4 && name.isNumericIndex(3));
  }

  /** Whether any structural (document) property is set. */
  static Set<String> structural(Map<ConfigurationPropertyName, Object> properties) {
    Set<String> out = new TreeSet<>();
    properties.keySet().stream()
        .filter(n -> DOCUMENT.contains(n.getElement(1, Form.DASHED)))
        .forEach(n -> out.add(n.toString()));
    return out;
  }

  /**
   * The policy of the properties, validated as a policy file is.
   *
   * @throws IllegalStateException naming each offending property
   */
  static PolicyFile policy(ZtProperties typed, Map<ConfigurationPropertyName, Object> properties) {
    PropertiesPolicy p = new PropertiesPolicy();
    Map<String, Object> document = p.document(typed, properties);
    p.failIfErrors();
    try {
      return PolicyFile.parse(NAME, Json.write(document), Map.of(), PolicyExtensions.none());
    } catch (InvalidPolicyException e) {
      for (PolicyProblem problem : e.problems()) {
        String property = p.propertyAt(problem.pointer());
        p.errors.add((property.isEmpty() ? "zt" : property) + ": " + problem.message());
      }
      p.failIfErrors();
      throw new IllegalStateException("zt: " + e.getMessage(), e); // not reached: every problem is an error
    }
  }

  private void failIfErrors() {
    if (!errors.isEmpty()) {
      throw new IllegalStateException(
          "zt: the zt.* properties do not make a valid policy (each key as in docs/policy-file.md):\n  "
              + String.join("\n  ", errors));
    }
  }

  /** The property a document pointer came from: the nearest pointer recorded, else the pointer in property form. */
  String propertyAt(String pointer) {
    String at = pointer;
    while (true) {
      String property = provenance.get(at);
      if (property != null) {
        return property;
      }
      if (at.isEmpty()) {
        return pointer.isEmpty() ? "" : "zt" + pointer.replace('/', '.').replace('_', '-');
      }
      at = at.substring(0, at.lastIndexOf('/'));
    }
  }

  // --- the document

  @SuppressWarnings("unchecked")
  private Map<String, Object> document(ZtProperties typed, Map<ConfigurationPropertyName, Object> properties) {
    Node root = new Node("zt");
    properties.forEach((name, value) -> {
      if (DOCUMENT.contains(name.getElement(1, Form.DASHED))) {
        root.put(name, 1, value);
      }
    });
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("version", 1L);
    for (Map.Entry<String, Node> e : root.children.entrySet()) {
      String key = snake(e.getKey());
      doc.put(key, convert(e.getValue(), "/" + key, key, false));
    }
    issuers(typed, doc);
    if (!doc.containsKey("routes")) {
      errors.add("zt.routes: no route is configured; zt denies every request no route allows, so a service without"
          + " routes would answer nothing but 401: give zt.routes (or zt.policy-file)");
    }
    return doc;
  }

  @SuppressWarnings("unchecked")
  private void issuers(ZtProperties typed, Map<String, Object> doc) {
    Object configured = doc.get("issuers");
    if (typed.issuer() != null) {
      if (configured != null) {
        errors.add("zt.issuer and zt.issuers: set one (zt.issuer is the one-issuer shorthand)");
        return;
      }
      Map<String, Object> issuer = new LinkedHashMap<>();
      issuer.put("issuer", typed.issuer());
      provenance.put("/issuers", "zt.issuer");
      provenance.put("/issuers/0", "zt.issuer");
      provenance.put("/issuers/0/issuer", "zt.issuer");
      if (typed.audience() != null) {
        issuer.put("audience", valueOrList(typed.audience()));
        provenance.put("/issuers/0/audience", "zt.audience");
      }
      if (typed.jwksUri() != null) {
        issuer.put("jwks_uri", typed.jwksUri().toString());
        provenance.put("/issuers/0/jwks_uri", "zt.jwks-uri");
      }
      List<Object> one = new ArrayList<>();
      one.add(issuer);
      doc.put("issuers", one);
    } else if (configured == null) {
      errors.add("zt.issuer: no issuer is configured: set zt.issuer (with zt.audience) or zt.issuers");
      return;
    } else if (typed.audience() != null || typed.jwksUri() != null) {
      errors.add((typed.audience() != null ? "zt.audience" : "zt.jwks-uri")
          + ": belongs to the zt.issuer shorthand; with zt.issuers give each issuer its own");
    }
    if (!(doc.get("issuers") instanceof List<?> list)) {
      return; // the schema says what is wrong
    }
    ZtProperties.Token token = typed.token() == null ? new ZtProperties.Token(null, null, null) : typed.token();
    String lifetime = token.maxLifetime() == null ? null : duration(token.maxLifetime(), "zt.token.max-lifetime");
    if (token.type() != null && !token.type().equalsIgnoreCase("at+jwt")) {
      errors.add("zt.token.type: '" + token.type() + "' is not supported: the only token type zt requires is"
          + " at+jwt (RFC 9068 §2.1); leave it unset to accept any typ");
    }
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> m)) {
        continue;
      }
      Map<String, Object> issuer = (Map<String, Object>) m;
      String at = "/issuers/" + i + "/";
      defaultTo(issuer, at, "roles_claim", typed.rolesClaim(), "zt.roles-claim");
      defaultTo(issuer, at, "max_token_lifetime", lifetime, "zt.token.max-lifetime");
      defaultTo(issuer, at, "require_access_token_type", token.type() == null ? null : Boolean.TRUE, "zt.token.type");
      defaultTo(issuer, at, "algorithms",
          token.algorithms() == null || token.algorithms().isEmpty() ? null : List.copyOf(token.algorithms()),
          "zt.token.algorithms");
      defaultTo(issuer, at, "allow_plain_http_key_source",
          typed.allowPlainHttp() ? Boolean.TRUE : null, "zt.allow-plain-http");
    }
  }

  private void defaultTo(Map<String, Object> issuer, String at, String key, Object value, String property) {
    if (value != null && !issuer.containsKey(key)) {
      issuer.put(key, value);
      provenance.put(at + key, property);
    }
  }

  /** A duration in the file's form ({@code 90s}, {@code 1h}): the largest unit that divides it exactly. */
  private String duration(Duration d, String property) {
    if (d.isNegative()) {
      errors.add(property + ": a negative duration (" + d + ")");
      return null;
    }
    if (d.getNano() % 1_000_000 != 0) {
      errors.add(property + ": finer than a millisecond (" + d + ")");
      return null;
    }
    long ms;
    try {
      ms = d.toMillis();
    } catch (ArithmeticException e) {
      errors.add(property + ": too long (" + d + ")");
      return null;
    }
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    String[] units = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms % sizes[i] == 0) {
        return (ms / sizes[i]) + units[i];
      }
    }
    throw new AssertionError();
  }

  /** A node of the property tree as read, into the document's value, with its provenance. */
  private Object convert(Node node, String pointer, String key, boolean item) {
    provenance.put(pointer, node.property);
    if (node.value != null && !node.children.isEmpty()) {
      errors.add(node.property + ": both a value and nested properties (" + node.children.keySet().iterator().next()
          + "): set one");
      return null;
    }
    if (node.children.isEmpty()) {
      return leaf(node.value, key, item);
    }
    if (node.indexed) {
      List<Object> list = new ArrayList<>();
      int expected = 0;
      for (Map.Entry<String, Node> e : node.children.entrySet()) {
        if (Integer.parseInt(e.getKey()) != expected) {
          errors.add(node.property + ": list indexes must run 0, 1, 2, … without gaps (index " + expected
              + " is missing)");
          return null;
        }
        list.add(convert(e.getValue(), pointer + "/" + expected, key, true));
        expected++;
      }
      return list;
    }
    Map<String, Object> map = new LinkedHashMap<>();
    boolean data = DATA_MAPS.contains(key);
    for (Map.Entry<String, Node> e : node.children.entrySet()) {
      String k = data ? e.getValue().original : snake(e.getKey());
      map.put(k, convert(e.getValue(), pointer + "/" + k.replace("~", "~0").replace("/", "~1"), k, false));
    }
    return map;
  }

  /**
   * A leaf: text under a key that is text or a list of text; else YAML's own types kept, and text typed as YAML 1.2
   * would type it ({@code true}, {@code 50}, {@code 0.8}). A list key takes one value or comma-separated values.
   */
  private static Object leaf(Object value, String key, boolean item) {
    if (TEXT.contains(key) || LISTS.contains(key) || VALUE_OR_LIST.contains(key)) {
      String s = String.valueOf(value);
      if (item) {
        return s;
      }
      if (LISTS.contains(key)) {
        Object v = valueOrList(s);
        return v instanceof List<?> ? v : new ArrayList<Object>(List.of(s));
      }
      return VALUE_OR_LIST.contains(key) ? valueOrList(s) : s;
    }
    if (value instanceof Boolean || value instanceof Long || value instanceof Double) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    String s = String.valueOf(value);
    if (s.equals("true") || s.equals("false")) {
      return Boolean.valueOf(s);
    }
    if (INTEGER.matcher(s).matches()) {
      return Long.valueOf(s);
    }
    if (DECIMAL.matcher(s).matches()) {
      return Double.valueOf(s);
    }
    return s;
  }

  private static Object valueOrList(String s) {
    if (!s.contains(",")) {
      return s;
    }
    return new ArrayList<Object>(Arrays.stream(s.split(",")).map(String::trim).toList());
  }

  private static String snake(String dashed) {
    return dashed.replace('-', '_');
  }

  /** The properties as a tree; numeric indexes make a list. */
  private static final class Node {
    final String property;
    String original;
    Object value;
    boolean indexed;
    final Map<String, Node> children = new java.util.TreeMap<>(PropertiesPolicy::compareKeys);

    Node(String property) {
      this.property = property;
    }

    void put(ConfigurationPropertyName name, int depth, Object v) {
      if (depth == name.getNumberOfElements()) {
        value = v;
        return;
      }
      boolean numeric = name.isNumericIndex(depth);
      String key = numeric ? name.getElement(depth, Form.ORIGINAL) : name.getElement(depth, Form.DASHED);
      if (children.isEmpty()) {
        indexed = numeric;
      } else if (indexed != numeric) {
        indexed = false; // a mix of indexes and keys: a map, which the schema refuses where a list belongs
      }
      Node child = children.computeIfAbsent(key, k -> new Node(name.chop(depth + 1).toString()));
      child.original = name.getElement(depth, Form.ORIGINAL);
      child.put(name, depth + 1, v);
    }
  }

  /** Numeric keys in numeric order, before other keys; other keys in the order of their text. */
  private static int compareKeys(String a, String b) {
    boolean na = a.chars().allMatch(Character::isDigit);
    boolean nb = b.chars().allMatch(Character::isDigit);
    if (na && nb) {
      return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
    }
    return na ? -1 : nb ? 1 : a.compareTo(b);
  }

  /** The document as JSON, which YAML 1.2 reads as it is; {@code ${} escaped, so no value is substituted. */
  static final class Json {
    private Json() {}

    static String write(Object value) {
      StringBuilder out = new StringBuilder();
      write(value, out);
      return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
      if (value == null) {
        out.append("null");
      } else if (value instanceof Map<?, ?> m) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          string(String.valueOf(e.getKey()), out, false);
          out.append(':');
          write(e.getValue(), out);
        }
        out.append('}');
      } else if (value instanceof List<?> l) {
        out.append('[');
        for (int i = 0; i < l.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(l.get(i), out);
        }
        out.append(']');
      } else if (value instanceof Boolean || value instanceof Long || value instanceof Double) {
        out.append(value);
      } else {
        string(String.valueOf(value), out, true);
      }
    }

    private static void string(String s, StringBuilder out, boolean escapeReferences) {
      String v = escapeReferences ? s.replace("${", "$${") : s;
      out.append('"');
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == '\u2028' || c == '\u2029'
            || c == '\ufeff') {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      out.append('"');
    }
  }
}
