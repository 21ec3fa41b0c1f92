package dev.zt.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.Enforcer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a policy file: everything wrong with it is reported, with where; nothing half-loaded. */
class PolicyFileTests {

  static final String HEAD = """
      version: 1
      issuers:
        - issuer: https://issuer.example
          audience: orders-api
      """;

  static final String ROUTES = """
      routes:
        - method: GET
          path: /orders
          require:
            all_scopes: [orders:read]
        - method: GET
          path: /health
          require:
            permit_all: true
      """;

  /** A public {@code /docs/{**}} before {@code /docs/secret}: the later rule can never match. */
  static final String SHADOWED = HEAD + """
      routes:
        - method: GET
          path: /docs/{**}
          require: {permit_all: true}
        - method: GET
          path: /docs/secret
          require: {all_roles: [admin]}
      """;

  static PolicyFile parse(String text) throws InvalidPolicyException {
    return PolicyFile.parse("p.yaml", text, Map.of(), PolicyExtensions.none());
  }

  static List<PolicyProblem> problemsWith(String text, Map<String, String> env) {
    try {
      PolicyFile.parse("p.yaml", text, env, PolicyExtensions.none());
    } catch (InvalidPolicyException e) {
      return e.problems();
    }
    throw new AssertionError("the file was accepted");
  }

  static List<PolicyProblem> problems(String text) {
    try {
      parse(text);
    } catch (InvalidPolicyException e) {
      return e.problems();
    }
    throw new AssertionError("the file was accepted");
  }

  @Test
  void parseWhenValidThenRulesTestsAndRevision() throws Exception {
    PolicyFile file = parse(HEAD + ROUTES);

    assertThat(file.rules()).extracting(PolicyRule::id).containsExactly("GET /orders", "GET /health");
    assertThat(file.rules().get(1).line()).isEqualTo(10);
    assertThat(file.revision()).isEqualTo(PolicyFile.revision((HEAD + ROUTES).getBytes(StandardCharsets.UTF_8)));
    assertThat(parse(HEAD + ROUTES + "\n").revision()).isNotEqualTo(file.revision());
    assertThat(file.tests()).isEmpty();
  }

  @Test
  void enforcerBuilderWhenCalledTwiceThenTwoIndependentBuilders() throws Exception {
    PolicyFile file = parse(HEAD + ROUTES);

    Enforcer.Builder a = file.enforcerBuilder();
    Enforcer.Builder b = file.enforcerBuilder();

    assertThat(a).isNotSameAs(b);
    assertThat(a.realm("one").build().routes().routes()).hasSize(2);
    assertThat(b.realm("two").build().routes().routes()).hasSize(2); // realm is set-once: a fresh builder each time
  }

  @Test
  void parseWhenNotYamlThenProblemWithLine() {
    List<PolicyProblem> p = problems(HEAD + "routes: [\n  - {method: GET\n");

    assertThat(p).singleElement().satisfies(x -> {
      assertThat(x.message()).startsWith("not valid YAML");
      assertThat(x.line()).isGreaterThan(4);
      assertThat(x.file()).isEqualTo("p.yaml");
    });
  }

  @Test
  void parseWhenDuplicateKeyThenRefusedAtItsLine() {
    List<PolicyProblem> p = problems(HEAD + ROUTES + "realm: a\nrealm: b\n");

    assertThat(p).singleElement().satisfies(x -> {
      assertThat(x.message()).contains("duplicate key 'realm'");
      assertThat(x.line()).isEqualTo(15);
      assertThat(x.pointer()).isEqualTo("/realm");
    });
  }

  @Test
  void parseWhenUnknownKeyThenSchemaProblemAtThatKey() {
    List<PolicyProblem> p = problems(HEAD + ROUTES.replace("require:\n      all_scopes", "requires:\n      all_scopes"));

    assertThat(p).anySatisfy(x -> {
      assertThat(x.pointer()).isEqualTo("/routes/0/requires");
      assertThat(x.line()).isEqualTo(8);
    });
  }

  @Test
  void parseWhenSignatureProviderIsJdkThenTheEnforcerVerifiesOnTheJdk() throws Exception {
    PolicyFile file = parse(HEAD + ROUTES + "signature_provider: jdk\n");

    assertThat(file.enforcerBuilder().build().signatureProviders())
        .containsEntry("RS256", "SunRsaSign").containsEntry("ES256", "SunEC");
  }

  @Test
  void parseWhenSignatureProviderIsAbsentOrCannotVerifyAnAcceptedAlgorithmThenRefusedAtItsKey() {
    // an explicit choice never falls back: the file is refused where the provider is missing or falls short
    assertThat(problems(HEAD + ROUTES + "signature_provider: NoSuchProvider\n")).singleElement().satisfies(x -> {
      assertThat(x.pointer()).isEqualTo("/signature_provider");
      assertThat(x.message()).contains("NoSuchProvider", "never falls back");
    });
    assertThat(problems(HEAD + ROUTES + "signature_provider: SunEC\n")).singleElement().satisfies(x -> {
      assertThat(x.pointer()).isEqualTo("/signature_provider");
      assertThat(x.message()).contains("SunEC", "cannot verify");
    });
  }

  @Test
  void parseWhenSignatureProviderVerifiesEveryAcceptedAlgorithmThenTheEnforcerUsesIt() throws Exception {
    String issuer = HEAD.replace("audience: orders-api", "audience: orders-api\n    algorithms: [ES256, EdDSA]");
    PolicyFile file = parse(issuer + ROUTES + "signature_provider: SunEC\n");

    assertThat(file.enforcerBuilder().build().signatureProviders())
        .containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of("ES256", "SunEC", "EdDSA", "SunEC")));
  }

  @Test
  void parseWhenSignatureProviderIsNotANameThenRefusedAtItsKey() {
    for (String bad : List.of("\"\"", "\"not a name\"", "\"../lib\"", "[auto]", "true", "AUTO", "Jdk")) {
      assertThat(problems(HEAD + ROUTES + "signature_provider: " + bad + "\n")).as(bad).anySatisfy(x ->
          assertThat(x.pointer()).isEqualTo("/signature_provider"));
    }
  }

  @Test
  void parseWhenMisspeltTopLevelKeyThenRefused() {
    assertThat(problems(HEAD + ROUTES + "rate_limit: {}\n")).anySatisfy(x ->
        assertThat(x.pointer()).isEqualTo("/rate_limit"));
  }

  @Test
  void parseWhenWrongTypeThenProblemAtPointer() {
    String text = HEAD + ROUTES + """
        rate_limits:
          default:
            name: default
            bandwidths: [{capacity: fifty, period: 1m}]
        """;

    assertThat(problems(text)).anySatisfy(x ->
        assertThat(x.pointer()).isEqualTo("/rate_limits/default/bandwidths/0/capacity"));
  }

  @Test
  void parseWhenYesThenItIsAStringNotTrue() {
    // YAML 1.1 read 'yes' as true; YAML 1.2 (core schema) keeps it a string, which the schema refuses here
    assertThat(problems(HEAD + ROUTES + "trust_client_cert_header: yes\n")).anySatisfy(x ->
        assertThat(x.pointer()).isEqualTo("/trust_client_cert_header"));
  }

  @Test
  void parseWhenVariableUnsetThenProblemNamingItAndNoValueEchoed() {
    String text = HEAD.replace("orders-api", "${ZT_AUDIENCE}") + ROUTES;

    List<PolicyProblem> p = problems(text);

    assertThat(p).singleElement().satisfies(x -> {
      assertThat(x.message()).contains("ZT_AUDIENCE is not set");
      assertThat(x.pointer()).isEqualTo("/issuers/0/audience");
      assertThat(x.line()).isEqualTo(4);
    });
  }

  @Test
  void parseWhenVariableSetOrDefaultedThenSubstituted() throws Exception {
    String text = HEAD.replace("orders-api", "${ZT_AUDIENCE}").replace("https://issuer.example",
        "${ZT_ISSUER:-https://fallback.example}") + ROUTES + "realm: \"$${literal}-${SUFFIX}\"\n";

    PolicyFile file = PolicyFile.parse("p.yaml", text, Map.of("ZT_AUDIENCE", "billing", "SUFFIX", "${X}"),
        PolicyExtensions.none());

    @SuppressWarnings("unchecked")
    Map<String, Object> issuer = (Map<String, Object>) ((List<?>) file.document().get("issuers")).get(0);
    assertThat(issuer).containsEntry("issuer", "https://fallback.example").containsEntry("audience", "billing");
    assertThat(file.document()).containsEntry("realm", "${literal}-${X}"); // escaped, and a value is never re-read
  }

  @Test
  void parseWhenWholeUnquotedReferenceThenTypedLikeYaml() throws Exception {
    String text = HEAD.replace("audience: orders-api", "audience: orders-api\n    allow_plain_http_key_source: "
        + "${PLAIN:-false}\n    roles_claim: \"${DIGITS}\"") + ROUTES + """
        rate_limits:
          default:
            name: default
            bandwidths:
              - capacity: ${CAPACITY:-50}
                period: 1m
        """;

    PolicyFile file = PolicyFile.parse("p.yaml", text, Map.of("PLAIN", "true", "DIGITS", "42"),
        PolicyExtensions.none());

    @SuppressWarnings("unchecked")
    Map<String, Object> issuer = (Map<String, Object>) ((List<?>) file.document().get("issuers")).get(0);
    assertThat(issuer).containsEntry("allow_plain_http_key_source", true).containsEntry("roles_claim", "42");
    assertThat(file.document().get("rate_limits").toString()).contains("capacity=50");
  }

  @Test
  void parseWhenWholeReferenceIsNotABooleanThenTheSchemaRefusesIt() {
    String text = HEAD.replace("audience: orders-api", "audience: orders-api\n    allow_plain_http_key_source: "
        + "${PLAIN}") + ROUTES;

    assertThat(problemsWith(text, Map.of("PLAIN", "yes"))).anySatisfy(x ->
        assertThat(x.pointer()).isEqualTo("/issuers/0/allow_plain_http_key_source"));
  }

  @Test
  void parseWhenVariableInKeyThenRefused() {
    List<PolicyProblem> p = problems(HEAD + ROUTES + "trust:\n  ${WEIGHT_NAME}: 1\n");

    assertThat(p).singleElement().satisfies(x -> {
      assertThat(x.message()).contains("never in keys");
      assertThat(x.line()).isEqualTo(15);
    });
  }

  @Test
  void parseWhenMalformedReferenceThenRefused() {
    assertThat(problems(HEAD + ROUTES + "realm: \"${not a name}\"\n")).singleElement().satisfies(x ->
        assertThat(x.message()).contains("not an environment reference"));
  }

  @Test
  void parseWhenHugeFileThenRefusedBeforeParsing() {
    String text = HEAD + ROUTES + "# " + "x".repeat(1 << 20) + "\n";

    assertThat(problems(text)).singleElement().satisfies(x -> assertThat(x.message()).contains("1 MiB"));
  }

  @Test
  void loadWhenHugeFileThenRefused(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("big.yaml");
    Files.writeString(f, HEAD + ROUTES + "# " + "x".repeat(5 << 20) + "\n");

    assertThatThrownBy(() -> PolicyFile.load(f, Map.of(), PolicyExtensions.none()))
        .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("1 MiB");
  }

  @Test
  void loadWhenMissingThenUnreadableProblem(@TempDir Path dir) {
    assertThatThrownBy(() -> PolicyFile.load(dir.resolve("none.yaml"), Map.of(), PolicyExtensions.none()))
        .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("cannot be read");
  }

  @Test
  void loadWhenDirectoryThenNotARegularFile(@TempDir Path dir) {
    assertThatThrownBy(() -> PolicyFile.load(dir, Map.of(), PolicyExtensions.none()))
        .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("not a regular file");
  }

  @Test
  void loadWhenSymlinkThenTheTargetIsRead(@TempDir Path dir) throws Exception {
    Path target = Files.writeString(dir.resolve("v1.yaml"), HEAD + ROUTES);
    Path link = Files.createSymbolicLink(dir.resolve("zt-policy.yaml"), target);

    assertThat(PolicyFile.load(link, Map.of(), PolicyExtensions.none()).revision())
        .isEqualTo(PolicyFile.revision(Files.readAllBytes(target)));
  }

  @Test
  void parseWhenNotUtf8ThenRefused() {
    byte[] latin1 = (HEAD + ROUTES + "realm: caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1);

    assertThatThrownBy(() -> PolicyFile.parse("p.yaml", latin1, Map.of(), PolicyExtensions.none(), false))
        .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("not UTF-8");
  }

  @Test
  void parseWhenAliasBombThenRefused() {
    StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
    char prev = 'a';
    for (char c = 'b'; c <= 'j'; c++) {
      bomb.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        bomb.append(i == 0 ? "" : ", ").append('*').append(prev);
      }
      bomb.append("]\n");
      prev = c;
    }

    List<PolicyProblem> p = problems(bomb.toString());

    assertThat(p).singleElement().satisfies(x -> assertThat(x.message()).containsAnyOf("alias", "nodes"));
  }

  @Test
  void parseWhenDeeplyNestedThenRefused() {
    String text = HEAD + ROUTES + "realm: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";

    assertThat(problems(text)).singleElement().satisfies(x -> assertThat(x.message()).contains("nested deeper"));
  }

  @Test
  void parseWhenTagThenRefused() {
    assertThat(problems(HEAD + ROUTES + "realm: !!binary aGVsbG8=\n")).singleElement().satisfies(x ->
        assertThat(x.message()).contains("tags are not allowed"));
  }

  @Test
  void parseWhenTwoDocumentsThenRefused() {
    assertThat(problems(HEAD + ROUTES + "---\nversion: 1\n")).singleElement().satisfies(x ->
        assertThat(x.message()).contains("more than one YAML document"));
  }

  @Test
  void parseWhenGlobPathThenTheBuildersMessageAtThatRoute() {
    String text = HEAD + ROUTES.replace("path: /orders\n", "path: /orders/*.json\n");

    assertThat(problems(text)).singleElement().satisfies(x -> {
      assertThat(x.pointer()).isEqualTo("/routes/0");
      assertThat(x.line()).isEqualTo(6);
      assertThat(x.message()).contains("not a glob");
    });
  }

  @Test
  void parseWhenRouteShadowedThenRefusedAtTheLaterRule() {
    String text = SHADOWED;

    assertThat(problems(text)).singleElement().satisfies(x -> {
      assertThat(x.pointer()).isEqualTo("/routes/1");
      assertThat(x.message()).contains("can never match");
    });
  }

  @Test
  void parseWhenEveryProblemThenAllReported() {
    String text = HEAD + ROUTES.replace("path: /orders\n", "path: /orders/**x\n").replace("path: /health",
        "path: health") + "trust: {signals: [{weight: 1, extension: nope}]}\n";

    List<PolicyProblem> p = problems(text);

    assertThat(p).extracting(PolicyProblem::pointer).contains("/routes/1/path");
  }

  @Test
  void parseWhenBuildersRefuseSeveralNodesThenEachReported() {
    String text = HEAD + ROUTES.replace("path: /orders\n", "path: /orders/**x\n")
        + "trust: {signals: [{weight: 1, extension: nope}]}\n";

    List<PolicyProblem> p = problems(text);

    assertThat(p).extracting(PolicyProblem::pointer).containsExactly("/routes/0", "/trust/signals/0/extension");
  }

  @Test
  void parseWhenUnknownCountryResolverThenRefused() {
    assertThat(problems(HEAD + ROUTES + "trust: {token_age: 1, country_from: geo}\n")).singleElement()
        .satisfies(x -> assertThat(x.message()).contains("no country resolver named 'geo'"));
  }

  @Test
  void parseWhenPermitAllWithMoreThenRefused() {
    String text = HEAD + ROUTES.replace("permit_all: true", "permit_all: true\n      all_roles: [a]");

    assertThat(problems(text)).singleElement().satisfies(x -> assertThat(x.message()).contains("stands alone"));
  }

  @Test
  void parseWhenRateLimitNamesNoRouteThenRefused() {
    String text = HEAD + ROUTES + """
        rate_limits:
          routes:
            - {route: GET /order, name: o, bandwidths: [{capacity: 5, period: 1s}]}
        """;

    assertThat(problems(text)).singleElement().satisfies(x ->
        assertThat(x.message()).contains("no route has the id 'GET /order'"));
  }

  @Test
  void parseWhenEnforcerRefusesCombinationThenProblem() {
    assertThat(problems(HEAD + ROUTES + "dpop: {require_nonce: true}\n")).singleElement().satisfies(x -> {
      assertThat(x.message()).contains("publicOrigin");
      assertThat(x.pointer()).isEqualTo("/dpop");
      assertThat(x.line()).isEqualTo(14);
    });
  }

  @Test
  void parseWhenIssuerPlainHttpThenTheBuildersRefusal() {
    assertThat(problems(HEAD.replace("https://issuer.example", "http://issuer.example") + ROUTES))
        .singleElement().satisfies(x -> {
          assertThat(x.pointer()).isEqualTo("/issuers/0");
          assertThat(x.message()).contains("https");
        });
  }

  @Test
  void parseWhenObjectRulesAndPdpThenEnforcerDecidesObjects() throws Exception {
    String text = HEAD + ROUTES + """
        objects:
          - id: order-read-owner-or-admin
            effect: permit
            resource: order
            actions: [read]
            when: {any_of: [{owner: owner}, {any_role: [admin]}]}
          - id: no-archived
            effect: forbid
            resource: order
            actions: [read]
            when: {claim_equals: {blocked: true}}
          - id: try-tenant
            effect: permit
            shadow: true
            resource: order
            actions: [read]
            when: {attribute_equals_claim: {tenant: tid}}
        pdp:
          - opa: {url: "http://127.0.0.1:8181", path: orders/allow}
            resource_types: [order]
            actions: [read]
            claims: [sub]
            timeout: 2s
            cache: {ttl: 5s}
        """;

    PolicyFile file = parse(text);

    assertThat(file.rules()).extracting(PolicyRule::kind, PolicyRule::id).contains(
        org.assertj.core.groups.Tuple.tuple(PolicyRule.Kind.OBJECT, "order-read-owner-or-admin"),
        org.assertj.core.groups.Tuple.tuple(PolicyRule.Kind.OBJECT, "no-archived"))
        .doesNotContain(org.assertj.core.groups.Tuple.tuple(PolicyRule.Kind.OBJECT, "try-tenant"));
    assertThat(file.enforcerBuilder().build()).isNotNull();
  }

  @Test
  void parseWhenConditionUnknownThenSchemaRefusesIt() {
    String text = HEAD + ROUTES + """
        objects:
          - {id: x, effect: permit, resource: order, actions: [read], when: {owner_is: owner}}
        """;

    assertThat(problems(text)).anySatisfy(x -> assertThat(x.pointer()).isEqualTo("/objects/0/when/owner_is"));
  }

  @Test
  void parseWhenPdpUrlPlainHttpRemoteThenTheClientsRefusal() {
    String text = HEAD + ROUTES + """
        pdp:
          - opa: {url: "http://opa.example:8181", path: orders/allow}
            resource_types: [order]
            actions: [read]
        """;

    assertThat(problems(text)).singleElement().satisfies(x -> assertThat(x.pointer()).isEqualTo("/pdp/0/opa"));
  }

  @Test
  void parseWhenShadowRouteThenLoadedButNotARuleThatDecides() throws Exception {
    String text = HEAD + ROUTES + """
          - id: try-stricter-health
            shadow: true
            method: GET
            path: /health
            require: {authenticated: true}
        """;

    PolicyFile file = parse(text);

    assertThat(file.rules()).extracting(PolicyRule::id).containsExactly("GET /orders", "GET /health");
    assertThat(file.enforcerBuilder().build().routes().shadowRoutes()).hasSize(1);
  }

  @Test
  void parseWhenFullSettingsThenEnforcerBuilds() throws Exception {
    String text = HEAD + ROUTES + """
        realm: orders
        public_origin: https://orders.example
        no_implicit_head: true
        trust:
          token_age: 1
          channel: 0.5
          ip_reputation: {weight: 1, cidrs: [198.51.100.0/24]}
          cut_points: {high: 0.8, medium: 0.6, low: 0.3}
          critical_event_ttl: 1h
        rate_limits:
          default: {name: d, bandwidths: [{capacity: 10, period: 1s}]}
          tenant_claim: tid
          level_factors: {LOW: 0.5}
        detection:
          referer_inspected: true
          stuffing: {per_source: 5, window: 1m}
          identifier_field: username
        countermeasures:
          rules:
            - on: sqli.*
              actions: [{suspend_credential: 15m, after_attempts: 3, within: 15m}, {monitor: 1h}]
          never_block: [loopback, 10.0.0.0/8]
        trust_forwarded_for: [loopback, fd00::/8]
        trust_client_cert_header: true
        dpop: {require_nonce: true, proof_max_age: 1m}
        """;

    PolicyFile file = parse(text);

    assertThat(file.enforcerBuilder().build().publicOrigin()).isPresent();
  }

  @Test
  void parseWhenActionNamesTwoKindsThenRefused() {
    String text = HEAD + ROUTES + """
        countermeasures:
          rules:
            - on: sqli.*
              actions: [{monitor: 1h, throttle: 1m}]
        """;

    assertThat(problems(text)).singleElement().satisfies(x -> {
      assertThat(x.pointer()).isEqualTo("/countermeasures/rules/0/actions/0");
      assertThat(x.message()).contains("exactly one of");
    });
  }

  @Test
  void parseWhenDetectionWordUnknownThenOneProblem() {
    assertThat(problems(HEAD + ROUTES + "detection: maybe\n")).singleElement().satisfies(x ->
        assertThat(x.message()).contains("defaults"));
  }

  @Test
  void parseWhenCidrHasHostBitsThenRefused() {
    assertThat(problems(HEAD + ROUTES + "trust_forwarded_for: [10.0.0.1/8]\n")).singleElement().satisfies(x -> {
      assertThat(x.pointer()).isEqualTo("/trust_forwarded_for/0");
      assertThat(x.message()).contains("host bits");
    });
  }

  @Test
  void schemaWhenReadThenPublishedWithStableId() {
    assertThat(PolicyFile.schema()).contains("\"$id\": \"urn:zt:policy:schema:1\"")
        .contains("\"additionalProperties\": false");
  }
}
